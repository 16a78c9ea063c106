import type { IncomingMessage } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { callerFromHeaders, type RequestCaller } from './request-caller';

export * from './request-caller';

/** The resolver parameter holding the request's caller. */
export const CallerOf = createParamDecorator((_data: unknown, context: ExecutionContext): RequestCaller => {
  const { req } = GqlExecutionContext.create(context).getContext<{ req: IncomingMessage }>();
  return callerFromHeaders(req.headers);
});
