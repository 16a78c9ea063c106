import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Caller } from './gateway-client';

export interface Received<T> {
  value: T;
  /** `Date.now()` when the message reached the client. */
  receivedAt: number;
}

export interface CollectedSubscription<T> {
  received: Array<Received<T>>;
  errors: unknown[];
  completed: boolean;
  /** The close event when the server closed the socket (e.g. 4401 for a refused token). */
  closed?: { code: number; reason: string };
  stop(): Promise<void>;
}

/**
 * A graphql-ws client on the gateway's `/graphql` for `caller` (its token goes in the connectionInit payload as
 * `authorization`; a bare account string sends no token), collecting every message of one subscription.
 */
export function subscribeAndCollect<T>(
  gatewayUrl: string,
  caller: string | Caller,
  query: string,
  variables: Record<string, unknown>,
  field: string,
): CollectedSubscription<T> {
  const client: Client = createClient({
    url: `${gatewayUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams:
      typeof caller === 'string'
        ? { 'x-sluice-account': caller }
        : { 'x-sluice-account': caller.account, ...(caller.token ? { authorization: `Bearer ${caller.token}` } : {}) },
    retryAttempts: 0,
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        collected.closed = { code, reason: String(reason) };
      },
    },
  });
  const collected: CollectedSubscription<T> = {
    received: [],
    errors: [],
    completed: false,
    stop: async () => {
      unsubscribe();
      await client.dispose();
    },
  };
  const unsubscribe = client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (message) => {
        const receivedAt = Date.now();
        if (message.errors) collected.errors.push(...message.errors);
        const value = message.data?.[field];
        if (value !== undefined) collected.received.push({ value, receivedAt });
      },
      error: (error) => void collected.errors.push(error),
      complete: () => void (collected.completed = true),
    },
  );
  return collected;
}
