import { ConflictError, NotFoundError } from '../errors';
import type { JobState } from './job-state';

type CreatedJob = Exclude<JobState, { status: 'NotCreated' }>;

/**
 * CodePipeline's third-party jobs (PollForThirdPartyJobs and the four calls after it): the jobs of actions whose
 * owner is `ThirdParty`. Such a job is bound to the client token it is acknowledged with, and every later call must
 * present that token; the engine keeps the token's SHA-256 only. A call presenting a token names a third-party job:
 * any other job is as unknown to it as a job that never was.
 */
export const isThirdPartyJob = (job: CreatedJob): boolean => job.spec.actionTypeId.owner === 'ThirdParty';

/** The token a call presented (`presented`, its SHA-256; undefined when none) fits the job, or the call is refused. */
export function requireClientToken(job: CreatedJob, presented: string | undefined): void {
  if (!isThirdPartyJob(job)) {
    if (presented !== undefined) throw new NotFoundError('job', job.spec.jobId, `No third-party job '${job.spec.jobId}': the job's action is not owned by ThirdParty.`);
    return;
  }
  if (presented === undefined) {
    throw new ConflictError(`Job '${job.spec.jobId}' is a third-party job: its calls must present the client token it is acknowledged with.`, 'INVALID_CLIENT_TOKEN');
  }
  if (job.status !== 'InProgress' || job.lease.clientTokenSha256 === undefined) return;
  if (job.lease.clientTokenSha256 !== presented) {
    throw new ConflictError(`The client token is not the one job '${job.spec.jobId}' was acknowledged with.`, 'INVALID_CLIENT_TOKEN');
  }
}
