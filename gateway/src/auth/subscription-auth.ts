/// <reference path="../types/ws.d.ts" />
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import type { AuditResult } from '@sluice/authz';
import { complexityRefusal, GRAPHQL_LIMIT_VARIABLES, queryBytesRefusal, type GraphQLLimitName } from '../limits/operation-complexity';
import { authorizeOperation } from './authorize-operation';
import { isSameOrigin, sessionIdOf } from './browser-sessions';
import { contextOf, originOf, type AuthenticatedRequest, type GatewayAuth } from './gateway-auth';

/** Close codes of a refused graphql-ws connection: as HTTP's 401 and 503, in the 4xxx range graphql-ws leaves to servers. */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_AUTHENTICATION_UNAVAILABLE = 4503;
/** As HTTP's 429: too many connection attempts from the address, or connections of the principal (limits-config.ts). */
export const CLOSE_TOO_MANY = 4429;

/** What of the connection's socket this needs (`ws`'s WebSocket). */
export interface ClosableSocket {
  close(code?: number, reason?: string): void;
}

/** A subscribe as the client sent it: authorized again whenever the connection's policies change. */
export interface SubscribePayload {
  query: string;
  operationName?: string | null;
  variables?: Readonly<Record<string, unknown>> | null;
}

export interface ConnectionAuth {
  /** Renewed every `SOCKET_RECHECK_MS`: new subscribes and each event's filter see the principal's current policies. */
  request: AuthenticatedRequest;
  /** The running subscriptions by id (the server adds and removes them). */
  subscriptions: Map<string, SubscribePayload>;
  /** Stops the re-checks (the socket closed). */
  stop(): void;
}

/** Close code of a connection whose principal lost the right to one of its running subscriptions (as HTTP's 403). */
export const CLOSE_FORBIDDEN = 4403;

/**
 * How often an open connection's token is authenticated again. Through the gateway's caching authenticator
 * (5 s), a revoked token or a detached policy takes effect on a socket within about the time it takes on HTTP.
 */
export const SOCKET_RECHECK_MS = 1_000;

// A WebSocket close reason is at most 123 bytes.
const closeReason = (message: string): string => (Buffer.byteLength(message) <= 123 ? message : `${Buffer.from(message).subarray(0, 120).toString()}…`);

/**
 * The connection's token: `authorization` in the connectionInit payload (`{ authorization: 'Bearer …' }`),
 * else the upgrade request's header. Refused → the socket closes with 4401 (or 4503) and a short reason;
 * the connection closes too when the token expires.
 */
