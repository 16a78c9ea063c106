import type { PipelineRef } from '@sluice/contracts';

/** A map key for a pipeline of an account; accounts hold no '.', so the key is unambiguous. */
export function pipelineKey(pipeline: PipelineRef): string {
  return `${pipeline.account}.${pipeline.name}`;
}

/** The pipeline of a `lanes-{account}.{name}` stream id (after its prefix). */
export function pipelineOfKey(key: string): PipelineRef {
  const dot = key.indexOf('.');
  return { account: key.slice(0, dot), name: key.slice(dot + 1) };
}
