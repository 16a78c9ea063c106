import type { PipelineDeclaration } from '@sluice/domain';
import { ConflictError, IllegalStateError, NotFoundError, invalidInput } from '../errors';
import type { RerunStage, StartPipelineExecution } from './execution-commands';
import type { ExecutionEvent, ExecutionInputs, ResolvedVariable, SourceRevision } from '@sluice/contracts';
import { findStageRun, type ExecutionState } from './execution-state';

/** A repeated request with the same client token is answered with the execution it started: no event. */
function alreadyStarted(state: ExecutionState, clientRequestToken: string | null, executionId: string): boolean {
  if (state.status === 'NotStarted') return false;
  if (clientRequestToken !== null && state.run.inputs.clientRequestToken === clientRequestToken) return true;
  throw new ConflictError(`The execution id '${executionId}' is already used by another execution.`, 'EXECUTION_ID_IN_USE');
}

export function startPipelineExecution(command: StartPipelineExecution, state: ExecutionState): ExecutionEvent[] {
  if (alreadyStarted(state, command.clientRequestToken, command.executionId)) return [];
  const { declaration, version } = command.definition;
  if (declaration.stages.length === 0) throw invalidInput('$.definition.stages', 'The pipeline has no stage to run.');
  const inputs: ExecutionInputs = {
    pipeline: command.pipeline,
    definition: { version, declaration },
    executionMode: declaration.executionMode ?? 'SUPERSEDED',
    variables: resolvePipelineVariables(declaration, command),
    sourceRevisions: pinSourceRevisions(declaration, command),
    trigger: command.trigger,
    clientRequestToken: command.clientRequestToken,
    scope: { kind: 'AllStages' },
    ...(command.invokedBy ? { invokedBy: command.invokedBy } : {}),
  };
  return [
    {
      type: 'PipelineExecutionStarted',
      data: { executionId: command.executionId, inputs, startedBy: command.metadata.actor, startedAt: command.metadata.now },
    },
  ];
}

/** Declared defaults overlaid with the start's overrides; a variable with neither is refused. */
function resolvePipelineVariables(declaration: PipelineDeclaration, command: StartPipelineExecution): ResolvedVariable[] {
  const declared = declaration.variables ?? [];
  const seen = new Set<string>();
  command.variables.forEach((override, index) => {
    if (!declared.some((variable) => variable.name === override.name)) {
      const names = declared.map((variable) => `"${variable.name}"`).join(', ') || 'none';
      throw invalidInput(`$.variables[${index}].name`, `The pipeline declares no variable "${override.name}" (declared: ${names}).`);
    }
    if (seen.has(override.name)) throw invalidInput(`$.variables[${index}].name`, `The variable "${override.name}" is given twice.`);
    seen.add(override.name);
  });
  return declared.map((variable) => {
    const value = command.variables.find((override) => override.name === variable.name)?.value ?? variable.defaultValue;
    if (value === undefined) {
      throw invalidInput('$.variables', `The pipeline variable "${variable.name}" has no default value: give it one when you start the pipeline.`);
    }
    return { name: variable.name, value };
  });
}

function pinSourceRevisions(declaration: PipelineDeclaration, command: StartPipelineExecution): SourceRevision[] {
  const sourceActions = declaration.stages.flatMap((stage) => stage.actions).filter((action) => action.actionTypeId.category === 'Source');
  const seen = new Set<string>();
  return command.sourceRevisions.map((override, index) => {
    if (!sourceActions.some((action) => action.name === override.actionName)) {
      throw invalidInput(`$.sourceRevisions[${index}].actionName`, `"${override.actionName}" is not a source action of the pipeline.`);
    }
    if (seen.has(override.actionName)) {
      throw invalidInput(`$.sourceRevisions[${index}].actionName`, `The source action "${override.actionName}" is given two revisions.`);
    }
    seen.add(override.actionName);
    return { actionName: override.actionName, revisionType: override.revisionType, revisionId: override.revisionValue, revisionSummary: null, revisionUrl: null };
  });
}

/**
 * One stage of a past execution as a new execution, with the past execution's inputs: its definition
 * snapshot, variables, and the source revisions and artifacts it had when it reached the stage.
 */
export function rerunStage(command: RerunStage, state: ExecutionState, source: ExecutionState | null): ExecutionEvent[] {
  if (alreadyStarted(state, command.clientRequestToken, command.executionId)) return [];
  if (source === null || source.status === 'NotStarted') throw new NotFoundError('execution', command.sourceExecutionId);
  const stages = source.run.inputs.definition.declaration.stages;
  const stageIndex = stages.findIndex((stage) => stage.name === command.stageName);
  const stageRun = findStageRun(source.run, command.stageName);
  if (stageIndex < 0 || !stageRun) {
    throw new NotFoundError('stage', command.stageName, `Execution '${command.sourceExecutionId}' has no stage '${command.stageName}'.`);
  }
  if (command.reason === 'Rollback' && stageRun.phase.status !== 'Succeeded') {
    throw new IllegalStateError(
      `Stage '${command.stageName}' did not succeed in execution '${command.sourceExecutionId}': roll back to an execution in which it succeeded.`,
      'UNABLE_TO_ROLLBACK_STAGE',
    );
  }
  const earlier = (stageName: string) => stages.findIndex((stage) => stage.name === stageName) < stageIndex;
  const producerOf = (namespace: string) =>
    stages.find((stage) => stage.actions.some((action) => action.namespace === namespace))?.name ?? command.stageName;
  const inputs: ExecutionInputs = {
    ...source.run.inputs,
    sourceRevisions: Object.values(source.run.sourceRevisions),
    trigger: {
      triggerType: command.reason === 'Rerun' ? 'RerunStage' : command.automatic ? 'AutomatedRollback' : 'RollbackStage',
      triggerDetail: command.sourceExecutionId,
    },
    clientRequestToken: command.clientRequestToken,
    scope: {
      kind: 'SingleStage',
      stageName: command.stageName,
      reason: command.reason,
      sourceExecutionId: command.sourceExecutionId,
      inheritedArtifacts: Object.values(source.run.artifacts).filter((artifact) => earlier(artifact.producedBy.stageName)),
      inheritedNamespaces: Object.entries(source.run.namespaces)
        .filter(([namespace]) => earlier(producerOf(namespace)))
        .map(([namespace, variables]) => ({ namespace, variables })),
    },
  };
  return [
    {
      type: 'PipelineExecutionStarted',
      data: { executionId: command.executionId, inputs, startedBy: command.metadata.actor, startedAt: command.metadata.now },
    },
  ];
}
