import { checkString, IssueCollector, PIPELINE_NAME_RULE } from '@sluice/domain';

/**
 * Stream ids of the pipeline aggregate: `pipeline-{account}.{name}`. Accounts hold no '.', so the
 * first '.' separates the account from the name (which may hold dots).
 */
export const PIPELINE_STREAM_PREFIX = 'pipeline-';

/** A name within CodePipeline's rule; any other never reaches the store (validation refuses it). */
export function isStorablePipelineName(name: unknown): name is string {
  return typeof name === 'string' && checkString(name, { label: 'Pipeline name', ...PIPELINE_NAME_RULE }, '$', new IssueCollector());
}

export function pipelineStreamId(account: string, name: string): string {
  return `${PIPELINE_STREAM_PREFIX}${account}.${name}`;
}

export function parsePipelineStreamId(streamId: string): { account: string; name: string } | undefined {
  if (!streamId.startsWith(PIPELINE_STREAM_PREFIX)) return undefined;
  const rest = streamId.slice(PIPELINE_STREAM_PREFIX.length);
  const dot = rest.indexOf('.');
  if (dot <= 0) return undefined;
  return { account: rest.slice(0, dot), name: rest.slice(dot + 1) };
}