export async function authenticateConnection(
  auth: GatewayAuth,
  params: Readonly<Record<string, unknown>> | undefined,
  request: IncomingMessage,
  socket: ClosableSocket,
  /** The schema subscriptions are authorized against, again when the policies change. */
  schema: GraphQLSchema,
): Promise<ConnectionAuth | undefined> {
  const param = params?.authorization ?? params?.Authorization;
  // A token in the payload or the header (API clients), else the dashboard's session cookie, only on a handshake from
  // the gateway's own origin (a page of another site could open the socket, and its browser would send the cookie).
  const fromSession = typeof param !== 'string' && request.headers.authorization === undefined && isSameOrigin(request) ? sessionIdOf(request) : undefined;
  // A session is read from the store at the handshake and at every re-check: a sign-out on any gateway closes the socket.
  const credential = async (): Promise<string | undefined> => {
    if (fromSession === undefined) return typeof param === 'string' ? param : request.headers.authorization;
    const token = await auth.sessions.tokenOf(fromSession);
    return token === undefined ? undefined : `Bearer ${token}`;
  };
  const origin = originOf(request);
  // A connection attempt is a request of the address like any other; the re-checks below are not.
  const over = auth.admission.address(origin, 'graphql-ws');
  if (over) {
    socket.close(CLOSE_TOO_MANY, closeReason(over.message));
    return undefined;
  }
  let authorization: string | undefined;
  try {
    authorization = await credential();
  } catch (error) {
    auth.log(`gateway: the browser sessions could not be read for a graphql-ws handshake: ${error instanceof Error ? error.message : String(error)}`);
    socket.close(CLOSE_AUTHENTICATION_UNAVAILABLE, 'the sessions cannot be read right now; try again');
    return undefined;
  }
  const answer = await auth.authenticate(authorization, origin, 'graphql-ws');
  if (!answer.ok) {
    socket.close(answer.status === 401 ? CLOSE_UNAUTHENTICATED : CLOSE_AUTHENTICATION_UNAVAILABLE, closeReason(answer.message));
    return undefined;
  }
  const opened = auth.admission.connections.connect(answer.request.auth.principal);
  if (!opened.ok) {
    auth.admission.refuse({ code: 'TOO_MANY_CONNECTIONS', surface: 'graphql-ws', reason: 'over SLUICE_WS_MAX_CONNECTIONS_PER_PRINCIPAL', message: opened.message }, origin, answer.request.auth.principal);
    socket.close(CLOSE_TOO_MANY, closeReason(opened.message));
    return undefined;
  }
  // Released when the socket closes, however it closes (the server's onClose stops the connection too).
  (socket as Partial<{ once(event: 'close', listener: () => void): unknown }>).once?.('close', opened.release);
  const connection: ConnectionAuth = { request: answer.request, subscriptions: new Map(), stop: () => undefined };
  let closed = false;
  const close = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    connection.stop();
    socket.close(code, closeReason(reason));
  };
  const timers: NodeJS.Timeout[] = [];
  connection.stop = () => {
    timers.forEach((timer) => clearTimeout(timer));
    opened.release();
  };
  const expiresIn = answer.request.auth.expiresAt.getTime() - Date.now();
  // setTimeout's limit is ~24.8 days; a token living longer is caught by the re-checks when it expires.
  if (expiresIn < 2 ** 31 - 1) timers.push(setTimeout(() => close(CLOSE_UNAUTHENTICATED, 'Unauthenticated: the token expired'), Math.max(0, expiresIn)).unref());
  let checking = false;
  timers.push(
    setInterval(() => {
      if (checking || closed) return;
      checking = true;
      // A session's socket follows its session: signed out elsewhere, it closes at the next check.
      // A store that does not answer changes nothing (as a silent permissions service): the next check asks again.
      void credential()
        .then((current) => recheck(auth, schema, current, connection, close))
        .catch(() => undefined)
        .finally(() => void (checking = false));
    }, SOCKET_RECHECK_MS).unref(),
  );
  return connection;
}

/**
 * One re-check of an open connection: a token that no longer authenticates closes it (4401); renewed
 * policies replace the old ones, and when they changed, every running subscription is authorized again —
 * one that is no longer allowed closes the connection (4403), so the client's resubscribe meets the refusal.
 * A permissions service that does not answer changes nothing (the next check tries again).
 */
async function recheck(auth: GatewayAuth, schema: GraphQLSchema, authorization: string | undefined, connection: ConnectionAuth, close: (code: number, reason: string) => void): Promise<void> {
  const origin = { ...connection.request.origin, requestId: randomUUID(), time: new Date() };
  const answer = await auth.authenticate(authorization, origin);
  if (!answer.ok) {
    if (answer.status === 401) close(CLOSE_UNAUTHENTICATED, answer.message);
    return;
  }
  const before = policiesOf(connection.request);
  connection.request = { ...answer.request, origin: connection.request.origin };
  if (policiesOf(connection.request) === before) return;
  const { principal } = connection.request.auth;
  for (const payload of connection.subscriptions.values()) {
    const refusal = (await authorizeSubscribePayload(auth, schema, principal, payload, origin).catch(() => undefined))?.refusals[0];
    if (refusal) return close(CLOSE_FORBIDDEN, refusal.message);
  }
}

