import { redactUrlCredentialsIn } from '@sluice/domain';
import type { ActionTypeListing } from '../application/action-type-queries';
import type { PipelineVersionDiff } from '../application/pipeline-queries';
import { pipelineArn } from '../domain/pipeline/pipeline-arn';
import type { PipelineVersionView, PipelineView } from '../projections/pipeline-read-model';

// Every definition leaves the service through this file, its URLs' credentials replaced by `***` (read-only users
// and approvers read definitions too); updatePipeline puts them back when a definition read here is sent again.

/** The GraphQL `Pipeline`: CodePipeline's GetPipeline output (`pipeline` + `metadata`), plus transitions and tags. */
export function pipelineOutput(view: PipelineView) {
  return {
    account: view.account,
    name: view.name,
    pipeline: redactUrlCredentialsIn(view.version.given ?? view.version.declaration),
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
  return { version: view.version, created: view.created, createdBy: view.createdBy, pipeline: redactUrlCredentialsIn(view.given ?? view.declaration) };
}

/** A credential that changed shows as a change of `https://***@host/…`: that it changed, not what it is. */
export function pipelineDiffOutput(diff: PipelineVersionDiff): PipelineVersionDiff {
  return { ...diff, changes: redactUrlCredentialsIn(diff.changes) };
}

export function actionTypeOutput({ actionType, tags }: ActionTypeListing) {
  return { ...actionType, settings: actionType.settings ?? null, tags };
}
