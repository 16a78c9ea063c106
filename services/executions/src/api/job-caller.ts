import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ACCOUNT_HEADER, callerFromHeaders } from '@sluice/graphql-service';
import { PLATFORM_WORKER, workerOfAccount, type JobCaller } from '../application/job-worker-api';

/**
 * Who calls the job API over GraphQL. Through the gateway the account header is always there (set from the
 * token, decision 0021), so a worker sees and reports only its account's jobs. Without it, the caller reached
 * the subgraph itself (behind SLUICE_INTERNAL_SECRET): the platform's own worker, serving every account.
 */
export function jobCallerFromHeaders(headers: IncomingHttpHeaders): JobCaller {
  return headers[ACCOUNT_HEADER] === undefined ? PLATFORM_WORKER : workerOfAccount(callerFromHeaders(headers).account);
}

/** The resolver parameter holding the job API's caller. */
export const JobCallerOf = createParamDecorator((_data: unknown, context: ExecutionContext): JobCaller => {
  const { req } = GqlExecutionContext.create(context).getContext<{ req: IncomingMessage }>();
  return jobCallerFromHeaders(req.headers);
});