/** The one authorization of a subscribe's document, at subscribe and again when the principal's policies change. */
function authorizeSubscribePayload(auth: GatewayAuth, schema: GraphQLSchema, principal: AuthenticatedRequest['auth']['principal'], payload: SubscribePayload, origin: AuthenticatedRequest['origin']) {
  return authorizeOperation({
    schema,
    document: parse(payload.query),
    operationName: payload.operationName,
    variableValues: payload.variables,
    principal,
    lookup: { pipelineOfExecution: (id) => auth.pipelineOfExecution(principal.account, id) },
    context: contextOf(origin),
  });
}

const policiesOf = (request: AuthenticatedRequest): string => JSON.stringify([request.auth.principal.policies, request.auth.principal.sessionPolicy ?? null]);

/** Subscribes being authorized on a connection: counted with the running ones against the limit. */
const starting = new WeakMap<ConnectionAuth, number>();

/** A subscribe over the connection's subscription limit, or whose document is over the GraphQL limits (as on HTTP). */
function subscribeLimitRefusal(auth: GatewayAuth, connection: ConnectionAuth, payload: SubscribePayload): { code: 'TOO_MANY_SUBSCRIPTIONS' | 'QUERY_TOO_COMPLEX'; reason: string; error: GraphQLError } | undefined {
  const problem = auth.admission.connections.subscriptionProblem(connection.subscriptions.size + (starting.get(connection) ?? 0));
  if (problem) {
    return { code: 'TOO_MANY_SUBSCRIPTIONS', reason: 'over SLUICE_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION', error: new GraphQLError(problem, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }) };
  }
  const limits = auth.admission.limits.graphql;
  let refusal = queryBytesRefusal(payload.query, limits);
  if (!refusal) {
    try {
      refusal = complexityRefusal(parse(payload.query), limits, { variables: payload.variables ?? null });
    } catch {
      return undefined; // a syntax error: graphql-ws reports it
    }
  }
  if (!refusal) return undefined;
  const { http: _status, ...extensions } = refusal.extensions;
  return { code: 'QUERY_TOO_COMPLEX', reason: `over ${GRAPHQL_LIMIT_VARIABLES[refusal.extensions.limit as GraphQLLimitName]}`, error: new GraphQLError(refusal.message, { extensions }) };
}

/** Authorizes a subscribe like any operation (and audits it); refusals go back as the subscription's errors. */
export async function authorizeSubscribe(
  auth: GatewayAuth,
  connection: ConnectionAuth,
  schema: GraphQLSchema,
  payload: { query: string; operationName?: string | null; variables?: Readonly<Record<string, unknown>> | null },
): Promise<readonly GraphQLError[] | undefined> {
  const { principal } = connection.request.auth;
  const origin = { ...connection.request.origin, requestId: randomUUID(), time: new Date() };
  const limited = subscribeLimitRefusal(auth, connection, payload);
  if (limited) {
    auth.admission.refuse({ code: limited.code, surface: 'graphql-ws', reason: limited.reason, message: limited.error.message }, origin, principal);
    return [limited.error];
  }
  starting.set(connection, (starting.get(connection) ?? 0) + 1);
  let authorization;
  try {
    authorization = await authorizeSubscribePayload(auth, schema, principal, payload, origin);
  } catch (error) {
    // Parse and validation errors are graphql-ws's to report: let it validate.
    if (error instanceof GraphQLError && error.extensions.code !== 'BAD_USER_INPUT') return undefined;
    if (error instanceof GraphQLError) return [error];
    return undefined;
  } finally {
    starting.set(connection, (starting.get(connection) ?? 1) - 1);
  }
  const results = new Map<string, AuditResult>(
    authorization.refusals.length > 0 ? authorization.calls.map((call) => [call.responseKey, { status: 'failed', errorCode: 'FORBIDDEN' }]) : [],
  );
  await auth.recorder.recordCalls(principal, authorization.calls, results, origin);
  return authorization.refusals.length > 0 ? authorization.refusals : undefined;
}
