import { initialLanesState, jobsOf, type EngineView } from '../../domain';
import type { StreamStates } from '../../projections/stream-states';

/** What the process manager looks at for one execution, from the states this process holds (no I/O). */
export function engineViewOf(states: StreamStates, executionId: string): EngineView {
  const execution = states.execution(executionId).state;
  const lanes = execution.status === 'NotStarted' ? initialLanesState : states.lanes(execution.run.inputs.pipeline).state;
  return { execution, lanes, jobs: new Map(jobsOf(execution).map((jobId) => [jobId, states.job(jobId).state])) };
}
