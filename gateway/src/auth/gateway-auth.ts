import { randomUUID } from 'node:crypto';
import { clientAddressOf } from '../client-address';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { authorize, resourceForAction, type AuditChainKeySource, type AuditResult, type RequestContext } from '@sluice/authz';
import type { ActionTypeIdLike } from '@sluice/domain';
import type { EventStore } from '@sluice/eventing';
import type { MasterKeyCipher } from '@sluice/runtime';
import { accessKeyStream, executionEventFields, executionStreamId, jobStreamId, tokenStream } from '@sluice/contracts';
import { ACCOUNT_HEADER, ACTOR_HEADER, PRINCIPAL_HEADER, READABLE_PIPELINES_HEADER, TOKEN_ID_HEADER } from '../caller-headers';
import type { Admission } from '../limits/admission';
import { requestWeight } from '../limits/rate-limiter';
import { sendTooManyRequests } from '../limits/too-many-requests';
import { storeAuditRecorder, type AuditRecorder, type CallOrigin } from './audit-recorder';
import { bearerTokenOf, type AuthenticatedPrincipal, type Authenticator } from './authenticator';
import { clearedSessionCookie, type BrowserSessions, CSRF_HEADER, isSameOrigin, sessionIdOf } from './browser-sessions';
import { authorizeOperation, type FieldCall } from './authorize-operation';
import { operationRuleOf } from './operation-actions';
import { readablePipelinesHeader } from './readable-pipelines';
import { AuthenticationUnavailableError } from './permissions-authenticator';

export interface GatewayAuthOptions {
  authenticator: Authenticator;
  /** Record allowed reads too (denied calls and mutations are always recorded). Default true (gateway-config.ts: SLUICE_AUDIT_READS). */
  auditReads?: boolean;
  /** The audit chain key (decision 0028). Default: the process's (SLUICE_AUDIT_KEY, else `audit-chain-key` in the data folder). */
  auditKey?: AuditChainKeySource;
  /** The names of an account's pipelines (the pipelines subgraph's), for pipelineGraph's scope (decision 0054); absent: none is readable one by one. */
  pipelineNames?: (account: string) => Promise<string[]>;
  /**
   * Seals the tokens of browser sessions in the store (decision 0057): the server's master key (SLUICE_ACCESS_KEY_MASTER_KEY,
   * else the file in SLUICE_DATA_DIR). Every gateway of an installation must hold the same one to share sessions.
   */
  sessionKey: MasterKeyCipher;
}

/** A request that passed authentication: who, and where from. */
export interface AuthenticatedRequest {
  auth: AuthenticatedPrincipal;
  origin: CallOrigin;
}

export type ConnectionAuthentication = { ok: true; request: AuthenticatedRequest } | { ok: false; status: 401 | 503; message: string };

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** Whether the browser reached the gateway over https (directly, or through a proxy that says so): the cookie is then `Secure`. */
export const isHttps = (req: IncomingMessage): boolean => (req.socket as { encrypted?: boolean }).encrypted === true || header(req.headers['x-forwarded-proto']) === 'https';

/** The facts of a request that conditions test and the audit trail keeps. The socket's peer, never a forwarded header. */
export function originOf(req: IncomingMessage, time = new Date()): CallOrigin {
  return { sourceIp: clientAddressOf(req), userAgent: header(req.headers['user-agent']) ?? null, requestId: randomUUID(), time };
}

export const contextOf = (origin: CallOrigin): RequestContext => ({
  currentTime: origin.time,
  ...(origin.sourceIp !== null ? { sourceIp: origin.sourceIp } : {}),
  ...(origin.userAgent !== null ? { userAgent: origin.userAgent } : {}),
});

/** A 400 (not the 200 of a refused call) for an operation refused for its input: HTTP clients see the class of the error. */
function withBadInputStatus(error: GraphQLError): GraphQLError {
  if (error.extensions.code !== 'BAD_USER_INPUT') return error;
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } });
}

/** The short, request-free reasons of a refused authentication (the tally's key): what the 401 said, without the token. */
const NO_TOKEN = 'no token';
const MALFORMED = 'malformed Authorization header';
const UNKNOWN_TOKEN = 'unknown, expired or revoked token';

/**
 * Token authentication, the one authorization path and the audit trail of the gateway (decision 0021):
 * HTTP requests are authenticated before GraphQL sees them, every operation is measured against the limits
 * (limits-config.ts) before it is validated, every root field is authorized by the yoga plugin before Hive
 * plans anything, and every call is recorded. Refused authentications and limits are counted, not recorded
 * one by one (RefusalTally in the Admission): a flood costs a counter.
 */
