import type { IncomingMessage } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { callerFromHeaders, TOKEN_ID_HEADER } from '@sluice/graphql-service';
import type { Caller } from '../application/caller';

// The caller of a request, read from the headers the gateway sets. Kept in the API layer so the application
// layer (and tests driving it in-process) does not load NestJS, which jest cannot require (ESM-only).

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

export function callerOf(request: IncomingMessage): Caller {
  const forwardedFor = header(request, 'x-forwarded-for')?.split(',')[0]?.trim();
  const { account, actor, principal } = callerFromHeaders(request.headers);
  return {
    account,
    actor,
    principalId: principal ?? null,
    tokenId: header(request, TOKEN_ID_HEADER),
    sourceIp: forwardedFor || request.socket.remoteAddress || null,
    userAgent: header(request, 'user-agent'),
  };
}

/** The resolver parameter holding the request's caller, with the principal headers. */
export const PermissionsCallerOf = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const { req } = GqlExecutionContext.create(context).getContext<{ req: IncomingMessage }>();
  return callerOf(req);
});
