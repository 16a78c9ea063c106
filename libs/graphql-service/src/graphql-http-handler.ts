import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { internalSecretProblem } from './internal-secret';

/** Explicit, so a 10 MB definition reaches the validator (and its size issue at `$`) instead of a socket error. */
export const GRAPHQL_BODY_LIMIT_BYTES = 12 * 1024 * 1024;

export type ContextFunction = (args: { req: IncomingMessage; res: ServerResponse }) => Promise<BaseContext>;

type Read = { kind: 'read'; text: string } | { kind: 'too_large'; bytes: number };

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/** Reads the whole body (so the client can read the answer) but keeps at most `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Read> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(bytes > limit ? { kind: 'too_large', bytes } : { kind: 'read', text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', reject);
  });
}

/**
 * Apollo Server over Node's request/response, as `@as-integrations/express5` does (that package is
 * not installed here), owning body parsing so that the limit and a malformed body get clear answers.
 */
export function graphqlHttpHandler(server: ApolloServer<BaseContext>, context: ContextFunction, internalSecret: string | undefined, bodyLimitBytes = GRAPHQL_BODY_LIMIT_BYTES) {
  return (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: (error?: unknown) => void): void => {
    handle(server, context, internalSecret, bodyLimitBytes, req, res).catch(next);
  };
}

async function handle(
  server: ApolloServer<BaseContext>,
  context: ContextFunction,
  internalSecret: string | undefined,
  bodyLimitBytes: number,
  req: IncomingMessage & { body?: unknown },
  res: ServerResponse,
): Promise<void> {
  const refused = internalSecretProblem(req.headers, internalSecret);
  if (refused !== undefined) {
    req.resume();
    return sendError(res, 401, 'UNAUTHENTICATED', refused);
  }
  const method = (req.method ?? 'GET').toUpperCase();
  let body: unknown = req.body;
  if (method === 'POST' && body === undefined) {
    const read = await readBody(req, bodyLimitBytes);
    if (read.kind === 'too_large') {
      const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
      return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `The request body is ${mb(read.bytes)}; the limit is ${mb(bodyLimitBytes)}.`);
    }
    const isJson = /^application\/(.+\+)?json\b/i.test(req.headers['content-type'] ?? '');
    if (isJson && read.text.trim() !== '') {
      try {
        body = JSON.parse(read.text);
      } catch (error) {
        return sendError(res, 400, 'BAD_REQUEST', `The request body is not valid JSON: ${(error as Error).message}`);
      }
    }
  }
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method, headers, search: new URL(req.url ?? '/', 'http://localhost').search, body },
    context: () => context({ req, res }),
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
