import { decideExecution, decideJob, decideLanes, sourceExecutionIdOf, streamOf, type EngineCommand, type ExecutionCommand, type JobCommand, type JobQueuePolicy, type LanesCommand } from '../domain';
import { executionStreamId } from '@sluice/contracts';
import type { StreamStates } from '../projections/stream-states';
import type { StreamWriter, Written } from './stream-writer';

/** The one way a command reaches an aggregate, from the API or from the engine's process manager. */
export class AggregateCommands {
  constructor(
    private readonly writer: StreamWriter,
    private readonly states: StreamStates,
    private readonly policy: JobQueuePolicy,
  ) {}

  async execution(command: ExecutionCommand): Promise<Written<unknown>> {
    const sourceId = sourceExecutionIdOf(command);
    if (sourceId !== null) await this.writer.catchUp(executionStreamId(sourceId));
    const sourceExecution = sourceId === null ? null : this.states.execution(sourceId).state;
    return this.writer.decide(
      executionStreamId(command.executionId),
      () => this.states.execution(command.executionId),
      (state) => decideExecution(command, state, { sourceExecution }),
      command.metadata,
    );
  }

  lanes(command: LanesCommand): Promise<Written<unknown>> {
    return this.writer.decide(
      streamOf({ aggregate: 'lanes', command }),
      () => this.states.lanes(command.pipeline),
      (state) => decideLanes(command, state),
      command.metadata,
    );
  }

  job(command: JobCommand): Promise<Written<unknown>> {
    return this.writer.decide(
      streamOf({ aggregate: 'job', command }),
      () => this.states.job(command.jobId),
      (state) => decideJob(command, state, this.policy),
      command.metadata,
    );
  }

  apply(engineCommand: EngineCommand): Promise<Written<unknown>> {
    switch (engineCommand.aggregate) {
      case 'execution':
        return this.execution(engineCommand.command);
      case 'lanes':
        return this.lanes(engineCommand.command);
      case 'job':
        return this.job(engineCommand.command);
    }
  }
}
