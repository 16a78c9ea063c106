import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CallerOf } from '@sluice/graphql-service';
import type { JobLogEntryInput } from '../application/action-logs/append-job-logs';
import type { Caller } from '../application/caller';
import type { JobCaller } from '../application/job-worker-api';
import { JobCallerOf } from './job-caller';
import { EXECUTIONS_APPLICATION, type ExecutionsApplication } from '../executions-service';

/** Action logs as events: the job's holder appends them, the account reads them (docs/decisions/0016). */
@Resolver()
export class ActionLogsResolver {
  constructor(@Inject(EXECUTIONS_APPLICATION) private readonly app: ExecutionsApplication) {}

  @Mutation('appendJobLogs')
  async appendJobLogs(@JobCallerOf() caller: JobCaller, @Args('jobId') jobId: string, @Args('nonce') nonce: string, @Args('entries') entries: JobLogEntryInput[]) {
    await this.app.jobLogs.appendJobLogs(jobId, nonce, entries, caller);
    return true;
  }

  @Query('actionLogs')
  actionLogs(
    @CallerOf() caller: Caller,
    @Args('pipelineExecutionId') pipelineExecutionId: string,
    @Args('stageName') stageName?: string | null,
    @Args('actionName') actionName?: string | null,
    @Args('after') after?: string | null,
    @Args('first') first?: number | null,
  ) {
    return this.app.actionLogs.actionLogs(caller, pipelineExecutionId, { stageName, actionName, after, first });
  }
}
