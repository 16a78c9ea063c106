// Starting a pipeline with variable and revision overrides, and rolling a stage back to an earlier execution.
import type { PipelineDefinition } from './api';
import { request } from './graphql';

/** A pipeline-level variable as the definition declares it (docs/pipeline-reference.md). */
export interface PipelineVariableDeclaration {
  name: string;
  defaultValue?: string;
  description?: string;
}

export const declaredVariables = (definition: PipelineDefinition): PipelineVariableDeclaration[] =>
  ((definition as { variables?: PipelineVariableDeclaration[] }).variables ?? []).map((v) => ({ ...v }));

/** The source actions whose revision a release may pin, with the revision type their provider takes. */
export function revisionSources(definition: PipelineDefinition): Array<{ actionName: string; revisionType: string }> {
  return definition.stages
    .flatMap((stage) => stage.actions)
    .filter((action) => action.actionTypeId.category === 'Source' && action.actionTypeId.provider === 'Git')
    .map((action) => ({ actionName: action.name, revisionType: 'COMMIT_ID' }));
}

export const startPipelineExecutionWith = (
  name: string,
  variables: Array<{ name: string; value: string }>,
  sourceRevisions: Array<{ actionName: string; revisionType: string; revisionValue: string }>,
) =>
  request<{ startPipelineExecution: { pipelineExecutionId: string } }>(
    `mutation ReleaseWith($name: String!, $variables: [PipelineVariableInput!], $revisions: [SourceRevisionOverrideInput!]) {
      startPipelineExecution(name: $name, variables: $variables, sourceRevisions: $revisions) { pipelineExecutionId } }`,
    { name, variables, revisions: sourceRevisions },
  );

export interface RollbackTarget {
  pipelineExecutionId: string;
  pipelineVersion: number;
  startTime: string;
  lastUpdateTime: string;
  trigger: { triggerType: string };
  sourceRevisions: Array<{ actionName: string; revisionId: string; revisionSummary: string | null }>;
}

/**
 * What a stage may be rolled back to, newest first: the pipeline's succeeded standard executions (every stage
 * of one succeeded). The server takes any execution in which the stage succeeded; as in CodePipeline, a
 * rollback execution is not offered as a target, and neither is a re-run (it ran one stage only).
 */
export async function listRollbackTargets(pipelineName: string): Promise<RollbackTarget[]> {
  const data = await request<{ listPipelineExecutions: { nodes: Array<RollbackTarget & { executionType: string }> } }>(
    `query RollbackTargets($name: String!) {
      listPipelineExecutions(pipelineName: $name, first: 100, filter: { statuses: [Succeeded] }) { nodes {
        pipelineExecutionId pipelineVersion executionType startTime lastUpdateTime trigger { triggerType }
        sourceRevisions { actionName revisionId revisionSummary } } } }`,
    { name: pipelineName },
  );
  return data.listPipelineExecutions.nodes.filter((e) => e.executionType === 'STANDARD');
}

export const rollbackStage = (pipelineName: string, stageName: string, targetPipelineExecutionId: string) =>
  request<{ rollbackStage: { pipelineExecutionId: string } }>(
    'mutation Rollback($p: String!, $s: String!, $target: ID!) { rollbackStage(pipelineName: $p, stageName: $s, targetPipelineExecutionId: $target) { pipelineExecutionId } }',
    { p: pipelineName, s: stageName, target: targetPipelineExecutionId },
  );
