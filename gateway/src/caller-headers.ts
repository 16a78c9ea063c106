/**
 * The headers that say who asks (see @sluice/graphql-service, whose names these are: it is not imported here
 * because its index loads NestJS, which is ESM-only and cannot run inside jest where gateway tests run).
 */
export const ACCOUNT_HEADER = 'x-sluice-account';
export const ACTOR_HEADER = 'x-sluice-actor';
export const PRINCIPAL_HEADER = 'x-sluice-principal';
export const TOKEN_ID_HEADER = 'x-sluice-token-id';
/** Which pipelines the caller may read, for pipelineGraph (decision 0054). */
export const READABLE_PIPELINES_HEADER = 'x-sluice-readable-pipelines';
export const INTERNAL_SECRET_HEADER = 'x-sluice-internal-secret';

/** Every subgraph must hear the same caller. */
export const CALLER_HEADERS = [ACCOUNT_HEADER, ACTOR_HEADER] as const;

/** The caller headers of a client's request, for Hive's `propagateHeaders.fromClientToSubgraphs` (only without authentication). */
export function callerHeadersOf(request: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of CALLER_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return headers;
}
