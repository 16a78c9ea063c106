import { ConflictError, IllegalStateError, NotFoundError } from '../errors';
import type { ErrorCode } from '@sluice/domain';
import { deciderSpec } from '@sluice/domain/testing';
import { jobSpec, metadataAt } from '../testing/fixtures';
import type { JobCommand } from './job-commands';
import { jobDecider } from './job-decider';
import { type JobEvent, emptyJobSuccess, type JobSpec } from '@sluice/contracts';

const given = deciderSpec(jobDecider(), undefined);
const at = (seconds: number) => new Date(Date.parse('2026-03-01T10:00:00.000Z') + seconds * 1000).toISOString();
const thirdParty: JobSpec = jobSpec({ actionTypeId: { category: 'Deploy', owner: 'ThirdParty', provider: 'Partner', version: '1' }, deadline: at(3600) });
const builtIn: JobSpec = jobSpec({ deadline: at(3600) });
const created = (spec: JobSpec): JobEvent => ({ type: 'JobCreated', data: { spec, createdAt: at(0) } });
const dispatched: JobEvent = { type: 'JobDispatched', data: { jobId: 'j1', nonce: 'n1', workerId: 'w1', leaseExpiresAt: at(61), at: at(1) } };
const boundTo = (token: string): JobEvent => ({ type: 'JobAcknowledged', data: { jobId: 'j1', nonce: 'n1', leaseExpiresAt: at(3600), at: at(2), clientTokenSha256: token } });
const ack = (token?: string): JobCommand => ({ type: 'AcknowledgeJob', jobId: 'j1', nonce: 'n1', ...(token ? { clientTokenSha256: token } : {}), metadata: metadataAt(at(2)) });
const success = (token?: string): JobCommand => ({ type: 'PutJobSuccessResult', jobId: 'j1', result: emptyJobSuccess(), claims: null, ...(token ? { clientTokenSha256: token } : {}), metadata: metadataAt(at(3)) });
const failure = (token?: string): JobCommand => ({
  type: 'PutJobFailureResult',
  jobId: 'j1',
  failure: { type: 'JobFailed', message: 'no', externalExecutionId: null },
  ...(token ? { clientTokenSha256: token } : {}),
  metadata: metadataAt(at(3)),
});

describe('third-party jobs are bound to the client token they are acknowledged with', () => {
  it('the acknowledgement binds the token, and the job is the worker\'s until the action\'s deadline (a third party does not heartbeat)', () =>
    given([created(thirdParty), dispatched]).when(ack('t-a')).then([boundTo('t-a')]));

  it('the bound token reports the result', () =>
    given([created(thirdParty), dispatched, boundTo('t-a')]).when(success('t-a')).then([{ type: 'JobSucceeded', data: { jobId: 'j1', result: emptyJobSuccess(), at: at(3) } }]));

  it('the same acknowledgement again changes nothing', () => given([created(thirdParty), dispatched, boundTo('t-a')]).when(ack('t-a')).thenNothingHappened());

  it('an acknowledgement of a job of another owner keeps the heartbeat lease and no token', () =>
    given([created(builtIn), dispatched]).when(ack()).then([{ type: 'JobAcknowledged', data: { jobId: 'j1', nonce: 'n1', leaseExpiresAt: at(302), at: at(2) } }]));

  const refused: Array<[string, JobEvent[], JobCommand, abstract new (...args: never[]) => Error, ErrorCode]> = [
    ['an acknowledgement without a token', [created(thirdParty), dispatched], ack(), ConflictError, 'INVALID_CLIENT_TOKEN'],
    ['an acknowledgement with another token once bound', [created(thirdParty), dispatched, boundTo('t-a')], ack('t-b'), ConflictError, 'INVALID_CLIENT_TOKEN'],
    ['a success with another token', [created(thirdParty), dispatched, boundTo('t-a')], success('t-b'), ConflictError, 'INVALID_CLIENT_TOKEN'],
    ['a failure with another token', [created(thirdParty), dispatched, boundTo('t-a')], failure('t-b'), ConflictError, 'INVALID_CLIENT_TOKEN'],
    ['a result without a token (the plain job calls)', [created(thirdParty), dispatched, boundTo('t-a')], success(), ConflictError, 'INVALID_CLIENT_TOKEN'],
    ['a heartbeat (no third-party call sends one)', [created(thirdParty), dispatched, boundTo('t-a')], { type: 'RecordJobHeartbeat', jobId: 'j1', nonce: 'n1', metadata: metadataAt(at(5)) }, ConflictError, 'INVALID_CLIENT_TOKEN'],
    ['a result before the acknowledgement', [created(thirdParty), dispatched], success('t-a'), IllegalStateError, 'INVALID_JOB_STATE'],
    ['a token presented for a job of another owner: no such third-party job', [created(builtIn), dispatched], ack('t-a'), NotFoundError, 'JOB_NOT_FOUND'],
  ];
  it.each(refused)('refuses %s', (_, events, command, error, code) => given(events).when(command).thenThrows(error, (thrown) => expect(thrown).toMatchObject({ code })));
});