export class GatewayAuth {
  readonly recorder: AuditRecorder;
  private readonly requests = new WeakMap<IncomingMessage, AuthenticatedRequest>();
  /** READABLE_PIPELINES_HEADER of a request whose operation has a `readablePipelinesOnly` field. */
  private readonly readableScopes = new WeakMap<IncomingMessage, string>();

  constructor(
    private readonly options: GatewayAuthOptions,
    private readonly store: EventStore,
    readonly log: (line: string) => void,
    readonly admission: Admission,
    /** The dashboard's sign-ins (decisions 0045, 0057): a session cookie stands for a token, in the store every gateway reads. */
    readonly sessions: BrowserSessions,
  ) {
    this.recorder = storeAuditRecorder(store, { auditReads: options.auditReads ?? true, ...(options.auditKey ? { key: options.auditKey } : {}) });
  }

  /** Authenticates an `Authorization` value for `surface` (`/graphql`, `graphql-ws`, `/metrics`); a refusal is counted. */
  async authenticate(authorization: string | undefined, origin: CallOrigin, surface = '/graphql'): Promise<ConnectionAuthentication> {
    const bearer = bearerTokenOf(authorization);
    let auth: AuthenticatedPrincipal | null = null;
    let problem = 'problem' in bearer ? bearer.problem : undefined;
    let reason = problem?.startsWith(NO_TOKEN) ? NO_TOKEN : MALFORMED;
    if ('token' in bearer) {
      try {
        auth = await this.options.authenticator.authenticate(bearer.token);
      } catch (error) {
        if (!(error instanceof AuthenticationUnavailableError)) throw error;
        this.log(`gateway: ${error.message}`);
        return { ok: false, status: 503, message: 'authentication is unavailable: the permissions service does not answer; try again' };
      }
      if (auth && auth.expiresAt.getTime() <= origin.time.getTime()) auth = null;
      if (!auth) {
        problem = 'the token is unknown, expired or revoked';
        reason = UNKNOWN_TOKEN;
      }
    }
    if (!auth) {
      const message = `Unauthenticated: ${problem}`;
      this.admission.refuse({ code: 'UNAUTHENTICATED', surface, reason, message }, origin);
      return { ok: false, status: 401, message };
    }
    return { ok: true, request: { auth, origin } };
  }

  /**
   * The credential of a request: its `Authorization` header (API clients), else its session cookie (the dashboard),
   * as an `Authorization` value. `session` is set when the cookie was used: the id, and whether it is still known.
   */
  async credentialOf(req: IncomingMessage): Promise<{ authorization: string | undefined; session?: { id: string; known: boolean } }> {
    const authorization = header(req.headers.authorization);
    if (authorization !== undefined) return { authorization };
    const id = sessionIdOf(req);
    if (id === undefined) return { authorization: undefined };
    const token = await this.sessions.tokenOf(id);
    return { authorization: token === undefined ? undefined : `Bearer ${token}`, session: { id, known: token !== undefined } };
  }

