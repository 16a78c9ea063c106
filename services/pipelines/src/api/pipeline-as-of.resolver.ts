import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { CallerOf } from '@sluice/graphql-service';
import type { Caller } from '../application/caller';
import { PipelineAsOfQueries } from '../application/pipeline-as-of';
import { pipelineOutput } from './pipeline-output';

/** Time travel: a pipeline as it was at an instant. */
@Resolver()
export class PipelineAsOfResolver {
  constructor(@Inject(PipelineAsOfQueries) private readonly queries: PipelineAsOfQueries) {}

  @Query('pipelineAsOf')
  async pipelineAsOf(@CallerOf() caller: Caller, @Args('name') name: string, @Args('at') at: string) {
    const view = await this.queries.pipelineAsOf(caller, name, at);
    return { ...pipelineOutput(view), at: view.at };
  }
}
