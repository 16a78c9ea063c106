import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Caller } from '../application/caller';
import { CallerOf } from '@sluice/graphql-service';
import { pipelineOutput } from './pipeline-output';
import { PIPELINES_APPLICATION, type PipelinesApplication } from '../pipelines-service';

/** Moving between AWS CodePipeline and Sluice. */
@Resolver()
export class AwsPipelineResolver {
  constructor(@Inject(PIPELINES_APPLICATION) private readonly app: PipelinesApplication) {}

  @Mutation('importAwsPipeline')
  async importAwsPipeline(@CallerOf() caller: Caller, @Args('input') input: unknown, @Args('create') create?: boolean | null) {
    const { pipeline, report, created } = await this.app.importAws.importAwsPipeline(caller, input, create ?? false);
    return { pipeline, report, created: created === undefined ? null : pipelineOutput(this.app.pipelineQueries.getPipeline(caller, created)) };
  }

  @Query('exportAwsPipeline')
  exportAwsPipeline(@CallerOf() caller: Caller, @Args('name') name: string, @Args('version') version?: number | null) {
    return this.app.pipelineQueries.exportAwsPipeline(caller, name, version);
  }
}
