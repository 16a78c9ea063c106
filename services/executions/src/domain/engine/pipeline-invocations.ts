import { MAX_INVOKE_DEPTH } from '@sluice/domain';
import type { DefinitionSnapshot, InvokingExecution } from '@sluice/contracts';
import type { ExecutionCommandMetadata, InvokeOutcome, StartPipelineExecution } from '../execution/execution-commands';
import { initialExecutionState, isActive, type ExecutionState, type StageRun, type StartedExecution } from '../execution/execution-state';
import { startPipelineExecution } from '../execution/start-execution';
import { uploadArchivesOfStart } from '../jobs/artifact-claims';
import { hasPassed } from '../time';
import type { EngineCommand } from './engine-command';

/** What the engine knows of one invoked execution: its state, and the newest definition of its pipeline (undefined: none in the account). */
export interface Invoked {
  execution: ExecutionState;
  target: DefinitionSnapshot | undefined;
}

type InvokeWork = Extract<Extract<StageRun['actions'][string], { status: 'InProgress' }>['work'], { kind: 'Invoke' }>;

/** The invocations of an execution's running Invoke/Sluice/Pipeline actions: their executions' ids, by action. */
export function invocationsOf(execution: ExecutionState): Array<{ stageName: string; actionName: string; work: InvokeWork }> {
  if (execution.status === 'NotStarted') return [];
  return execution.run.stages.flatMap((stage) =>
    Object.entries(stage.actions).flatMap(([actionName, action]) =>
      action.status === 'InProgress' && action.work.kind === 'Invoke' ? [{ stageName: stage.name, actionName, work: action.work }] : [],
    ),
  );
}

/**
 * For each running invoke: start its execution (once; the start is idempotent by its derived id), or, once it started,
 * complete the action: at once without WaitForResult, else when that execution ends or the deadline passes. A start
 * the target would refuse (no such pipeline in the account, an undeclared variable, a loop, too deep a chain) fails the
 * action with the reason instead of being tried again and again.
 */
export function invocationWork(execution: StartedExecution, invoked: ReadonlyMap<string, Invoked>, metadata: ExecutionCommandMetadata): EngineCommand[] {
  // Stopping (stop and wait) lets running actions finish: an invoke goes on until its execution ends, as a job would.
  if (!isActive(execution)) return [];
  const { run } = execution;
  return invocationsOf(execution).flatMap(({ stageName, actionName, work }): EngineCommand[] => {
    const complete = (outcome: InvokeOutcome): EngineCommand => ({
      aggregate: 'execution',
      command: { type: 'CompleteInvokedAction', executionId: run.executionId, stageName, actionName, childExecutionId: work.childExecutionId, outcome, metadata },
    });
    const child = invoked.get(work.childExecutionId) ?? { execution: initialExecutionState, target: undefined };
    if (child.execution.status === 'NotStarted') {
      const invoker: InvokingExecution = { pipelineName: run.inputs.pipeline.name, executionId: run.executionId, stageName, actionName };
      const start = startOf(work, child.target, [...(run.inputs.invokedBy ?? []), invoker], run.inputs.pipeline.account, metadata);
      return ['refused' in start ? complete({ status: 'Failed', errorType: 'InvokeRefused', message: start.refused }) : { aggregate: 'execution', command: start }];
    }
    const childId = work.childExecutionId;
    const variables = (status: string) => ({ PipelineExecutionId: childId, ...(work.waitForResult ? { Status: status } : {}) });
    if (!work.waitForResult) return [complete({ status: 'Succeeded', summary: `Started execution ${childId} of pipeline "${work.pipelineName}".`, outputVariables: variables('') })];
    switch (child.execution.status) {
      case 'Succeeded':
        return [complete({ status: 'Succeeded', summary: `Execution ${childId} of pipeline "${work.pipelineName}" succeeded.`, outputVariables: variables('Succeeded') })];
      case 'Failed':
        return [complete({ status: 'Failed', errorType: 'InvokedExecutionFailed', message: `Execution ${childId} of pipeline "${work.pipelineName}" failed: ${child.execution.failure.message}` })];
      case 'Stopped':
      case 'Superseded':
        return [complete({ status: 'Failed', errorType: 'InvokedExecutionFailed', message: `Execution ${childId} of pipeline "${work.pipelineName}" ended ${child.execution.status}.` })];
      default:
        return hasPassed(work.deadline, metadata.now)
          ? [complete({ status: 'Failed', errorType: 'TimedOut', message: `Execution ${childId} of pipeline "${work.pipelineName}" did not end by the action's deadline, ${work.deadline}.` })]
          : [];
    }
  });
}

/** The deadlines of the invokes that wait: when time alone may fail them. */
export function invocationDeadlines(execution: ExecutionState): string[] {
  return invocationsOf(execution).flatMap(({ work }) => (work.waitForResult ? [work.deadline] : []));
}

function startOf(
  work: InvokeWork,
  target: DefinitionSnapshot | undefined,
  invokedBy: InvokingExecution[],
  account: string,
  metadata: ExecutionCommandMetadata,
): StartPipelineExecution | { refused: string } {
  const chain = [...invokedBy.map((invoker) => invoker.pipelineName), work.pipelineName].join(' → ');
  if (invokedBy.some((invoker) => invoker.pipelineName === work.pipelineName)) {
    return { refused: `Pipeline "${work.pipelineName}" is already running in this chain of invocations (${chain}); it is not started again, so the loop ends here.` };
  }
  if (invokedBy.length > MAX_INVOKE_DEPTH) return { refused: `The chain of invocations is deeper than ${MAX_INVOKE_DEPTH} (${chain}).` };
  if (target === undefined) return { refused: `There is no pipeline "${work.pipelineName}" in account ${account}.` };
  // Pinning an uploaded archive needs the account's claim on it, which only the API checks: an invoke may not (decision 0052).
  const pinnedArchives = uploadArchivesOfStart(target.declaration, work.sourceRevisions).filter((archive) => archive.path.startsWith('$.sourceRevisions'));
  if (pinnedArchives.length > 0) return { refused: `SourceRevisions may not pin an uploaded archive (${pinnedArchives.map((archive) => archive.address).join(', ')}); start the pipeline through the API to do so.` };
  const invoker = invokedBy[invokedBy.length - 1]!;
  const command: StartPipelineExecution = {
    type: 'StartPipelineExecution',
    executionId: work.childExecutionId,
    pipeline: { account, name: work.pipelineName },
    definition: target,
    variables: work.variables,
    sourceRevisions: work.sourceRevisions,
    trigger: { triggerType: 'PipelineInvoke', triggerDetail: `${invoker.pipelineName}/${invoker.executionId}` },
    clientRequestToken: work.childExecutionId,
    invokedBy,
    metadata: { ...metadata, correlationId: invoker.executionId },
  };
  // The decider is pure: what it would refuse (an undeclared variable, a revision for no source action) fails the action now.
  try {
    startPipelineExecution(command, initialExecutionState);
  } catch (error) {
    return { refused: `Pipeline "${work.pipelineName}" refused the start: ${(error as Error).message}` };
  }
  return command;
}
