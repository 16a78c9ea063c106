import type { ExecutionCommand } from '../execution/execution-commands';
import type { JobCommand } from '../jobs/job-commands';
import type { LanesCommand } from '../lanes/lanes-commands';
import { executionStreamId, jobStreamId, lanesStreamId } from '@sluice/contracts';

/** A command the process manager proposes, with the aggregate it goes to. */
export type EngineCommand =
  | { aggregate: 'execution'; command: ExecutionCommand }
  | { aggregate: 'lanes'; command: LanesCommand }
  | { aggregate: 'job'; command: JobCommand };

/** The stream a command is decided against (and appended to, with that stream's expected revision). */
export function streamOf(engineCommand: EngineCommand): string {
  switch (engineCommand.aggregate) {
    case 'execution':
      return executionStreamId(engineCommand.command.executionId);
    case 'lanes':
      return lanesStreamId(engineCommand.command.pipeline);
    case 'job':
      return jobStreamId(engineCommand.command.jobId);
  }
}
