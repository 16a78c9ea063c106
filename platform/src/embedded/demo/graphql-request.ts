/** One GraphQL answer as the gateway sends it. */
export interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** POSTs GraphQL to `${url}/graphql` as a user would, with `token` as its bearer token (the admin's in the embedded platform). */
export function graphqlRequester(url: string, token: string) {
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer<T>> => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    return (await res.json()) as GraphQLAnswer<T>;
  };
}

export const errorCodes = (answer: GraphQLAnswer<unknown>): Array<string | undefined> => (answer.errors ?? []).map((e) => e.extensions?.code);

/** The answer's data, or an error carrying every message of the answer. */
export function dataOf<T>(answer: GraphQLAnswer<T>, what: string): T {
  if (answer.errors?.length || !answer.data) {
    throw new Error(`${what} failed: ${(answer.errors ?? []).map((e) => `${e.message} (${e.extensions?.code ?? 'no code'})`).join('; ') || 'no data'}`);
  }
  return answer.data;
}
