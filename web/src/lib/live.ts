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

/** Subscribes; `onNext` gets each value of `field`. Returns the unsubscribe function. */
export function subscribe<T>(query: string, variables: Record<string, unknown>, field: string, onNext: (value: T) => void, onError: (error: unknown) => void): () => void {
  return liveClient().subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (message) => {
        if (message.errors?.length) onError(new Error(message.errors.map((e) => e.message).join('; ')));
        const value = message.data?.[field];
        if (value !== undefined) onNext(value);
      },
      error: onError,
      complete: () => undefined,
    },
  );
}
