import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CallerOf, type RequestCaller } from '@sluice/graphql-service';
import { ARTIFACTS_APPLICATION, type ArtifactsApplication } from '../artifacts-service';

const DAY_MS = 24 * 60 * 60 * 1000;

@Resolver()
export class ArtifactResolver {
  constructor(@Inject(ARTIFACTS_APPLICATION) private readonly app: ArtifactsApplication) {}

  @Query('listArtifacts')
  listArtifacts(@CallerOf() caller: RequestCaller, @Args('pipelineExecutionId') pipelineExecutionId: string) {
    return this.app.queries.listArtifacts(caller, pipelineExecutionId);
  }

  @Query('artifact')
  artifact(@CallerOf() caller: RequestCaller, @Args('sha256') sha256: string) {
    return this.app.queries.artifact(caller, sha256);
  }

  @Query('artifactDownloadUrl')
  artifactDownloadUrl(
    @CallerOf() caller: RequestCaller,
    @Args('pipelineName') pipelineName: string,
    @Args('pipelineExecutionId') pipelineExecutionId: string,
    @Args('artifactName') artifactName: string,
  ) {
    return this.app.queries.artifactDownloadUrl(caller, pipelineName, pipelineExecutionId, artifactName);
  }

  // Bytes are shared by accounts, so retention runs over the whole store (it deletes only what the policy
  // allows, whoever asks); the answer lists only what the caller's account had a claim on or a record of.
  @Mutation('collectArtifacts')
  async collectArtifacts(@CallerOf() caller: RequestCaller, @Args('dryRun') dryRun?: boolean | null) {
    const result = await this.app.collector.collect({ dryRun: dryRun ?? false });
    const own = result.artifacts.filter((artifact) => artifact.accounts.includes(caller.account));
    return {
      dryRun: result.dryRun,
      artifacts: own,
      foundCount: result.found.length,
      freedBytes: own.reduce((total, artifact) => total + (artifact.size ?? 0), 0),
      retentionDays: this.app.collector.policy.graceMs / DAY_MS,
      keepExecutions: this.app.collector.policy.keepExecutions,
    };
  }
}
