import type { ActionTypeDefinition } from '../action-types/action-type-definition';
import type { AwsActionCategory } from './pipeline-declaration';

/** What the shape pass could read of a definition, for the checks that relate one part to another. */

export interface NamedAt {
  name: string;
  path: string;
}

export interface VariableReference {
  /** The text as written, e.g. `#{BuildVariables.IMAGE_TAG}`. */
  text: string;
  namespace: string;
  variable: string;
  path: string;
}

export interface ActionFacts {
  stageIndex: number;
  actionIndex: number;
  path: string;
  name?: string;
  /** undefined when the runOrder was invalid: ordering checks then leave the action out. */
  runOrder?: number;
  category?: AwsActionCategory;
  actionType?: ActionTypeDefinition;
  inputArtifacts: NamedAt[];
  outputArtifacts: NamedAt[];
  namespace?: NamedAt;
  references: VariableReference[];
}

export interface StageFacts {
  index: number;
  path: string;
  name?: string;
  actions: ActionFacts[];
}

/** True when `earlier` has finished before `later` starts: an earlier stage, or a lower runOrder in the same stage. */
export function runsBefore(earlier: ActionFacts, later: ActionFacts): boolean {
  if (earlier.stageIndex !== later.stageIndex) return earlier.stageIndex < later.stageIndex;
  if (earlier.runOrder === undefined || later.runOrder === undefined) return false;
  return earlier.runOrder < later.runOrder;
}

export function describeAction(action: ActionFacts, stages: readonly StageFacts[]): string {
  const stageName = stages[action.stageIndex]?.name;
  const actionName = action.name !== undefined ? `"${action.name}"` : `#${action.actionIndex}`;
  return stageName !== undefined ? `action ${actionName} of stage "${stageName}"` : `action ${actionName}`;
}
