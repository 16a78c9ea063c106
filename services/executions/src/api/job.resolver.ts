import type { IncomingMessage } from 'node:http';
import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ValidationError, type ActionTypeId } from '@sluice/domain';

/** Action types one pollForAnyJobs may name: every built-in type with room to spare. */
const MAX_POLLED_TYPES = 64;
import type { JobCaller, JobFailureInput } from '../application/job-worker-api';
import { JobCallerOf, jobCallerFromHeaders } from './job-caller';
import { jobSuccessInput, type PutJobSuccessResultArgs } from './job-inputs';
import { jobDetailsOutput, jobOutput } from './job-output';
import { pollBatchSize, pollWaitMs } from './request-limits';
import { SHUTDOWN_SIGNAL } from './tokens';
import { EXECUTIONS_APPLICATION, type ExecutionsApplication } from '../executions-service';

/**
 * The job-worker protocol over GraphQL: what the built-in worker and custom workers in any language call.
 * Every call names its caller (job-caller.ts): another account's job answers as an unknown one.
 */
@Resolver()
export class JobResolver {
  constructor(
    @Inject(EXECUTIONS_APPLICATION) private readonly app: ExecutionsApplication,
    @Inject(SHUTDOWN_SIGNAL) private readonly shutdown: AbortSignal,
  ) {}

  @Mutation('pollForJobs')
  async pollForJobs(
    @Context('req') req: IncomingMessage,
    @Args('actionTypeId') actionTypeId: ActionTypeId,
    @Args('maxBatchSize') maxBatchSize?: number | null,
    @Args('waitMs') waitMs?: number | null,
  ) {
    // Without the header a worker serves every account (the platform's built-in worker); with it, its account's jobs only.
    const caller = jobCallerFromHeaders(req.headers);
    const account = caller.kind === 'Account' ? caller.account : null;
    const batchSize = pollBatchSize(maxBatchSize);
    const wait = pollWaitMs(waitMs);
    // A worker that hangs up stops waiting: a job dispatched to a closed connection would wait out its ack lease.
    const hungUp = new AbortController();
    const onClose = () => hungUp.abort();
    req.socket.once('close', onClose);
    try {
      const jobs = await this.app.jobs.pollForJobs(actionTypeId, batchSize, { waitMs: wait, account, signal: AbortSignal.any([hungUp.signal, this.shutdown]) });
      return jobs.map(jobOutput);
    } finally {
      req.socket.off('close', onClose);
    }
  }

  @Mutation('pollForAnyJobs')
  async pollForAnyJobs(
    @Context('req') req: IncomingMessage,
    @Args('actionTypeIds') actionTypeIds: ActionTypeId[],
    @Args('maxBatchSize') maxBatchSize?: number | null,
    @Args('waitMs') waitMs?: number | null,
  ) {
    if (actionTypeIds.length === 0 || actionTypeIds.length > MAX_POLLED_TYPES) {
      throw new ValidationError([{ path: '$.actionTypeIds', code: 'invalid_length', message: `actionTypeIds must name 1 to ${MAX_POLLED_TYPES} action types, not ${actionTypeIds.length}.` }]);
    }
    const caller = jobCallerFromHeaders(req.headers);
    const account = caller.kind === 'Account' ? caller.account : null;
    const hungUp = new AbortController();
    const onClose = () => hungUp.abort();
    req.socket.once('close', onClose);
    try {
      const jobs = await this.app.jobs.pollForAnyJobs(actionTypeIds, pollBatchSize(maxBatchSize), { waitMs: pollWaitMs(waitMs), account, signal: AbortSignal.any([hungUp.signal, this.shutdown]) });
      return jobs.map(jobOutput);
    } finally {
      req.socket.off('close', onClose);
    }
  }

  @Mutation('acknowledgeJob')
  acknowledgeJob(@JobCallerOf() caller: JobCaller, @Args('jobId') jobId: string, @Args('nonce') nonce: string, @Args('clientToken') clientToken?: string | null) {
    return this.app.jobs.acknowledgeJob(jobId, nonce, withClientToken(caller, clientToken));
  }

  @Mutation('heartbeat')
  heartbeat(@JobCallerOf() caller: JobCaller, @Args('jobId') jobId: string, @Args('nonce') nonce: string) {
    return this.app.jobs.heartbeat(jobId, nonce, caller);
  }

  @Mutation('releaseJob')
  releaseJob(@JobCallerOf() caller: JobCaller, @Args('jobId') jobId: string, @Args('nonce') nonce: string, @Args('reason') reason: string | null) {
    return this.app.jobs.releaseJob(jobId, nonce, reason ?? 'the worker gave it back', caller);
  }

  @Mutation('putJobSuccessResult')
  async putJobSuccessResult(@JobCallerOf() caller: JobCaller, @Args('jobId') jobId: string, @Args() args: PutJobSuccessResultArgs) {
    await this.app.jobs.putJobSuccessResult(jobId, jobSuccessInput(args), withClientToken(caller, args.clientToken));
    return true;
  }

  @Mutation('putJobFailureResult')
  async putJobFailureResult(
    @JobCallerOf() caller: JobCaller,
    @Args('jobId') jobId: string,
    @Args('failureDetails') failureDetails: JobFailureInput,
    @Args('clientToken') clientToken?: string | null,
  ) {
    await this.app.jobs.putJobFailureResult(jobId, failureDetails, withClientToken(caller, clientToken));
    return true;
  }

  @Query('getJobDetails')
  async getJobDetails(@JobCallerOf() caller: JobCaller, @Args('jobId') jobId: string, @Args('clientToken') clientToken?: string | null) {
    return jobDetailsOutput(await this.app.jobs.getJobDetails(jobId, withClientToken(caller, clientToken)));
  }
}

/**
 * A third-party call's client token goes with its caller. Only a worker of an account calls third-party jobs: the
 * platform's own worker serves the built-in types, so a token it sends is refused as a job of no account would be.
 */
function withClientToken(caller: JobCaller, clientToken: string | null | undefined): JobCaller {
  if (clientToken === undefined || clientToken === null) return caller;
  if (clientToken.length === 0 || clientToken.length > 256) {
    throw new ValidationError([{ path: '$.clientToken', code: 'invalid_length', message: 'clientToken must be 1 to 256 characters.' }]);
  }
  if (caller.kind !== 'Account') throw new ValidationError([{ path: '$.clientToken', code: 'not_allowed', message: "The platform's own worker serves no third-party jobs." }]);
  return { ...caller, clientToken };
}
