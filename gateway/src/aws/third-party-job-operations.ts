import { createHash } from 'node:crypto';
import type { AwsCall, AwsOperation } from './aws-endpoint';
import { AwsError, validationException } from './aws-errors';
import { compact, optionalString, requiredObject, requiredString, type Json } from './aws-members';
import type { AwsGraphql } from './gateway-graphql';
import { JOB_DATA, jobDataOf } from './job-data';

/**
 * CodePipeline's third-party job calls (issue 19, decision 0042) over Sluice's one job queue: the jobs of actions
 * whose owner is `ThirdParty` (a partner's type the account registered with `owner: ThirdParty`). The executions
 * service binds a job to the client token it is acknowledged with and refuses any other (INVALID_CLIENT_TOKEN →
 * InvalidClientTokenException); the calls are authorized as the other job calls, at the job's action type
 * (`actiontype/ThirdParty/...`, decision 0029).
 */

/** AWS's ClientToken: 1 to 256 characters. */
function clientTokenOf(input: Json): string {
  const token = requiredString(input, 'clientToken');
  if (token.length > 256) throw validationException([{ path: 'clientToken', value: token, constraint: 'Member must have length less than or equal to 256' }]);
  return token;
}

/** The third-party type polled: CodePipeline's ActionTypeId, owned by ThirdParty. */
function thirdPartyTypeOf(input: Json): Json {
  const id = requiredObject(input, 'actionTypeId');
  for (const key of ['category', 'owner', 'provider', 'version']) requiredString(id, key);
  if (id.owner !== 'ThirdParty') {
    throw validationException([{ path: 'actionTypeId.owner', value: id.owner, constraint: 'Member must be ThirdParty: PollForJobs serves the other owners' }]);
  }
  return { category: id.category, owner: id.owner, provider: id.provider, version: id.version };
}

/**
 * The `clientId` a poll names with each job: which registration of the partner's type in the account the job is for,
 * as a name-based UUID of the account and the type, so a worker sees the same id for every job of one registration.
 */
export function clientIdOf(account: string, type: Json): string {
  const hex = createHash('sha256').update(`${account}/${type.owner}/${type.category}/${type.provider}/${type.version}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const accountOf = (call: AwsCall): string => call.auth.principal.account;

export function thirdPartyJobOperations(graphql: AwsGraphql): Record<string, AwsOperation> {
  return {
    async PollForThirdPartyJobs(input, call) {
      const batch = input.maxBatchSize ?? 1;
      if (typeof batch !== 'number' || !Number.isInteger(batch) || batch < 1) throw validationException([{ path: 'maxBatchSize', value: batch, constraint: 'Member must have value greater than or equal to 1' }]);
      const type = thirdPartyTypeOf(input);
      const { pollForJobs } = await graphql(call, 'mutation($t: ActionTypeIdInput!, $n: Int) { pollForJobs(actionTypeId: $t, maxBatchSize: $n, waitMs: 0) { id } }', { t: type, n: batch });
      if ((pollForJobs as Json[]).length === 0) {
        // As CodePipeline: no job of a type the account has not registered is "no such type", not "none yet".
        const listed = await graphql(call, 'query { listActionTypes(owner: ThirdParty, includeDeleted: true) { id { category owner provider version } } }', {}).catch(notForbidden);
        const same = (id: Json) => ['category', 'owner', 'provider', 'version'].every((key) => id[key] === type[key]);
        if (listed && !(listed.listActionTypes as Json[]).some((registered) => same(registered.id))) {
          throw new AwsError('ActionTypeNotFoundException', `The third-party action type ${type.category}/ThirdParty/${type.provider}/${type.version} is not registered in this account.`);
        }
      }
      return { jobs: (pollForJobs as Json[]).map((job) => ({ clientId: clientIdOf(accountOf(call), type), jobId: job.id })) };
    },

    async GetThirdPartyJobDetails(input, call) {
      const { getJobDetails } = await graphql(call, `query($id: ID!, $token: String) { getJobDetails(jobId: $id, clientToken: $token) { id nonce ${JOB_DATA} } }`, {
        id: requiredString(input, 'jobId'),
        token: clientTokenOf(input),
      });
      return { jobDetails: compact({ id: getJobDetails.id, data: jobDataOf(getJobDetails.data), nonce: getJobDetails.nonce }) };
    },

    async AcknowledgeThirdPartyJob(input, call) {
      const { acknowledgeJob } = await graphql(call, 'mutation($id: ID!, $nonce: String!, $token: String) { acknowledgeJob(jobId: $id, nonce: $nonce, clientToken: $token) { status } }', {
        id: requiredString(input, 'jobId'),
        nonce: requiredString(input, 'nonce'),
        token: clientTokenOf(input),
      });
      return { status: acknowledgeJob.status };
    },

    async PutThirdPartyJobSuccessResult(input, call) {
      const details = (input.executionDetails ?? undefined) as Json | undefined;
      await graphql(
        call,
        'mutation($id: ID!, $details: ExecutionDetailsInput, $continuation: String, $token: String) { putJobSuccessResult(jobId: $id, executionDetails: $details, continuationToken: $continuation, clientToken: $token) }',
        {
          id: requiredString(input, 'jobId'),
          details: details ? compact({ summary: details.summary, externalExecutionId: details.externalExecutionId }) : null,
          continuation: optionalString(input, 'continuationToken') ?? null,
          token: clientTokenOf(input),
        },
      );
      return {};
    },

    async PutThirdPartyJobFailureResult(input, call) {
      const failure = requiredObject(input, 'failureDetails');
      await graphql(call, 'mutation($id: ID!, $failure: FailureDetailsInput!, $token: String) { putJobFailureResult(jobId: $id, failureDetails: $failure, clientToken: $token) }', {
        id: requiredString(input, 'jobId'),
        failure: compact({ type: requiredString(failure, 'type'), message: requiredString(failure, 'message'), externalExecutionId: failure.externalExecutionId }),
        token: clientTokenOf(input),
      });
      return {};
    },
  };
}

/** A worker allowed to poll but not to list action types is not refused for asking: the existence check is skipped. */
function notForbidden(error: unknown): undefined {
  if (error instanceof AwsError && error.type === 'AccessDeniedException') return undefined;
  throw error;
}
