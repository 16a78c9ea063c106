import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { CallerOf } from '@sluice/graphql-service';
import type { Caller } from '../application/caller';
import { pipelineOutput } from './pipeline-output';
import { PIPELINES_APPLICATION, type PipelinesApplication } from '../pipelines-service';

/** Time travel: a pipeline as it was at an instant. */
@Resolver()
export class PipelineAsOfResolver {
  constructor(@Inject(PIPELINES_APPLICATION) private readonly app: PipelinesApplication) {}

  @Query('pipelineAsOf')
  async pipelineAsOf(@CallerOf() caller: Caller, @Args('name') name: string, @Args('at') at: string) {
    const view = await this.app.asOf.pipelineAsOf(caller, name, at);
    return { ...pipelineOutput(view), at: view.at };
  }
}
