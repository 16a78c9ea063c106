import type { GraphQLResponse } from '@sluice/graphql-service/testing';

export interface Caller {
  account: string;
  actor: string;
  /** Sent as `Authorization: Bearer <token>`: who the caller is for a gateway with authentication (testing/test-gateway.ts). */
  token?: string;
}

/** The headers a client sends: the bearer token, and account/actor (which an authenticating gateway ignores). */
export function callerHeaders(caller: Caller): Record<string, string> {
  return { 'x-sluice-account': caller.account, 'x-sluice-actor': caller.actor, ...(caller.token ? { authorization: `Bearer ${caller.token}` } : {}) };
}

/** GraphQL POSTed to the gateway as a client does, with the token and caller headers of `caller`. */
export function gatewayClient(url: string, caller: Caller) {
  return async <T>(query: string, variables: Record<string, unknown> = {}, as: Caller = caller): Promise<GraphQLResponse<T>> => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...callerHeaders(as) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    try {
      return { status: res.status, ...(JSON.parse(text) as Omit<GraphQLResponse<T>, 'status'>) };
    } catch {
      throw new Error(`HTTP ${res.status} from ${url}/graphql, not JSON: ${text.slice(0, 300)}`);
    }
  };
}

export const codesOf = (answer: GraphQLResponse<unknown>): Array<string | undefined> => (answer.errors ?? []).map((e) => e.extensions?.code);

/** The answer's data; an answer with errors or without data throws, naming `what` and the errors. */
export function dataOf<T>(answer: { data?: T | null; errors?: ReadonlyArray<unknown> }, what: string): T {
  if (answer.errors?.length || !answer.data) throw new Error(`${what}: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}
