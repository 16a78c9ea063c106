import type { GraphQLResponse } from '@sluice/graphql-service/testing';

export interface Caller {
  account: string;
  actor: string;
}

/** GraphQL POSTed to the gateway as a client does, with the caller headers of `caller`. */
export function gatewayClient(url: string, caller: Caller) {
  return async <T>(query: string, variables: Record<string, unknown> = {}, as: Caller = caller): Promise<GraphQLResponse<T>> => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sluice-account': as.account, 'x-sluice-actor': as.actor },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, ...((await res.json()) as Omit<GraphQLResponse<T>, 'status'>) };
  };
}

export const codesOf = (answer: GraphQLResponse<unknown>): Array<string | undefined> => (answer.errors ?? []).map((e) => e.extensions?.code);
