import { createClient, type Client } from 'graphql-ws';
import { reportUnauthenticated } from './session';

/** The gateway closes a connection whose token it refuses with 4401 (and 4503 when it cannot check it now). */
const CLOSE_UNAUTHENTICATED = 4401;

const closeCodeOf = (event: unknown): number | undefined => (typeof event === 'object' && event !== null && 'code' in event ? Number((event as { code: unknown }).code) : undefined);

// One graphql-ws connection per page on the gateway's /graphql, opened on the first subscription and
// re-opened after sign-in/out: the handshake carries the session cookie of the moment (decision 0045).
let client: Client | undefined;

function liveClient(): Client {
  client ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    lazy: true,
    retryAttempts: Infinity,
    // Back soon after a gateway goes (another one behind the balancer answers at once), then less often: 0.25–0.5 s,
    // doubling to 10 s at most, with jitter so the pages of a killed gateway do not all come back in one instant.
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 250 * 2 ** retries) * (1 + Math.random()) / (retries === 0 ? 1 : 2))),
    // A refused token is not retried: the person signs in again.
    shouldRetry: (event) => closeCodeOf(event) !== CLOSE_UNAUTHENTICATED,
    on: {
      closed: (event) => {
        if (closeCodeOf(event) === CLOSE_UNAUTHENTICATED) reportUnauthenticated(String((event as { reason?: unknown }).reason || 'Unauthenticated'));
      },
    },
  });
  return client;
}

/** Drops the connection: the next subscription opens one with the token signed in now. */
export async function resetLiveConnection(): Promise<void> {
  const old = client;
  client = undefined;
  await old?.dispose();
}

/** A store position (every subscription's `cursor` is one): compared as numbers, not as strings. */
const positionOf = (cursor: unknown): bigint | undefined => (typeof cursor === 'string' && /^\d{1,30}$/.test(cursor) ? BigInt(cursor) : undefined);

/**
 * Subscribes; `onNext` gets each value of `field`. Returns the unsubscribe function.
 *
 * A subscription whose query declares `$after` resumes where it was: graphql-ws re-sends the subscription after a
 * reconnect (a gateway restarted, or the balancer moved the page to another gateway), and it sends the payload as it
 * is then, so `after` is kept at the cursor of the last value delivered. The gateway replays what the page missed from
 * there; a value at or before that cursor (a replay overlapping what was delivered) is dropped, so none comes twice.
 */
export function subscribe<T>(query: string, variables: Record<string, unknown>, field: string, onNext: (value: T) => void, onError: (error: unknown) => void): () => void {
  const resumable = /\$after\s*:/.test(query);
  const payload = { query, variables: { ...variables } };
  let last = positionOf(variables['after']);
  return liveClient().subscribe<Record<string, T>>(payload, {
    next: (message) => {
      if (message.errors?.length) onError(new Error(message.errors.map((e) => e.message).join('; ')));
      const value = message.data?.[field];
      if (value === undefined) return;
      const position = positionOf((value as { cursor?: unknown } | null)?.cursor);
      if (position !== undefined) {
        if (last !== undefined && position <= last) return;
        last = position;
        if (resumable) payload.variables['after'] = position.toString();
      }
      onNext(value);
    },
    error: onError,
    complete: () => undefined,
  });
}
