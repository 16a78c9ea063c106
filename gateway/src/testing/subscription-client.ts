import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Received<T> {
  value: T;
  /** `Date.now()` when the message reached the client. */
  receivedAt: number;
}

export interface CollectedSubscription<T> {
  received: Array<Received<T>>;
  errors: unknown[];
  completed: boolean;
  stop(): Promise<void>;
}

/** A graphql-ws client on the gateway's `/graphql` for `account`, collecting every message of one subscription. */
export function subscribeAndCollect<T>(
  gatewayUrl: string,
  account: string,
  query: string,
  variables: Record<string, unknown>,
  field: string,
): CollectedSubscription<T> {
  const client: Client = createClient({
    url: `${gatewayUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { 'x-sluice-account': account },
    retryAttempts: 0,
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
