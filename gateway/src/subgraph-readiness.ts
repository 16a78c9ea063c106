import { internalSecretHeaders } from './auth/internal-secret-headers';
import { endpointUrls, type SubgraphEndpoint } from './gateway-config';

export interface Readiness {
  ready: boolean;
  /** Per subgraph: `up`, or why it is not. */
  subgraphs: Record<string, string>;
}

async function probe(url: string, timeoutMs: number, internalSecret: string): Promise<string> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...internalSecretHeaders(internalSecret) },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const answer = (await response.json()) as { data?: { __typename?: string } };
    return response.ok && answer.data?.__typename === 'Query' ? 'up' : `HTTP ${response.status}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Ready when every subgraph answers a GraphQL query now (asked with `internalSecret`) on at least one of its instances:
 * `up`, or `up (1 of 2 instances; http://…: why)` while some are down, or why each is down.
 */
export async function subgraphReadiness(subgraphs: SubgraphEndpoint[], internalSecret: string, timeoutMs = 2_000): Promise<Readiness> {
  const states = await Promise.all(subgraphs.map(async (s) => [s.name, await subgraphState(endpointUrls(s), timeoutMs, internalSecret)] as const));
  return { ready: states.every(([, state]) => state.startsWith('up')), subgraphs: Object.fromEntries(states) };
}

async function subgraphState(urls: readonly string[], timeoutMs: number, internalSecret: string): Promise<string> {
  const states = await Promise.all(urls.map((url) => probe(url, timeoutMs, internalSecret)));
  if (urls.length === 1) return states[0]!;
  const down = urls.flatMap((url, i) => (states[i] === 'up' ? [] : [`${url}: ${states[i]}`]));
  if (down.length === 0) return 'up';
  const up = urls.length - down.length;
  return up > 0 ? `up (${up} of ${urls.length} instances; ${down.join('; ')})` : down.join('; ');
}
