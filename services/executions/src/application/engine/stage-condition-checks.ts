import { conditionsOf, findStageDeclaration, type EngineCommand, type ExecutionCommandMetadata, type ExecutionState } from '../../domain';
import type { StageConditionEvaluator } from './stage-condition-evaluator';

/** Stages waiting for a condition's answer (StageConditionCheckStarted): ask the evaluator, answer with RecordStageConditionResult. */
export async function stageConditionChecks(execution: ExecutionState, evaluator: StageConditionEvaluator, now: string, entropy: string): Promise<EngineCommand[]> {
  if (execution.status !== 'InProgress') return [];
  const { run } = execution;
  const pending = run.stages.flatMap((stage) => (stage.phase.status === 'CheckingCondition' ? [{ stage, condition: stage.phase.condition }] : []));
  return Promise.all(
    pending.map(async ({ stage, condition }): Promise<EngineCommand> => {
      const declaration = findStageDeclaration(run, stage.name);
      const { account, name } = run.inputs.pipeline;
      const conditions = declaration ? conditionsOf(declaration, condition) : [];
      const variables = {
        executionId: run.executionId,
        pipelineVariables: Object.fromEntries(run.inputs.variables.map((variable) => [variable.name, variable.value])),
        namespaces: run.namespaces,
      };
      const scope = run.inputs.scope;
      const rollback = scope.kind === 'SingleStage' && scope.reason === 'Rollback';
      const request = { account, pipelineName: name, executionId: run.executionId, stageName: stage.name, condition, conditions, variables, rollback };
      const { rulesPassed, summary, rules } = await evaluator.evaluate(request);
      const metadata: ExecutionCommandMetadata = { now, account, actor: 'system', correlationId: run.executionId, entropy };
      return {
        aggregate: 'execution',
        command: { type: 'RecordStageConditionResult', executionId: run.executionId, stageName: stage.name, attempt: stage.attempt, condition, rulesPassed, summary, ...(rules ? { rules } : {}), metadata },
      };
    }),
  );
}
