import { childPath } from '../validation/json-path';
import type { ActionTypeId, EnvironmentVariable, OutputArtifact } from '../pipeline-definition/pipeline-declaration';
import type { AwsActionDeclaration } from './aws-pipeline-declaration';
import type { ImportAwsPipelineOptions } from './import-options';
import type { ActionMappingStatus } from './mapping-report';
import type { MappingReportBuilder } from './mapping-report-builder';

/** One AWS action being imported, with where it sits and where to report. */
export interface ActionMappingContext {
  action: AwsActionDeclaration;
  /** `$.stages[0].actions[1]` */
  path: string;
  region: string | undefined;
  options: ImportAwsPipelineOptions;
  report: MappingReportBuilder;
}

/** The parts of a Sluice action that depend on its provider; name, runOrder, artifacts and namespace carry over as they are. */
export interface MappedAction {
  actionTypeId: ActionTypeId;
  status: ActionMappingStatus;
  notes: string[];
  configuration?: Record<string, string>;
  commands?: string[];
  outputVariables?: string[];
  environmentVariables?: EnvironmentVariable[];
  outputArtifacts?: OutputArtifact[];
}

export function configurationPath(context: ActionMappingContext, key: string): string {
  return childPath(`${context.path}.configuration`, key);
}

/** Reports every configuration key the mapping did not carry over, so nothing disappears silently. */
export function dropUnhandledConfiguration(context: ActionMappingContext, handled: readonly string[], target: string): void {
  for (const [key, value] of Object.entries(context.action.configuration ?? {})) {
    if (!handled.includes(key)) context.report.dropped(configurationPath(context, key), value, `${target} has no setting "${key}".`);
  }
}
