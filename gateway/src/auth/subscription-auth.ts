/// <reference path="../types/ws.d.ts" />
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import type { AuditResult } from '@sluice/authz';
import { authorizeOperation } from './authorize-operation';
import { contextOf, originOf, type AuthenticatedRequest, type GatewayAuth } from './gateway-auth';

/** Close codes of a refused graphql-ws connection: as HTTP's 401 and 503, in the 4xxx range graphql-ws leaves to servers. */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_AUTHENTICATION_UNAVAILABLE = 4503;

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
  const authorization = typeof param === 'string' ? param : request.headers.authorization;
  const answer = await auth.authenticate(authorization, originOf(request));
  if (!answer.ok) {
    socket.close(answer.status === 401 ? CLOSE_UNAUTHENTICATED : CLOSE_AUTHENTICATION_UNAVAILABLE, closeReason(answer.message));
    return undefined;
  }
  const connection: ConnectionAuth = { request: answer.request, subscriptions: new Map(), stop: () => undefined };
  let closed = false;
  const close = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    connection.stop();
    socket.close(code, closeReason(reason));
  };
  const timers: NodeJS.Timeout[] = [];
  connection.stop = () => timers.forEach((timer) => clearTimeout(timer));
  const expiresIn = answer.request.auth.expiresAt.getTime() - Date.now();
  // setTimeout's limit is ~24.8 days; a token living longer is caught by the re-checks when it expires.
  if (expiresIn < 2 ** 31 - 1) timers.push(setTimeout(() => close(CLOSE_UNAUTHENTICATED, 'Unauthenticated: the token expired'), Math.max(0, expiresIn)).unref());
  let checking = false;
  timers.push(
    setInterval(() => {
      if (checking || closed) return;
      checking = true;
      void recheck(auth, schema, authorization, connection, close)
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
    const authorization = await authorizeOperation({
      schema,
      document: parse(payload.query),
      operationName: payload.operationName,
      variableValues: payload.variables,
      principal,
      lookup: { pipelineOfExecution: (id) => auth.pipelineOfExecution(principal.account, id) },
      context: contextOf(origin),
    }).catch(() => undefined);
    const refusal = authorization?.refusals[0];
    if (refusal) return close(CLOSE_FORBIDDEN, refusal.message);
  }
}

const policiesOf = (request: AuthenticatedRequest): string => JSON.stringify([request.auth.principal.policies, request.auth.principal.sessionPolicy ?? null]);

/** Authorizes a subscribe like any operation (and audits it); refusals go back as the subscription's errors. */
export async function authorizeSubscribe(
  auth: GatewayAuth,
  connection: ConnectionAuth,
  schema: GraphQLSchema,
  payload: { query: string; operationName?: string | null; variables?: Readonly<Record<string, unknown>> | null },
): Promise<readonly GraphQLError[] | undefined> {
  const { principal } = connection.request.auth;
  const origin = { ...connection.request.origin, requestId: randomUUID(), time: new Date() };
  let authorization;
  try {
    authorization = await authorizeOperation({
      schema,
      document: parse(payload.query),
      operationName: payload.operationName,
      variableValues: payload.variables,
      principal,
      lookup: { pipelineOfExecution: (id) => auth.pipelineOfExecution(principal.account, id) },
      context: contextOf(origin),
    });
  } catch (error) {
    // Parse and validation errors are graphql-ws's to report: let it validate.
    if (error instanceof GraphQLError && error.extensions.code !== 'BAD_USER_INPUT') return undefined;
    if (error instanceof GraphQLError) return [error];
    return undefined;
  }
  const results = new Map<string, AuditResult>(
    authorization.refusals.length > 0 ? authorization.calls.map((call) => [call.responseKey, { status: 'failed', errorCode: 'FORBIDDEN' }]) : [],
  );
  await auth.recorder.recordCalls(principal, authorization.calls, results, origin);
  return authorization.refusals.length > 0 ? authorization.refusals : undefined;
}
