import type { ActionTypeDefinition } from '../action-types/action-type-definition';

/** An action type on either side of a mapping; AWS's side may hold categories and owners Sluice lacks. */
export interface ActionTypeReference {
  category: string;
  owner: string;
  provider: string;
  version: string;
}

/** mapped: a different provider does the job; custom: a custom action type of the same name; kept: unchanged. */
export type ActionMappingStatus = 'mapped' | 'custom' | 'kept';

export interface ActionMapping {
  /** Position in the declaration: `$.stages[0].actions[1]`. */
  path: string;
  stage: string;
  action: string;
  from: ActionTypeReference;
  to: ActionTypeReference;
  status: ActionMappingStatus;
  notes: string[];
}

export type FieldChangeKind = 'dropped' | 'changed' | 'added';

/** One field the translation dropped, changed or added, by its path in the source declaration. */
export interface FieldChange {
  path: string;
  kind: FieldChangeKind;
  before?: unknown;
  after?: unknown;
  reason: string;
}

export interface MappingReport {
  actions: ActionMapping[];
  changes: FieldChange[];
  warnings: string[];
}

export interface ImportReport extends MappingReport {
  /** Custom action types the imported pipeline uses: create them (`createCustomActionType`) before the pipeline. */
  requiredCustomActionTypes: ActionTypeDefinition[];
}

export type ExportReport = MappingReport;
