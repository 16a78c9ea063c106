import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { CliError, type CliErrorKind } from './cli-error';

interface GraphQLErrorBody {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; issues?: Array<{ path?: string; message?: string }> };
}

const KIND_OF_CODE: Record<string, CliErrorKind> = {
  BAD_USER_INPUT: 'bad-input',
  GRAPHQL_VALIDATION_FAILED: 'bad-input',
  GRAPHQL_PARSE_FAILED: 'bad-input',
  NOT_FOUND: 'not-found',
  // Past the account's retention: the message says when it expired (exit code as for something not there any more).
  EXPIRED: 'not-found',
  CONFLICT: 'conflict',
  FORBIDDEN: 'denied',
  UNAUTHENTICATED: 'denied',
};

/** The service's first error as a CliError of its kind, with every issue's path on its own line. */
export function errorOfResponse(errors: readonly GraphQLErrorBody[]): CliError {
  const first = errors[0] as GraphQLErrorBody;
  const code = first.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
  const issues = (first.extensions?.issues ?? []).map((issue) => `\n  ${issue.path ?? '$'}: ${issue.message ?? ''}`);
  const more = errors.length > 1 ? `\n  (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
  // A message that lists its issues itself keeps its headline only: each issue is printed once, with its path.
  const headline = issues.length > 0 ? (first.message.split('\n')[0] ?? '').replace(/:$/, '') : first.message;
  return new CliError(KIND_OF_CODE[code] ?? 'failed', `${headline} (${code})${issues.length > 0 ? ':' : ''}${issues.join('')}${more}`);
}

/** The gateway's GraphQL API, as the CLI uses it: queries and mutations over HTTP, subscriptions over graphql-ws. */
export class Gateway {
  private wsClient: Client | undefined;

  constructor(
    readonly endpoint: string,
    private readonly token: string | undefined,
    private readonly timeoutMs = 60_000,
  ) {}

  withToken(token: string): Gateway {
    return new Gateway(this.endpoint, token, this.timeoutMs);
  }

  private headers(): Record<string, string> {
    return { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) };
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const url = `${this.endpoint}/graphql`;
    let response: { status: number; ok: boolean; text: string };
    try {
      response = await post(url, this.headers(), JSON.stringify({ query, variables }), this.timeoutMs);
    } catch (error) {
      throw this.unreachable(error);
    }
    const { text } = response;
    let body: { data?: T; errors?: GraphQLErrorBody[] } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    if (response.status === 401) throw new CliError('denied', `${url} refused the request (401): ${body?.errors?.[0]?.message ?? 'sign in with `sluice login --token …` or set SLUICE_TOKEN'}`);
    if (response.status === 403) throw new CliError('denied', `${url} refused the request (403): ${body?.errors?.[0]?.message ?? text.slice(0, 200)}`);
    if (body?.errors && body.errors.length > 0) throw errorOfResponse(body.errors);
    if (!response.ok || body?.data === undefined) throw new CliError('failed', `${url} answered ${response.status}: ${text.slice(0, 200)}`);
    return body.data;
  }

  /** Calls `onNext` with each message until it returns true (done) or the subscription ends. */
  async subscribe<T>(query: string, variables: Record<string, unknown>, onNext: (data: T) => boolean | Promise<boolean>, signal?: AbortSignal): Promise<void> {
    const client = this.ws();
    const subscription = client.iterate<T>({ query, variables });
    const stop = () => void subscription.return?.();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const result of subscription) {
        if (result.errors && result.errors.length > 0) throw errorOfResponse(result.errors as unknown as GraphQLErrorBody[]);
        if (result.data && (await onNext(result.data as T))) break;
      }
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw this.unreachable(error);
    } finally {
      signal?.removeEventListener('abort', stop);
      await subscription.return?.();
    }
  }

  async close(): Promise<void> {
    await this.wsClient?.dispose();
  }

  private ws(): Client {
    this.wsClient ??= createClient({
      url: `${this.endpoint.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: this.token ? { authorization: `Bearer ${this.token}` } : {},
      retryAttempts: 5,
      lazy: true,
    });
    return this.wsClient;
  }

  private unreachable(error: unknown): CliError {
    // fetch-like errors carry the system's code in `cause`; node:http's carry it themselves (ECONNREFUSED, ENOTFOUND).
    const code = (error as { code?: unknown }).code;
    const cause: { code?: string; message?: string } | undefined = (error as { cause?: { code?: string; message?: string } }).cause ?? (typeof code === 'string' ? { code } : undefined);
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : Array.isArray(error) ? 'connection closed' : String((error as { reason?: string }).reason ?? error));
    return new CliError('unreachable', `cannot reach ${this.endpoint}: ${reason}. Is Sluice running there? Use --endpoint-url, SLUICE_ENDPOINT_URL or a profile's endpoint_url.`);
  }
}

/**
 * One POST over node:http(s), the connection closed with the answer. Not `fetch`: loading undici and its keep-alive
 * socket cost each call ~0.25 s of CPU and held the process ~0.3 s after the answer (a call took 0.75-1.3 s where
 * this takes 0.25-0.3 s, Node's own start included; issue 18's goal is 0.4 s).
 */
function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ status: number; ok: boolean; text: string }> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        resolve({ status, ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}
