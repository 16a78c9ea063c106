import type { ActionTypeListing } from '../application/action-type-queries';
import { pipelineArn } from '../domain/pipeline/pipeline-arn';
import type { PipelineVersionView, PipelineView } from '../projections/pipeline-read-model';

/** The GraphQL `Pipeline`: CodePipeline's GetPipeline output (`pipeline` + `metadata`), plus transitions and tags. */
export function pipelineOutput(view: PipelineView) {
  return {
    account: view.account,
    name: view.name,
    pipeline: view.version.given ?? view.version.declaration,
    metadata: {
      pipelineArn: pipelineArn(view.account, view.name),
      created: view.created,
      updated: view.updated,
      version: view.version.version,
      latestVersion: view.latestVersion,
    },
    transitions: view.transitions,
    tags: view.tags,
  };
}

export function pipelineVersionOutput(view: PipelineVersionView) {
  return { version: view.version, created: view.created, createdBy: view.createdBy, pipeline: view.given ?? view.declaration };
}

export function actionTypeOutput({ actionType, tags }: ActionTypeListing) {
  return { ...actionType, settings: actionType.settings ?? null, tags };
}
