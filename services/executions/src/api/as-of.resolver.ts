import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { CallerOf } from '@sluice/graphql-service';
import type { Caller } from '../application/caller';
import { EXECUTIONS_APPLICATION, type ExecutionsApplication } from '../executions-service';

/** Time travel: executions and pipeline states as of an instant; no decision here. */
@Resolver()
export class AsOfResolver {
  constructor(@Inject(EXECUTIONS_APPLICATION) private readonly app: ExecutionsApplication) {}

  @Query('executionAsOf')
  executionAsOf(@CallerOf() caller: Caller, @Args('pipelineExecutionId') pipelineExecutionId: string, @Args('at') at: string) {
    return this.app.asOf.executionAsOf(caller, pipelineExecutionId, at);
  }

  @Query('pipelineStateAsOf')
  async pipelineStateAsOf(@CallerOf() caller: Caller, @Args('pipelineName') pipelineName: string, @Args('at') at: string) {
    const { at: instant, ...state } = await this.app.asOf.pipelineStateAsOf(caller, pipelineName, at);
    return { at: instant, state };
  }
}
