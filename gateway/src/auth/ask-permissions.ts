import { fetchFirstConnected, type InstanceUrls } from '../subgraph-instances';
import { internalSecretHeaders } from './internal-secret-headers';

/** Why the permissions subgraph gave no answer: it did not answer at all, or it refused the query. */
export type PermissionsSilence = { kind: 'no answer'; detail: string } | { kind: 'refused'; detail: string };

/**
 * One internal query of the permissions subgraph, asked on its own URL (its fields here are @inaccessible in the
 * supergraph) with the internal secret: its `data`, or the error `unavailable` makes of why there is none.
 */
export async function askPermissions<Data>(
  permissionsGraphqlUrl: InstanceUrls,
  options: { internalSecret: string; timeoutMs?: number },
  request: { query: string; variables: Record<string, unknown> },
  unavailable: (silence: PermissionsSilence) => Error,
): Promise<Data> {
  let answer: { data?: Data | null; errors?: Array<{ message: string }> };
  try {
    const response = await fetchFirstConnected(permissionsGraphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...internalSecretHeaders(options.internalSecret) },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
    answer = (await response.json()) as typeof answer;
  } catch (error) {
    throw unavailable({ kind: 'no answer', detail: error instanceof Error ? error.message : String(error) });
  }
  if (answer.errors?.length || answer.data === undefined || answer.data === null) {
    throw unavailable({ kind: 'refused', detail: answer.errors?.map((e) => e.message).join('; ') ?? 'no data' });
  }
  return answer.data;
}
