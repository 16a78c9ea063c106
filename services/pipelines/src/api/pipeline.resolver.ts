import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, ResolveReference, Resolver } from '@nestjs/graphql';
import type { Caller } from '../application/caller';
import { PipelineCommandHandlers } from '../application/pipeline-command-handlers';
import { PipelineQueries } from '../application/pipeline-queries';
import type { Tag } from '../domain/tag';
import { CallerOf } from '@sluice/graphql-service';
import { pipelineDiffOutput, pipelineOutput, pipelineVersionOutput } from './pipeline-output';

/** Pipelines: translate GraphQL to the application and back; no decision here. */
@Resolver('Pipeline')
export class PipelineResolver {
  constructor(
    @Inject(PipelineQueries) private readonly queries: PipelineQueries,
    @Inject(PipelineCommandHandlers) private readonly commands: PipelineCommandHandlers,
  ) {}

  @ResolveReference()
  resolveReference(reference: { account: string; name: string }) {
    return pipelineOutput(this.queries.getPipeline({ account: reference.account, actor: 'federation' }, reference.name));
  }

  @Query('getPipeline')
  getPipeline(@CallerOf() caller: Caller, @Args('name') name: string, @Args('version') version?: number | null) {
    return pipelineOutput(this.queries.getPipeline(caller, name, version));
  }

  @Query('listPipelines')
  listPipelines(@CallerOf() caller: Caller, @Args('first') first?: number | null, @Args('after') after?: string | null) {
    const page = this.queries.listPipelines(caller, first, after);
    return {
      edges: page.edges.map(({ cursor, pipeline }) => ({ cursor, node: pipelineOutput(pipeline) })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  }

  @Query('listPipelineVersions')
  listPipelineVersions(@CallerOf() caller: Caller, @Args('name') name: string) {
    return this.queries.listPipelineVersions(caller, name).map(pipelineVersionOutput);
  }

  @Query('diffPipelineVersions')
  diffPipelineVersions(@CallerOf() caller: Caller, @Args('name') name: string, @Args('from') from: number, @Args('to') to: number) {
    return pipelineDiffOutput(this.queries.diffPipelineVersions(caller, name, from, to));
  }

  @Mutation('createPipeline')
  async createPipeline(@CallerOf() caller: Caller, @Args('pipeline') pipeline: unknown, @Args('tags') tags?: Tag[] | null) {
    const name = await this.commands.createPipeline(caller, pipeline, tags ?? []);
    return pipelineOutput(this.queries.getPipeline(caller, name));
  }

  @Mutation('updatePipeline')
  async updatePipeline(@CallerOf() caller: Caller, @Args('pipeline') pipeline: unknown) {
    const name = await this.commands.updatePipeline(caller, pipeline);
    return pipelineOutput(this.queries.getPipeline(caller, name));
  }

  @Mutation('deletePipeline')
  async deletePipeline(@CallerOf() caller: Caller, @Args('name') name: string) {
    await this.commands.deletePipeline(caller, name);
    return true;
  }

  @Mutation('disableStageTransition')
  async disableStageTransition(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('stageName') stageName: string,
    @Args('transitionType') transitionType: string,
    @Args('reason') reason: string,
  ) {
    await this.commands.disableStageTransition(caller, pipelineName, stageName, transitionType, reason);
    return this.queries.getStageTransition(caller, pipelineName, stageName);
  }

  @Mutation('enableStageTransition')
  async enableStageTransition(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('stageName') stageName: string,
    @Args('transitionType') transitionType: string,
  ) {
    await this.commands.enableStageTransition(caller, pipelineName, stageName, transitionType);
    return this.queries.getStageTransition(caller, pipelineName, stageName);
  }

  @Mutation('tagResource')
  async tagResource(@CallerOf() caller: Caller, @Args('resourceArn') resourceArn: string, @Args('tags') tags: Tag[]) {
    const name = await this.commands.tagResource(caller, resourceArn, tags);
    return this.queries.getPipeline(caller, name).tags;
  }

  @Mutation('untagResource')
  async untagResource(@CallerOf() caller: Caller, @Args('resourceArn') resourceArn: string, @Args('tagKeys') tagKeys: string[]) {
    const name = await this.commands.untagResource(caller, resourceArn, tagKeys);
    return this.queries.getPipeline(caller, name).tags;
  }
}
