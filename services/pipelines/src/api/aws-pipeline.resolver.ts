import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Caller } from '../application/caller';
import { ImportAwsPipelineHandler } from '../application/import-aws-pipeline';
import { PipelineQueries } from '../application/pipeline-queries';
import { CallerOf } from '@sluice/graphql-service';
import { pipelineOutput } from './pipeline-output';

/** Moving between AWS CodePipeline and Sluice. */
@Resolver()
export class AwsPipelineResolver {
  constructor(
    @Inject(ImportAwsPipelineHandler) private readonly importer: ImportAwsPipelineHandler,
    @Inject(PipelineQueries) private readonly queries: PipelineQueries,
  ) {}

  @Mutation('importAwsPipeline')
  async importAwsPipeline(@CallerOf() caller: Caller, @Args('input') input: unknown, @Args('create') create?: boolean | null) {
    const { pipeline, report, created } = await this.importer.importAwsPipeline(caller, input, create ?? false);
    return { pipeline, report, created: created === undefined ? null : pipelineOutput(this.queries.getPipeline(caller, created)) };
  }

  @Query('exportAwsPipeline')
  exportAwsPipeline(@CallerOf() caller: Caller, @Args('name') name: string, @Args('version') version?: number | null) {
    return this.queries.exportAwsPipeline(caller, name, version);
  }
}
