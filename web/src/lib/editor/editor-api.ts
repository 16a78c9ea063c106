// The gateway operations of the pipeline editor and the version history.
import type { ActionTypeDefinition, ErrorCode, PipelineChange, ValidationIssue } from '@sluice/domain/browser';
import { GraphQLRequestError, request } from '../graphql';
import { allowedOf, resourceName, signedInAccount } from '../permissions';

export type { PipelineChange };

export interface EditablePipeline {
  /** The definition as getPipeline returns it (with its `version`). */
  pipeline: Record<string, unknown>;
  version: number;
}

const PIPELINE_FIELDS = 'pipeline metadata { version }';
const editable = (answer: { pipeline: Record<string, unknown>; metadata: { version: number } }): EditablePipeline => ({ pipeline: answer.pipeline, version: answer.metadata.version });

export async function loadPipelineForEdit(name: string): Promise<EditablePipeline> {
  return editable((await request<{ getPipeline: { pipeline: Record<string, unknown>; metadata: { version: number } } }>(`query Edit($name: String!) { getPipeline(name: $name) { ${PIPELINE_FIELDS} } }`, { name })).getPipeline);
}

/** The account's action types (built-in and custom), for the validator and the form's type choice. */
export async function listActionTypes(): Promise<ActionTypeDefinition[]> {
  const data = await request<{ listActionTypes: ActionTypeDefinition[] }>(
    `query ActionTypes { listActionTypes { id { category owner provider version } settings actionConfigurationProperties
      inputArtifactDetails { minimumCount maximumCount } outputArtifactDetails { minimumCount maximumCount } } }`,
  );
  // GraphQL's nulls are the domain's absent fields.
  return data.listActionTypes.map((type) => {
    const { settings, ...rest } = type;
    return settings ? type : rest;
  });
}

/** The expected version travels in the definition: `version` is the one loaded (a stale one is a CONFLICT). */
export async function updatePipeline(definition: Record<string, unknown>, loadedVersion: number): Promise<EditablePipeline> {
  return editable(
    (await request<{ updatePipeline: { pipeline: Record<string, unknown>; metadata: { version: number } } }>(`mutation Update($pipeline: JSON!) { updatePipeline(pipeline: $pipeline) { ${PIPELINE_FIELDS} } }`, {
      pipeline: { ...definition, version: loadedVersion },
    })).updatePipeline,
  );
}

export async function createPipeline(definition: Record<string, unknown>): Promise<EditablePipeline & { name: string }> {
  const created = (await request<{ createPipeline: { name: string; pipeline: Record<string, unknown>; metadata: { version: number } } }>(
    `mutation Create($pipeline: JSON!) { createPipeline(pipeline: $pipeline) { name ${PIPELINE_FIELDS} } }`,
    { pipeline: definition },
  )).createPipeline;
  return { name: created.name, ...editable(created) };
}

export interface PipelineVersionSummary {
  version: number;
  created: string;
  createdBy: string;
  pipeline: Record<string, unknown>;
}

/** Every version, oldest first. */
export async function listPipelineVersions(name: string): Promise<PipelineVersionSummary[]> {
  return (await request<{ listPipelineVersions: PipelineVersionSummary[] }>('query Versions($name: String!) { listPipelineVersions(name: $name) { version created createdBy pipeline } }', { name })).listPipelineVersions;
}

export async function diffPipelineVersions(name: string, from: number, to: number): Promise<PipelineChange[]> {
  return (
    await request<{ diffPipelineVersions: { changes: PipelineChange[] } }>(
      'query Diff($name: String!, $from: Int!, $to: Int!) { diffPipelineVersions(name: $name, from: $from, to: $to) { changes { path kind before after } } }',
      { name, from, to },
    )
  ).diffPipelineVersions.changes;
}

/** Why a save was refused: the definition's issues by path, a version conflict (by its errorCode), or another error (its message). */
export type SaveRefusal = { kind: 'invalid'; issues: ValidationIssue[] } | { kind: 'conflict'; message: string } | { kind: 'other'; message: string };

/** A save that lost to someone else's: the version it started from was replaced, or changed at the same moment. */
const CHANGED_SINCE_LOADED: ReadonlySet<ErrorCode | undefined> = new Set<ErrorCode>(['STALE_VERSION', 'CONCURRENT_MODIFICATION']);

export function refusalOf(error: unknown): SaveRefusal {
  if (!(error instanceof GraphQLRequestError)) return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
  if (CHANGED_SINCE_LOADED.has(error.errorCode)) return { kind: 'conflict', message: error.message };
  const issues = error.errors.flatMap((entry) => ((entry.extensions as { issues?: ValidationIssue[] } | undefined)?.issues ?? []));
  if (error.code === 'BAD_USER_INPUT' && issues.length > 0) return { kind: 'invalid', issues };
  return { kind: 'other', message: error.message };
}

/** Whether the principal may run `sluice:{operation}` on the pipeline (UpdatePipeline, CreatePipeline). */
export async function mayChangePipeline(operation: 'UpdatePipeline' | 'CreatePipeline', pipelineName: string): Promise<boolean> {
  const account = await signedInAccount();
  const resource = resourceName(account, pipelineName);
  return (await allowedOf([{ action: `sluice:${operation}`, resource }])).has(`sluice:${operation} ${resource}`);
}
