import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { CallerOf } from '@sluice/graphql-service';
import type { Caller } from '../application/caller';
import { ExecutionAsOfQueries } from '../application/execution-as-of';

/** Time travel: executions and pipeline states as of an instant; no decision here. */
@Resolver()
export class AsOfResolver {
  constructor(@Inject(ExecutionAsOfQueries) private readonly asOf: ExecutionAsOfQueries) {}

  @Query('executionAsOf')
  executionAsOf(@CallerOf() caller: Caller, @Args('pipelineExecutionId') pipelineExecutionId: string, @Args('at') at: string) {
    return this.asOf.executionAsOf(caller, pipelineExecutionId, at);
  }

  @Query('pipelineStateAsOf')
  async pipelineStateAsOf(@CallerOf() caller: Caller, @Args('pipelineName') pipelineName: string, @Args('at') at: string) {
    const { at: instant, ...state } = await this.asOf.pipelineStateAsOf(caller, pipelineName, at);
    return { at: instant, state };
  }
}
