import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, ResolveReference, Resolver } from '@nestjs/graphql';
import type { Caller } from '../application/caller';
import type { Tag } from '../domain/tag';
import { CallerOf, type RequestCaller } from '@sluice/graphql-service';
import { pipelineDiffOutput, pipelineOutput, pipelineVersionOutput } from './pipeline-output';
import { PIPELINES_APPLICATION, type PipelinesApplication } from '../pipelines-service';

/** Pipelines: translate GraphQL to the application and back; no decision here. */
@Resolver('Pipeline')
export class PipelineResolver {
  constructor(@Inject(PIPELINES_APPLICATION) private readonly app: PipelinesApplication) {}

  @ResolveReference()
  resolveReference(reference: { account: string; name: string }) {
    return pipelineOutput(this.app.pipelineQueries.getPipeline({ account: reference.account, actor: 'federation' }, reference.name));
  }

  @Query('getPipeline')
  getPipeline(@CallerOf() caller: Caller, @Args('name') name: string, @Args('version') version?: number | null) {
    return pipelineOutput(this.app.pipelineQueries.getPipeline(caller, name, version));
  }

  @Query('listPipelines')
  listPipelines(@CallerOf() caller: Caller, @Args('first') first?: number | null, @Args('after') after?: string | null) {
    const page = this.app.pipelineQueries.listPipelines(caller, first, after);
    return {
      edges: page.edges.map(({ cursor, pipeline }) => ({ cursor, node: pipelineOutput(pipeline) })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  }

  @Query('pipelineGraph')
  pipelineGraph(@CallerOf() caller: RequestCaller) {
    return this.app.pipelineQueries.pipelineGraph(caller, caller.readablePipelines);
  }

  @Query('listPipelineVersions')
  listPipelineVersions(@CallerOf() caller: Caller, @Args('name') name: string) {
    return this.app.pipelineQueries.listPipelineVersions(caller, name).map(pipelineVersionOutput);
  }

  @Query('diffPipelineVersions')
  diffPipelineVersions(@CallerOf() caller: Caller, @Args('name') name: string, @Args('from') from: number, @Args('to') to: number) {
    return pipelineDiffOutput(this.app.pipelineQueries.diffPipelineVersions(caller, name, from, to));
  }

  @Mutation('createPipeline')
  async createPipeline(@CallerOf() caller: Caller, @Args('pipeline') pipeline: unknown, @Args('tags') tags?: Tag[] | null) {
    const name = await this.app.pipelines.createPipeline(caller, pipeline, tags ?? []);
    return pipelineOutput(this.app.pipelineQueries.getPipeline(caller, name));
  }

  @Mutation('updatePipeline')
  async updatePipeline(@CallerOf() caller: Caller, @Args('pipeline') pipeline: unknown) {
    const name = await this.app.pipelines.updatePipeline(caller, pipeline);
    return pipelineOutput(this.app.pipelineQueries.getPipeline(caller, name));
  }

  @Mutation('deletePipeline')
  async deletePipeline(@CallerOf() caller: Caller, @Args('name') name: string) {
    await this.app.pipelines.deletePipeline(caller, name);
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
    await this.app.pipelines.disableStageTransition(caller, pipelineName, stageName, transitionType, reason);
    return this.app.pipelineQueries.getStageTransition(caller, pipelineName, stageName);
  }

  @Mutation('enableStageTransition')
  async enableStageTransition(
    @CallerOf() caller: Caller,
    @Args('pipelineName') pipelineName: string,
    @Args('stageName') stageName: string,
    @Args('transitionType') transitionType: string,
  ) {
    await this.app.pipelines.enableStageTransition(caller, pipelineName, stageName, transitionType);
    return this.app.pipelineQueries.getStageTransition(caller, pipelineName, stageName);
  }

  @Mutation('tagResource')
  async tagResource(@CallerOf() caller: Caller, @Args('resourceArn') resourceArn: string, @Args('tags') tags: Tag[]) {
    const name = await this.app.pipelines.tagResource(caller, resourceArn, tags);
    return this.app.pipelineQueries.getPipeline(caller, name).tags;
  }

  @Mutation('untagResource')
  async untagResource(@CallerOf() caller: Caller, @Args('resourceArn') resourceArn: string, @Args('tagKeys') tagKeys: string[]) {
    const name = await this.app.pipelines.untagResource(caller, resourceArn, tagKeys);
    return this.app.pipelineQueries.getPipeline(caller, name).tags;
  }
}
