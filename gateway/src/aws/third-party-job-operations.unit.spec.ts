import type { AwsCall } from './aws-endpoint';
import { recordingAwsGraphql } from '../testing/recording-aws-graphql';
import { clientIdOf, thirdPartyJobOperations } from './third-party-job-operations';

function recording(answer: Record<string, unknown> = {}) {
  const { sent, graphql } = recordingAwsGraphql(answer, (_query, variables) => variables);
  return { sent, operations: thirdPartyJobOperations(graphql) };
}
const call = { auth: { principal: { account: 'acme' } } } as unknown as AwsCall;
const partner = { category: 'Deploy', owner: 'ThirdParty', provider: 'Partner', version: '1' };

describe('the third-party job calls', () => {
  it('polls the type and names each job with a clientId of the account and the type', async () => {
    const { sent, operations } = recording({ pollForJobs: [{ id: 'j1' }] });
    const answer = await operations.PollForThirdPartyJobs!({ actionTypeId: partner, maxBatchSize: 2 }, call);
    expect(answer).toEqual({ jobs: [{ clientId: clientIdOf('acme', partner), jobId: 'j1' }] });
    expect(sent[0]).toEqual({ t: partner, n: 2 });
    expect(clientIdOf('acme', partner)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(clientIdOf('globex', partner)).not.toBe(clientIdOf('acme', partner));
  });

  it('passes the client token with every call after the poll', async () => {
    const { sent, operations } = recording({ acknowledgeJob: { status: 'InProgress' }, putJobSuccessResult: true, putJobFailureResult: true });
    await operations.AcknowledgeThirdPartyJob!({ jobId: 'j1', nonce: 'n1', clientToken: 't' }, call);
    await operations.PutThirdPartyJobSuccessResult!({ jobId: 'j1', clientToken: 't', executionDetails: { summary: 'ok' } }, call);
    await operations.PutThirdPartyJobFailureResult!({ jobId: 'j1', clientToken: 't', failureDetails: { type: 'JobFailed', message: 'no' } }, call);
    expect(sent).toEqual([
      { id: 'j1', nonce: 'n1', token: 't' },
      { id: 'j1', details: { summary: 'ok' }, continuation: null, token: 't' },
      { id: 'j1', failure: { type: 'JobFailed', message: 'no' }, token: 't' },
    ]);
  });

  it.each([
    ['PollForThirdPartyJobs', { actionTypeId: { ...partner, owner: 'Custom' } }, "'actionTypeId.owner'"],
    ['PollForThirdPartyJobs', { actionTypeId: partner, maxBatchSize: 0 }, "'maxBatchSize'"],
    ['GetThirdPartyJobDetails', { jobId: 'j1' }, "'clientToken'"],
    ['AcknowledgeThirdPartyJob', { jobId: 'j1', nonce: 'n1', clientToken: 'x'.repeat(257) }, "'clientToken'"],
    ['PutThirdPartyJobFailureResult', { jobId: 'j1', clientToken: 't' }, "'failureDetails'"],
  ])('%s refuses %j by its member, calling nothing', async (operation, given, member) => {
    const { sent, operations } = recording();
    await expect(operations[operation]!(given, call)).rejects.toMatchObject({ type: 'ValidationException', message: expect.stringContaining(member) });
    expect(sent).toEqual([]);
  });
});