  /**
   * For `/graphql` over HTTP: true when the request may go on to GraphQL; else the 401/503 (or the 429 of a principal
   * over its rate) is sent. `internal`: a call the gateway makes for an `/aws` request, whose rate was taken already.
   */
  async admitHttp(req: IncomingMessage, res: ServerResponse, options: { internal?: boolean } = {}): Promise<boolean> {
    const origin = originOf(req);
    res.setHeader('x-request-id', origin.requestId);
    // CSRF (decision 0045): a cookie is sent by the browser whoever's page asks; the custom header and the origin are not.
    // Checked before the session is looked up: a forged request costs no read of the store.
    if (header(req.headers.authorization) === undefined && sessionIdOf(req) !== undefined && (!isSameOrigin(req) || req.headers[CSRF_HEADER] === undefined)) {
      return refuseHttp(req, res, 403, `Forbidden: a request authenticated by the session cookie must come from the dashboard's origin and carry the ${CSRF_HEADER} header`, 'FORBIDDEN');
    }
    let credential: Awaited<ReturnType<GatewayAuth['credentialOf']>>;
    try {
      credential = await this.credentialOf(req);
    } catch (error) {
      this.log(`gateway: the browser sessions could not be read: ${error instanceof Error ? error.message : String(error)}`);
      return refuseHttp(req, res, 503, 'the sessions cannot be read right now (the store does not answer); try again', 'SERVICE_UNAVAILABLE');
    }
    if (credential.session && !credential.session.known) {
      const message = 'Unauthenticated: the session ended (signed out, expired, or its token was revoked): sign in again';
      this.admission.refuse({ code: 'UNAUTHENTICATED', surface: '/graphql', reason: 'unknown or ended session', message }, origin);
      return refuseHttp(req, res, 401, message, 'UNAUTHENTICATED', { 'set-cookie': clearedSessionCookie(isHttps(req)) });
    }
    const answer = await this.authenticate(credential.authorization, origin);
    if (answer.ok) {
      const over = options.internal ? undefined : this.admission.principal(answer.request.auth.principal, origin, '/graphql', requestWeight(req.headers));
      if (over) {
        req.resume();
        sendTooManyRequests(res, '/graphql', over.retryAfterSeconds, over.message, origin.requestId);
        return false;
      }
      this.requests.set(req, answer.request);
      return true;
    }
    // A session whose token is refused (revoked or expired) ends with it, on every gateway.
    if (credential.session && answer.status === 401) await this.sessions.end(credential.session.id);
    req.resume();
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...(answer.status === 401 ? { 'www-authenticate': 'Bearer realm="sluice"' } : {}),
    });
    res.end(JSON.stringify({ errors: [{ message: answer.message, extensions: { code: answer.status === 401 ? 'UNAUTHENTICATED' : 'SERVICE_UNAVAILABLE' } }] }));
    return false;
  }

  /** What every subgraph hears about the caller: derived from the token, never from the client's own headers. */
  callerHeaders(req: IncomingMessage | undefined): Record<string, string> {
    const known = req && this.requests.get(req);
    if (!known) return {};
    const { principal, actor, tokenId } = known.auth;
    return {
      [ACCOUNT_HEADER]: principal.account,
      [ACTOR_HEADER]: actor,
      [PRINCIPAL_HEADER]: principal.id,
      ...(tokenId ? { [TOKEN_ID_HEADER]: tokenId } : {}),
      ...(this.readableScopes.has(req) ? { [READABLE_PIPELINES_HEADER]: this.readableScopes.get(req)! } : {}),
    };
  }

  /** The pipeline of an execution of `account`, from its first stored event. */
  async pipelineOfExecution(account: string, executionId: string): Promise<string | undefined> {
    const [first] = await this.store.readStream(executionStreamId(executionId), { maxCount: 1 }).catch(() => []);
    if (!first || first.metadata.account !== account) return undefined;
    return executionEventFields(first).inputs?.pipeline?.name;
  }

  /** The action type of a job of `account`, from its stream's first event (JobCreated: the job's spec). */
  async actionTypeOfJob(account: string, jobId: string): Promise<ActionTypeIdLike | undefined> {
    const [first] = await this.store.readStream(jobStreamId(jobId), { maxCount: 1 }).catch(() => []);
    const spec = (first?.data as { spec?: { pipeline?: { account?: unknown }; actionTypeId?: ActionTypeIdLike } } | undefined)?.spec;
    return first?.type === 'JobCreated' && spec?.pipeline?.account === account ? spec.actionTypeId : undefined;
  }

  /** The principal a token or an access key of `account` belongs to, from its stream's first event (as the permissions service keeps it). */
  async principalOfCredential(account: string, streamId: string): Promise<string | undefined> {
    const [first] = await this.store.readStream(streamId, { maxCount: 1 }).catch(() => []);
    const data = first?.data as { account?: unknown; principalId?: unknown } | undefined;
    return data && data.account === account && typeof data.principalId === 'string' ? data.principalId : undefined;
  }

  /** May the principal read `pipeline` with `action` (a pipeline-level read): the per-event filter of subscriptions. */
  mayReadPipeline(request: AuthenticatedRequest, action: string, pipeline: string): boolean {
    const { principal } = request.auth;
    return authorize({ principal, action, resource: resourceForAction(action, { account: principal.account, pipeline }), context: { ...contextOf(request.origin), currentTime: new Date() } }).allowed;
  }

  /** The authenticated request of `req` (after `admitHttp`), for what else looks at the call (the limits plugin). */
  requestOf(req: IncomingMessage | undefined): AuthenticatedRequest | undefined {
    return req ? this.requests.get(req) : undefined;
  }

  /** The yoga plugin that authorizes every operation before it runs and audits it once it has. */
  plugin(): GatewayPlugin {
    return {
      onExecute: async ({ args, setResultAndStopExecution }) => {
        const req = (args.contextValue as { req?: IncomingMessage }).req;
        const request = req ? this.requests.get(req) : undefined;
        if (!request) {
          setResultAndStopExecution({ errors: [new GraphQLError('Unauthenticated: the request did not pass authentication', { extensions: { code: 'UNAUTHENTICATED' } })] });
          return;
        }
        const { principal } = request.auth;
        let authorization;
        try {
          authorization = await authorizeOperation({
            schema: args.schema,
            document: args.document,
            operationName: args.operationName,
            variableValues: args.variableValues as Record<string, unknown> | undefined,
            principal,
            lookup: {
              pipelineOfExecution: (id) => this.pipelineOfExecution(principal.account, id),
              principalId: principal.id,
              principalOfToken: (id) => this.principalOfCredential(principal.account, tokenStream(id)),
              principalOfAccessKey: (id) => this.principalOfCredential(principal.account, accessKeyStream(id)),
              actionTypeOfJob: (id) => this.actionTypeOfJob(principal.account, id),
            },
            context: contextOf(request.origin),
          });
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          setResultAndStopExecution({ errors: [withBadInputStatus(error)] });
          return;
        }
        const { calls } = authorization;
        const refusals = [...authorization.refusals];
        // pipelineGraph: which pipelines the principal may read, decided here and told to the subgraph (decision 0054).
        const scoped = calls.find((call) => !call.refusal && operationRuleOf(authorization.operation, call.field)?.readablePipelinesOnly);
        if (scoped && refusals.length === 0) {
          try {
            this.readableScopes.set(req!, await readablePipelinesHeader(principal, scoped.action, contextOf(request.origin), this.options.pipelineNames ?? (async () => [])));
          } catch (error) {
            if (!(error instanceof GraphQLError)) {
              this.log(`gateway: the pipelines readable by ${principal.id} could not be listed: ${error instanceof Error ? error.message : String(error)}`);
              setResultAndStopExecution({ data: null, errors: [new GraphQLError('The pipelines service did not answer which pipelines exist: try again.', { extensions: { code: 'SERVICE_UNAVAILABLE' } })] });
              return;
            }
            scoped.refusal = error;
            refusals.push(error);
          }
        }
        if (refusals.length > 0) {
          // Nothing runs: no subgraph hears of an operation with a refused field.
          const notRun = new Map<string, AuditResult>(calls.map((call) => [call.responseKey, { status: 'failed', errorCode: 'FORBIDDEN' }]));
          await this.recorder.recordCalls(principal, calls, notRun, request.origin);
          setResultAndStopExecution({ data: null, errors: refusals.map(withBadInputStatus) });
          return;
        }
        // The record before the effect (decision 0028): every change is recorded as attempted, durably, before
        // any subgraph hears of it; when the trail cannot be written, nothing runs.
        let attempts: ReadonlyMap<string, string>;
        try {
          attempts = await this.recorder.recordAttempts(principal, calls, request.origin);
        } catch (error) {
          this.log(`gateway: the audit trail could not be written, so request ${request.origin.requestId} was not run: ${error instanceof Error ? error.message : String(error)}`);
          setResultAndStopExecution({ data: null, errors: [auditUnavailable()] });
          return;
        }
        return {
          onExecuteDone: async ({ result }) => {
            const results = isExecutionResult(result) ? resultsByField(calls, result) : new Map<string, AuditResult>();
            try {
              await this.recorder.recordCalls(principal, calls, results, request.origin, attempts);
            } catch (error) {
              // What was done is in the trail already (its attempt records); only its outcome could not be added.
              if (attempts.size === 0) throw error;
              this.log(`gateway: the outcome of request ${request.origin.requestId} could not be recorded (its attempt is): ${error instanceof Error ? error.message : String(error)}`);
            }
          },
        };
      },
    };
  }
}

