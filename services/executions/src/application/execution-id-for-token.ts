import { createHmac, randomBytes } from 'node:crypto';
import { ConcurrencyError, type EventStore } from '@sluice/eventing';
import { EXECUTION_ID_KEY_STREAM, type PipelineRef } from '@sluice/contracts';

/**
 * The execution id of a start with a client request token: a name-based UUID of (account, pipeline, token),
 * so a repeated request lands on the same stream and the decider answers it with no event (a webhook and the
 * poller racing on one push start one execution, decision 0018). Keyed with the service's secret (HMAC), so
 * nobody outside can work out the id of another account's execution from a commit or a token.
 */
export function executionIdForToken(key: Buffer, pipeline: PipelineRef, clientRequestToken: string): string {
  const hex = createHmac('sha256', key).update(JSON.stringify([pipeline.account, pipeline.name, clientRequestToken])).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}


interface ExecutionIdKeyCreated {
  type: 'ExecutionIdKeyCreated';
  data: { key: string; createdAt: string };
}

/**
 * The key of `executionIdForToken`: 32 random bytes, created by the first instance that starts on a store
 * (appended with `no_stream`, so two instances starting at once agree on the winner's), read by every other.
 */
export async function loadExecutionIdKey(store: EventStore, clock: () => Date = () => new Date()): Promise<Buffer> {
  const existing = await readKey(store);
  if (existing) return existing;
  const created: ExecutionIdKeyCreated = { type: 'ExecutionIdKeyCreated', data: { key: randomBytes(32).toString('base64url'), createdAt: clock().toISOString() } };
  try {
    await store.append(EXECUTION_ID_KEY_STREAM, [{ type: created.type, data: created.data, metadata: { actor: 'system', occurredAt: created.data.createdAt } }], { expectedRevision: 'no_stream' });
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
  }
  const key = await readKey(store);
  if (!key) throw new Error(`the stream ${EXECUTION_ID_KEY_STREAM} holds no key`);
  return key;
}

async function readKey(store: EventStore): Promise<Buffer | undefined> {
  const [first] = await store.readStream(EXECUTION_ID_KEY_STREAM, { maxCount: 1 });
  const key = first?.type === 'ExecutionIdKeyCreated' ? (first.data as ExecutionIdKeyCreated['data']).key : undefined;
  return key === undefined ? undefined : Buffer.from(key, 'base64url');
}
