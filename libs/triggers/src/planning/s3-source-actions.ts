import type { PipelineDeclaration } from '@sluice/domain';

/** A `Source/Sluice/S3` action of a pipeline that polls its object (all but `PollForSourceChanges: "false"`). */
export interface S3SourceAction {
  actionName: string;
  bucket: string;
  key: string;
}

export function polledS3SourcesOf(declaration: PipelineDeclaration): S3SourceAction[] {
  const sources: S3SourceAction[] = [];
  for (const stage of declaration.stages) {
    for (const action of stage.actions) {
      const { category, owner, provider } = action.actionTypeId;
      const bucket = action.configuration?.S3Bucket;
      const key = action.configuration?.S3ObjectKey;
      if (category !== 'Source' || owner !== 'Sluice' || provider !== 'S3' || !bucket || !key) continue;
      if (action.configuration?.PollForSourceChanges?.toLowerCase() === 'false') continue;
      sources.push({ actionName: action.name, bucket, key });
    }
  }
  return sources;
}
