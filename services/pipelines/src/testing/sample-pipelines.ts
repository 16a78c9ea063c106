import { sourceBuildDeployPipeline } from '@sluice/testing/fixtures';

/** Custom action types the pipelines service's tests share (the pipelines themselves: `@sluice/testing/fixtures`). */

/** A CreateCustomActionType request in CodePipeline's shape. */
export function sampleCustomActionType(provider = 'Terraform', version = '1'): Record<string, unknown> {
  return {
    category: 'Deploy',
    provider,
    version,
    configurationProperties: [{ name: 'Workspace', required: true, key: true, secret: false, type: 'String' }],
    inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
    outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
  };
}

/** `sourceBuildDeployPipeline` whose Deploy stage uses the custom action type of `sampleCustomActionType`. */
export function pipelineUsingCustomAction(name: string, provider = 'Terraform'): Record<string, unknown> {
  const pipeline = sourceBuildDeployPipeline(name) as { stages: Array<{ actions: unknown[] }> };
  pipeline.stages[2]!.actions = [
    {
      name: 'Apply',
      actionTypeId: { category: 'Deploy', owner: 'Custom', provider, version: '1' },
      runOrder: 1,
      configuration: { Workspace: 'production' },
      inputArtifacts: [{ name: 'BuildOutput' }],
    },
  ];
  return pipeline;
}
