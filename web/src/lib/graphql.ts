import type { ErrorCode } from '@sluice/domain/browser';
import { CSRF_HEADERS, reportUnauthenticated } from './session';

export interface GraphQLErrorEntry {
  message: string;
  path?: Array<string | number>;
  /**
   * `code` is the kind of refusal (BAD_USER_INPUT, CONFLICT…), `errorCode` which one (STALE_VERSION…; decision 0030);
   * a refused input's issues, each with the JSON path of the field (`$.variables[0].name`).
   */
  extensions?: { code?: string; errorCode?: ErrorCode; issues?: Array<{ path: string; message: string }> };
}

/** A request the gateway refused or answered with errors; `message` lists them, `code` and `errorCode` are the first one's. */
export class GraphQLRequestError extends Error {
  constructor(
    readonly errors: GraphQLErrorEntry[],
    readonly status: number,
  ) {
    super(errors.map((e) => e.message).join('; ') || `the gateway answered HTTP ${status}`);
  }

  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }

  /** The stable code of a domain error: what to decide by, never the message. */
  get errorCode(): ErrorCode | undefined {
    return this.errors[0]?.extensions?.errorCode;
  }
}

/** POST /graphql on the gateway that served the page; the data, or a GraphQLRequestError. */
export async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...CSRF_HEADERS },
    body: JSON.stringify({ query, variables }),
  });
  let answer: { data?: T | null; errors?: GraphQLErrorEntry[] };
  try {
    answer = (await response.json()) as typeof answer;
  } catch {
    throw new GraphQLRequestError([], response.status);
  }
  if (answer.errors && answer.errors.length > 0) {
    const error = new GraphQLRequestError(answer.errors, response.status);
    if (error.code === 'UNAUTHENTICATED') reportUnauthenticated(error.message);
    throw error;
  }
  if (answer.data === undefined || answer.data === null) throw new GraphQLRequestError([], response.status);
  return answer.data;
}

/**
 * POST /graphql for an operation of independent fields: the data of those that answered, the others null (a
 * field refused to this principal does not fail the rest). A refusal of the whole request still throws.
 */
export async function requestEach<T extends Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<Partial<T>> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...CSRF_HEADERS },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json().catch(() => ({}))) as { data?: Partial<T> | null; errors?: GraphQLErrorEntry[] };
  if (answer.data) return answer.data;
  const error = new GraphQLRequestError(answer.errors ?? [], response.status);
  if (error.code === 'UNAUTHENTICATED') reportUnauthenticated(error.message);
  throw error;
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
