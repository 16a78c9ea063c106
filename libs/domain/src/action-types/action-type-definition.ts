import type { ActionCategory, ActionTypeId } from '../pipeline-definition/pipeline-declaration';

/** CodePipeline's ActionType shape (as `list-action-types` returns it), plus two optional Sluice extensions. */

export const CONFIGURATION_PROPERTY_TYPES = ['String', 'Number', 'Boolean'] as const;
export type ConfigurationPropertyType = (typeof CONFIGURATION_PROPERTY_TYPES)[number];

export interface ActionConfigurationProperty {
  name: string;
  required: boolean;
  key: boolean;
  secret: boolean;
  queryable?: boolean;
  description?: string;
  type?: ConfigurationPropertyType;
  /** Sluice extension: a longer limit than CodePipeline's 1000 characters for this property's value. */
  maxLength?: number;
}

export interface ArtifactDetails {
  minimumCount: number;
  maximumCount: number;
}

export interface ActionTypeSettings {
  thirdPartyConfigurationUrl?: string;
  entityUrlTemplate?: string;
  executionUrlTemplate?: string;
  revisionUrlTemplate?: string;
}

export interface ActionTypeDefinition {
  id: ActionTypeId;
  settings?: ActionTypeSettings;
  actionConfigurationProperties: ActionConfigurationProperty[];
  inputArtifactDetails: ArtifactDetails;
  outputArtifactDetails: ArtifactDetails;
  /**
   * Sluice extension: the action runs shell commands, given either as the `Commands` configuration
   * (newline separated) or as the action's `commands` array, like CodePipeline's Commands action;
   * only such actions may declare `commands` and `outputVariables`.
   */
  runsCommands?: boolean;
}

/** An action type id in one of Sluice's categories (not AWS's `Compute`). */
export interface SluiceActionTypeId extends ActionTypeId {
  category: ActionCategory;
}

/** Registry key: `category/owner/provider/version`. */
export interface ActionTypeIdLike {
  category: string;
  owner: string;
  provider: string;
  version: string;
}

export function actionTypeKey(id: ActionTypeIdLike): string {
  return `${id.category}/${id.owner}/${id.provider}/${id.version}`;
}
