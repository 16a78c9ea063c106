/** The headers that say who asks (see @sluice/graphql-service): every subgraph must hear the same caller. */
export const CALLER_HEADERS = ['x-sluice-account', 'x-sluice-actor'] as const;

/** The caller headers of a client's request, for Hive's `propagateHeaders.fromClientToSubgraphs`. */
export function callerHeadersOf(request: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of CALLER_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return headers;
}
