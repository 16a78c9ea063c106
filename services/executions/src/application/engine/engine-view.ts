import { executionStreamId, lanesStreamId } from '@sluice/contracts';
import { initialLanesState, invocationsOf, jobsOf, type EngineView } from '../../domain';
import type { StreamStates } from '../../projections/stream-states';
import type { PipelineDefinitions } from '../pipeline-definitions';

/** What the process manager looks at for one execution, from the states this process holds (no I/O). */
export function engineViewOf(states: StreamStates, executionId: string, definitions?: PipelineDefinitions): EngineView {
  const execution = states.execution(executionId).state;
  const lanes = execution.status === 'NotStarted' ? initialLanesState : states.lanes(execution.run.inputs.pipeline).state;
  const account = execution.status === 'NotStarted' ? '' : execution.run.inputs.pipeline.account;
  const invoked = new Map(
    invocationsOf(execution).map(({ work }) => [
      work.childExecutionId,
      { execution: states.execution(work.childExecutionId).state, target: definitions?.latest({ account, name: work.pipelineName }) },
    ]),
  );
  return { execution, lanes, jobs: new Map(jobsOf(execution).map((jobId) => [jobId, states.job(jobId).state])), invoked };
}

/**
 * Loads what `engineViewOf` reads of one execution and this process does not hold: the execution (its jobs come with
 * it; a job of a held execution not held is one not created yet), its lanes and the executions it invoked.
 */
export async function loadEngineView(states: StreamStates, executionId: string, load: (streamIds: readonly string[]) => Promise<void>): Promise<void> {
  await load([executionStreamId(executionId)]);
  const execution = states.execution(executionId).state;
  if (execution.status === 'NotStarted') return;
  await load([lanesStreamId(execution.run.inputs.pipeline), ...invocationsOf(execution).map(({ work }) => executionStreamId(work.childExecutionId))]);
}
