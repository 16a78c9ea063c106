import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

/**
 * A subgraph served by several instances (`SLUICE_SUBGRAPHS=executions=http://a/graphql|http://b/graphql`): every request
 * the gateway makes to it goes to the first instance that takes the connection, in the configured order (issue 20,
 * decision 0047). Failing over only when no connection was made keeps it safe for mutations (nothing reached the dead
 * instance, so nothing runs twice) and keeps a caller's reads on one instance while it lives (read-your-writes: the
 * instances fold the same store, each at its own pace).
 */

/** One URL, or the URLs of every instance of one subgraph, the first the one asked first. */
export type InstanceUrls = string | readonly string[];

/** How long an instance that refused a connection is asked last rather than first. */
const REFUSED_HOLD_MS = 5_000;

/** Per instance URL: until when it is asked last. Bounded by the instances configured. */
const refusedUntil = new Map<string, number>();

/** Errors of a connection that was never made (undici's and node:http's codes), anywhere in the `cause` chain. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** True when the request never reached a server, so another instance may take it whatever it was. */
export function neverConnected(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_CONNECTED.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export const instanceUrls = (target: InstanceUrls): readonly string[] => (typeof target === 'string' ? [target] : target);

/** The instances in the order to ask them: as configured, those that refused a connection lately after the others. */
export function instanceOrder(target: InstanceUrls, now: number = Date.now()): string[] {
  const urls = instanceUrls(target);
  const held = (url: string) => (refusedUntil.get(url) ?? 0) > now;
  return [...urls.filter((url) => !held(url)), ...urls.filter(held)];
}

/** The instance a streamed request (an artifact's bytes, which cannot be sent twice) goes to. */
export const currentInstance = (target: InstanceUrls): string => instanceOrder(target)[0]!;

/** What a request that could not connect says about its instance: asked last for a while. */
export function noteRefused(url: string, now: number = Date.now()): void {
  refusedUntil.set(url, now + REFUSED_HOLD_MS);
}

/**
 * `attempt(instanceUrl)` on each instance in turn until one connects: its answer (whatever its status), or the error of
 * a request that reached an instance, or, when none connected, the last instance's error.
 */
export async function askFirstConnected<T>(target: InstanceUrls, attempt: (instanceUrl: string) => Promise<T>): Promise<T> {
  const order = instanceOrder(target);
  let lastError: unknown;
  for (const url of order) {
    try {
      const answer = await attempt(url);
      refusedUntil.delete(url);
      return answer;
    } catch (error) {
      if (!neverConnected(error) || order.length === 1) throw error;
      noteRefused(url);
      lastError = error;
    }
  }
  throw lastError;
}

/** `fetch` of one subgraph's GraphQL endpoint, on the first instance that takes the connection. */
export function fetchFirstConnected(target: InstanceUrls, init: RequestInit): Promise<Response> {
  return askFirstConnected(target, (url) => fetch(url, init));
}

/**
 * The gateway runtime's plugin that sends each subgraph request to the first of its instances that takes the connection.
 * The supergraph names each subgraph by its first instance's URL; a request to that URL may go to any of them.
 */
export function subgraphFailoverPlugin(subgraphs: ReadonlyArray<{ url: string; instances?: readonly string[] }>): GatewayPlugin {
  const byFirstUrl = new Map(subgraphs.filter((s) => (s.instances?.length ?? 0) > 1).map((s) => [s.url, s.instances!] as const));
  return {
    onFetch({ url, fetchFn, setFetchFn }) {
      const instances = byFirstUrl.get(url);
      if (!instances) return;
      setFetchFn((target, ...rest) => askFirstConnected(instances, async (instance) => fetchFn(target === instances[0] ? instance : target, ...rest)));
    },
  };
}
