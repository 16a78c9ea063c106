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
