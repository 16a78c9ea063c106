import { decideExecution, decideJob, decideLanes, sourceExecutionIdOf, streamOf, type EngineCommand, type ExecutionCommand, type JobCommand, type JobQueuePolicy, type LanesCommand } from '../domain';
import { executionStreamId } from '@sluice/contracts';
import type { StreamStates } from '../projections/stream-states';
import { eventMetadataOf, type CommandHandler, type Handled } from '@sluice/eventing';

/** The one way a command reaches an aggregate, from the API or from the engine's process manager. */
export class AggregateCommands {
  constructor(
    private readonly handler: CommandHandler,
    private readonly states: StreamStates,
    private readonly policy: JobQueuePolicy,
  ) {}

  async execution(command: ExecutionCommand): Promise<Handled<unknown>> {
    const sourceId = sourceExecutionIdOf(command);
    if (sourceId !== null) await this.handler.catchUp(executionStreamId(sourceId), this.states);
    const sourceExecution = sourceId === null ? null : this.states.execution(sourceId).state;
    return this.handler.handle(
      executionStreamId(command.executionId),
      this.states.sourceOf(() => this.states.execution(command.executionId)),
      (state) => decideExecution(command, state, { sourceExecution }),
      eventMetadataOf(command.metadata),
    );
  }

  lanes(command: LanesCommand): Promise<Handled<unknown>> {
    return this.handler.handle(
      streamOf({ aggregate: 'lanes', command }),
      this.states.sourceOf(() => this.states.lanes(command.pipeline)),
      (state) => decideLanes(command, state),
      eventMetadataOf(command.metadata),
    );
  }

  job(command: JobCommand): Promise<Handled<unknown>> {
    return this.handler.handle(
      streamOf({ aggregate: 'job', command }),
      this.states.sourceOf(() => this.states.job(command.jobId)),
      (state) => decideJob(command, state, this.policy),
      eventMetadataOf(command.metadata),
    );
  }

  apply(engineCommand: EngineCommand): Promise<Handled<unknown>> {
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
