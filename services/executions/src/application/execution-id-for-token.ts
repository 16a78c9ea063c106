import { createHash } from 'node:crypto';
import type { PipelineRef } from '../domain';

/**
 * The execution id of a start with a client request token: a name-based UUID of (account, pipeline,
 * token), so a repeated request lands on the same stream and the decider answers it with no event.
 */
export function executionIdForToken(pipeline: PipelineRef, clientRequestToken: string): string {
  const hex = createHash('sha256').update(JSON.stringify([pipeline.account, pipeline.name, clientRequestToken])).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
