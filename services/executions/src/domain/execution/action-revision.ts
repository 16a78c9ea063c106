import type { PipelineDeclaration } from '@sluice/domain';
import type { SourceRevisionType } from '@sluice/contracts';
import { invalidInput } from '../errors';
import { NotFoundError } from '@sluice/domain';
import type { SourceRevisionOverride } from './execution-commands';

/** CodePipeline's PutActionRevision: a new revision of what a source action fetches. */
export interface ActionRevisionRequest {
  stageName: string;
  actionName: string;
  revisionId: string;
}

/** The revision the action fetched in the latest execution that ran it. */
export interface CurrentRevision {
  executionId: string;
  revisionId: string;
}

export type ActionRevisionDecision =
  /** The revision is the current one: nothing starts, the execution that has it answers. */
  | { newRevision: false; pipelineExecutionId: string }
  /**
   * A start pinned to the revision. The token names the current execution too, so two calls with the same new revision
   * start one execution, and the same revision given again after another one starts again.
   */
  | { newRevision: true; sourceRevision: SourceRevisionOverride; clientRequestToken: string };

/** What a pinned revision of each source provider is: a commit of a Git source, an uploaded archive's address. */
const REVISION_TYPE_OF_PROVIDER: Readonly<Record<string, SourceRevisionType>> = { 'Sluice/Git': 'COMMIT_ID', 'Sluice/Upload': 'S3_OBJECT_VERSION_ID', 'Sluice/S3': 'S3_OBJECT_VERSION_ID' };

export function decideActionRevision(declaration: PipelineDeclaration, request: ActionRevisionRequest, current: CurrentRevision | null): ActionRevisionDecision {
  const stage = declaration.stages.find((candidate) => candidate.name === request.stageName);
  if (!stage) throw new NotFoundError('stage', request.stageName, `The pipeline '${declaration.name}' has no stage '${request.stageName}'.`);
  const action = stage.actions.find((candidate) => candidate.name === request.actionName);
  if (!action) throw new NotFoundError('action', request.actionName, `The stage '${request.stageName}' has no action '${request.actionName}'.`);
  const { category, owner, provider } = action.actionTypeId;
  if (category !== 'Source') throw invalidInput('$.actionName', `'${request.actionName}' is a ${category} action; only a source action takes a revision.`);
  const revisionType = REVISION_TYPE_OF_PROVIDER[`${owner}/${provider}`];
  if (!revisionType) {
    throw invalidInput('$.actionName', `'${request.actionName}' is a ${owner}/${provider} source, which cannot be pinned to a revision (Sluice/Git, Sluice/Upload and Sluice/S3 can).`);
  }
  if (current?.revisionId === request.revisionId) return { newRevision: false, pipelineExecutionId: current.executionId };
  return {
    newRevision: true,
    sourceRevision: { actionName: request.actionName, revisionType, revisionValue: request.revisionId },
    clientRequestToken: JSON.stringify(['PutActionRevision', current?.executionId ?? null, request.stageName, request.actionName, request.revisionId]),
  };
}
