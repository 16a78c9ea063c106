import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AwsCall } from './aws-endpoint';
import { AwsError } from './aws-errors';
import type { ForwardedIdentities } from './forwarded-identities';
import { awsErrorOf, type GraphQLAnswerError } from './graphql-errors-to-aws';

/** The two things of the gateway an `/aws` call goes through: the authentication gate and the GraphQL runtime. */
export interface GatewayPipeline {
  /** `GatewayAuth.admitHttp`: authenticates the request's bearer token and remembers it for the authorization plugin. */
  admitHttp(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** The Hive runtime's `fetch` with the server context the plugin reads `req` from. */
  fetch(url: string, init: RequestInit, context: { req: IncomingMessage }): Promise<Response> | Response;
}

/** Executes one GraphQL operation for an `/aws` call; answers `data` or throws the AWS form of the first error. */
export type AwsGraphql = <T = Record<string, any>>(call: AwsCall, query: string, variables?: Record<string, unknown>) => Promise<T>;

/**
 * GraphQL through the gateway's own pipeline, in process (decision 0024): the same authentication gate, the same
 * authorization of every root field and audit record, the same subgraph calls as any GraphQL client gets.
 */
export function gatewayGraphql(gateway: GatewayPipeline, identities: ForwardedIdentities): AwsGraphql {
  return async <T>(call: AwsCall, query: string, variables: Record<string, unknown> = {}) =>
    identities.with(call.auth, async (token) => {
      // The real request (its socket: the caller's address; its user agent) with the call's token in place of SigV4.
      const req = Object.create(call.req, { headers: { value: { ...call.req.headers, authorization: `Bearer ${token}` } } }) as IncomingMessage;
      let refused: string | undefined;
      const sink = {
        setHeader: () => sink,
        writeHead: () => sink,
        end: (body?: string) => void (refused = body ?? 'refused'),
      } as unknown as ServerResponse;
      if (!(await gateway.admitHttp(req, sink))) throw new AwsError('UnrecognizedClientException', `The gateway refused the call: ${refused}`, 403);
      const response = await gateway.fetch(
        'http://gateway/graphql',
        { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' }, body: JSON.stringify({ query, variables }) },
        { req },
      );
      const answer = (await response.json()) as { data?: T | null; errors?: GraphQLAnswerError[] };
      if (answer.errors?.length) throw awsErrorOf(answer.errors[0]!);
      if (answer.data === undefined || answer.data === null) throw new AwsError('InternalFailure', 'The GraphQL API answered no data.', 500);
      return answer.data;
    });
}
