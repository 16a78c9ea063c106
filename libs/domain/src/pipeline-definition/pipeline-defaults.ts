import type { ActionDeclaration, ExecutionMode, PipelineDeclaration, PipelineType } from './pipeline-declaration';
import { DEFAULT_APPROVAL_TIMEOUT_IN_MINUTES, DEFAULT_EXECUTION_MODE, DEFAULT_PIPELINE_TYPE, DEFAULT_RUN_ORDER } from './pipeline-limits';

/**
 * A copy of a valid definition with every default made explicit, for the engine to read without
 * re-deciding them. The stored definition stays the one the user gave.
 */
export function applyPipelineDefaults(pipeline: PipelineDeclaration): PipelineDeclaration {
  const executionMode: ExecutionMode = pipeline.executionMode ?? DEFAULT_EXECUTION_MODE;
  const pipelineType: PipelineType = pipeline.pipelineType ?? DEFAULT_PIPELINE_TYPE;
  return {
    ...pipeline,
    executionMode,
    pipelineType,
    stages: pipeline.stages.map((stage) => ({ ...stage, actions: stage.actions.map(applyActionDefaults) })),
  };
}

function applyActionDefaults(action: ActionDeclaration): ActionDeclaration {
  const isManualApproval = action.actionTypeId.category === 'Approval' && action.actionTypeId.provider === 'Manual';
  return {
    ...action,
    runOrder: action.runOrder ?? DEFAULT_RUN_ORDER,
    ...(isManualApproval ? { timeoutInMinutes: action.timeoutInMinutes ?? DEFAULT_APPROVAL_TIMEOUT_IN_MINUTES } : {}),
  };
}
