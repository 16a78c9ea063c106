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

export interface ConnectionAuth {
  request: AuthenticatedRequest;
}

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
): Promise<ConnectionAuth | undefined> {
  const param = params?.authorization ?? params?.Authorization;
  const authorization = typeof param === 'string' ? param : request.headers.authorization;
  const answer = await auth.authenticate(authorization, originOf(request));
  if (!answer.ok) {
    socket.close(answer.status === 401 ? CLOSE_UNAUTHENTICATED : CLOSE_AUTHENTICATION_UNAVAILABLE, closeReason(answer.message));
    return undefined;
  }
  const expiresIn = answer.request.auth.expiresAt.getTime() - Date.now();
  // setTimeout's limit is ~24.8 days; a token living longer is checked again when it is reused after a reconnect.
  if (expiresIn < 2 ** 31 - 1) {
    const timer = setTimeout(() => socket.close(CLOSE_UNAUTHENTICATED, 'Unauthenticated: the token expired'), Math.max(0, expiresIn));
    timer.unref();
  }
  return { request: answer.request };
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
