import { randomBytes } from 'node:crypto';
import type { ActionTypeId } from '@sluice/domain';
import { secretStreamId, secretValueBinding, type JobEvent } from '@sluice/contracts';
import { aesGcmMasterKeyCipher } from '@sluice/runtime';
import { auditChainKey, fixedAuditChainKey } from '@sluice/authz';
import { pipeline, stage } from '../domain/testing/fixtures';
import type { ExecutionsEngine } from '../executions-service';
import { startEngineTestEnvironment, type EngineTestEnvironment } from '../testing/engine-test-environment';
import { eventually } from '../testing/eventually';
import type { Caller } from './caller';
import { workerOfAccount } from './job-worker-api';

// Decision 0043 on the engine and the real PostgreSQL store, as a custom worker sees it over the job API: the values are
// put in only in what pollForJobs answers, each use is audited first, and the logs such a worker appends are masked
// by the service even though the worker masks nothing.
const alice: Caller = { account: 'acme', actor: 'alice' };
const custom: ActionTypeId = { category: 'Deploy', owner: 'Custom', provider: 'Shipper', version: '1' };
const cipher = aesGcmMasterKeyCipher(randomBytes(32));
const token = `tok-${randomBytes(8).toString('hex')}`;
let env: EngineTestEnvironment;
let engine: ExecutionsEngine;

/** The secret as the pipelines service writes it (services/pipelines secret-command-handlers.ts). */
async function secret(account: string, name: string, value: string): Promise<void> {
  const at = new Date().toISOString();
  const metadata = { account, actor: 'alice', occurredAt: at };
  const sealedValue = await cipher.seal(value, secretValueBinding(account, name, 1));
  await env.store.append(secretStreamId(account, name), [
    { type: 'SecretCreated', data: { name, description: '', at, by: 'alice' }, metadata },
    { type: 'SecretValuePut', data: { name, version: 1, sealedValue, at, by: 'alice' }, metadata },
  ]);
}

async function publish(name: string, configuration: Record<string, string>, environmentVariables: Array<{ name: string; value: string; type: 'SECRETS_MANAGER' | 'PLAINTEXT' }>) {
  const declaration = pipeline([stage('Deploy', [{ name: 'Ship', actionTypeId: custom, runOrder: 1, configuration, environmentVariables }])], { name, executionMode: 'PARALLEL' });
  const version = await env.publisher.publish(declaration);
  await engine.pipelineCatalog.whenKnown({ account: 'acme', name }, version);
}

beforeAll(async () => {
  env = await startEngineTestEnvironment();
  engine = await env.startEngine({ masterKeyCipher: cipher, auditKey: fixedAuditChainKey(auditChainKey(randomBytes(32))) });
  await secret('acme', 'Token', token);
});

afterAll(async () => {
  await env?.stop();
});

it('hands a custom worker the values with what to mask, audits the use, keeps events clear, and masks what it appends', async () => {
  await publish('ship', { Target: 'https://deploy.example/?t=#{secrets.Token}' }, [{ name: 'TOKEN', value: 'Token', type: 'SECRETS_MANAGER' }]);
  const polling = engine.pollForJobs(custom, 1, { waitMs: 10_000, account: 'acme' });
  const { pipelineExecutionId } = await engine.startPipelineExecution(alice, { name: 'ship' });
  const [job] = await polling;
  expect(job!.data.environmentVariables).toEqual([{ name: 'TOKEN', value: token, type: 'SECRETS_MANAGER' }]);
  expect(job!.data.configuration['Target']).toBe(`https://deploy.example/?t=${token}`);
  expect(job!.masks).toContain(token);

  // What the store holds of the job, and what getJobDetails answers, name the secret only.
  const stored = JSON.stringify((await env.store.readStream(`job-${job!.id}`)).map((event) => event.data));
  expect(stored).toContain('#{secrets.Token}');
  expect(stored).not.toContain(token);
  expect(JSON.stringify(await engine.getJobDetails(job!.id, workerOfAccount('acme')))).not.toContain(token);
  const audit = (await env.store.readAll({})).filter((event) => event.streamId.startsWith('audit-acme') && JSON.stringify(event.data).includes('sluice:UseSecret'));
  expect(audit).toHaveLength(1);
  expect(JSON.stringify(audit[0]!.data)).toContain('srn:sluice:acme:secret/Token');

  await engine.acknowledgeJob(job!.id, job!.nonce, workerOfAccount('acme'));
  const b64 = Buffer.from(token).toString('base64');
  await engine.appendJobLogs(job!.id, job!.nonce, [{ sequence: 0, stream: 'stdout', chunk: `got ${token} and ${b64}\n`, at: new Date().toISOString() }], workerOfAccount('acme'));
  const log = (await engine.actionLogs(alice, pipelineExecutionId)).entries.map((entry) => entry.chunk).join('');
  expect(log).toBe('got *** and ***\n');
});

it('fails the job, naming the secret, when it was deleted since the definition was saved', async () => {
  await secret('acme', 'Gone', 'soon-gone');
  await publish('gone', {}, [{ name: 'G', value: 'Gone', type: 'SECRETS_MANAGER' }]);
  await env.store.append(secretStreamId('acme', 'Gone'), [{ type: 'SecretDeleted', data: { name: 'Gone', at: new Date().toISOString(), by: 'alice' }, metadata: { account: 'acme', actor: 'alice' } }]);
  const { pipelineExecutionId } = await engine.startPipelineExecution(alice, { name: 'gone' });
  expect(await engine.pollForJobs(custom, 1, { waitMs: 1_000, account: 'acme' })).toEqual([]);
  await eventually(async () => (await engine.getPipelineExecution(alice, 'gone', pipelineExecutionId)).status === 'Failed', () => 'the execution to fail');
  const failed = (await env.store.readAll({})).filter((event) => event.streamId.startsWith('job-') && (event as unknown as JobEvent).type === 'JobFailed');
  expect(failed).toHaveLength(1);
  expect(JSON.stringify(failed[0]!.data)).toContain('ConfigurationError');
  expect(JSON.stringify(failed[0]!.data)).toContain('the secret \\"Gone\\" does not exist');
  expect(JSON.stringify(failed[0]!.data)).not.toContain('soon-gone');
});
