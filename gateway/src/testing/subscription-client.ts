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

export interface ResumingSubscription<T> extends CollectedSubscription<T> {
  /** The gateway URLs it subscribed on, in order: the first, then one per resumption. */
  connectedTo: string[];
}

/**
 * A subscriber that outlives its gateway, as a dashboard or a CLI should: when the socket closes (its gateway died), it
 * subscribes again on `resumeUrl()` (a balancer in front of the gateways) with `after` set to the last cursor it received,
 * so it sees every change once, in order. `query` must declare `$after: String` and pass it to the field (a variable
 * the operation does not declare is dropped, and the resumed subscription would start from now). `closed`/`completed`
 * are those of the last connection.
 */
export function subscribeResuming<T extends { cursor: string }>(
  firstUrl: string,
  resumeUrl: () => string,
  caller: Caller,
  query: string,
  variables: Record<string, unknown>,
  field: string,
): ResumingSubscription<T> {
  let current: CollectedSubscription<T> | undefined;
  let stopped = false;
  const resuming: ResumingSubscription<T> = {
    received: [],
    errors: [],
    completed: false,
    connectedTo: [],
    stop: async () => {
      stopped = true;
      await current?.stop();
    },
  };
  const connect = (url: string) => {
    resuming.connectedTo.push(url);
    const last = resuming.received.at(-1)?.value.cursor;
    const connection = subscribeAndCollect<T>(url, caller, query, { ...variables, ...(last !== undefined ? { after: last } : {}) }, field);
    current = connection;
    // The connection's messages, appended as they come (its arrays are read, not copied, so nothing is counted twice).
    let seen = 0;
    const timer = setInterval(() => {
      for (; seen < connection.received.length; seen++) resuming.received.push(connection.received[seen]!);
      const ended = connection.closed !== undefined || connection.completed || connection.errors.length > 0;
      if (!ended || stopped) return;
      clearInterval(timer);
      resuming.closed = connection.closed;
      void connection.stop().catch(() => undefined);
      setTimeout(() => !stopped && connect(resumeUrl()), 200);
    }, 20);
    timer.unref();
  };
  if (!/\$after\s*:\s*String/.test(query)) throw new Error('subscribeResuming: the query must declare $after: String and pass it to the subscription field');
  connect(firstUrl);
  return resuming;
}