/** A refusal of `/graphql` over HTTP, as GraphQL errors; always false (the request does not go on). */
function refuseHttp(req: IncomingMessage, res: ServerResponse, status: number, message: string, code: string, headers: Record<string, string> = {}): false {
  req.resume();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
  return false;
}

/** The platform does not act unaudited: the answer when the attempt record could not be written (nothing ran). */
export function auditUnavailable(): GraphQLError {
  return new GraphQLError('The audit trail cannot be written right now, so nothing was done: try again later.', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
}

const isExecutionResult = (result: unknown): result is ExecutionResult => typeof result === 'object' && result !== null && !(Symbol.asyncIterator in result);

/** Each call's result: failed with the code of its first error (by `path[0]`), else succeeded. */
function resultsByField(calls: readonly FieldCall[], result: ExecutionResult): Map<string, AuditResult> {
  const results = new Map<string, AuditResult>();
  for (const error of result.errors ?? []) {
    const key = error.path?.[0];
    const code = error.extensions?.code;
    const failed: AuditResult = { status: 'failed', errorCode: typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR' };
    if (typeof key === 'string') {
      if (!results.has(key)) results.set(key, failed);
    } else {
      // An error of the whole operation fails every call in it.
      for (const call of calls) if (!results.has(call.responseKey)) results.set(call.responseKey, failed);
    }
  }
  return results;
}
