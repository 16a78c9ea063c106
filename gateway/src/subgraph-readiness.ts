import { internalSecretHeaders } from './auth/internal-secret-headers';
import type { SubgraphEndpoint } from './gateway-config';

export interface Readiness {
  ready: boolean;
  /** Per subgraph: `up`, or why it is not. */
  subgraphs: Record<string, string>;
}

async function probe(subgraph: SubgraphEndpoint, timeoutMs: number, internalSecret: string): Promise<string> {
  try {
    const response = await fetch(subgraph.url, {
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

/** Ready when every subgraph answers a GraphQL query now (asked with `internalSecret`). */
export async function subgraphReadiness(subgraphs: SubgraphEndpoint[], internalSecret: string, timeoutMs = 2_000): Promise<Readiness> {
  const states = await Promise.all(subgraphs.map(async (s) => [s.name, await probe(s, timeoutMs, internalSecret)] as const));
  return { ready: states.every(([, state]) => state === 'up'), subgraphs: Object.fromEntries(states) };
}
