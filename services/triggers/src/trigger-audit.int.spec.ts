import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AUDIT_STREAM_PREFIX, auditRecordOf, fixedAuditChainKey, verifyAuditChain } from '@sluice/authz';
import { TEST_AUDIT_KEY } from '@sluice/authz/testing';
import type { PipelineDeclaration } from '@sluice/domain';
import { openEmbeddedEventStore, type EventStore } from '@sluice/eventing';
import type { StartExecutionPort, TriggerablePipeline, TriggeredStartInput } from '@sluice/triggers';
import { storeTriggerAudit, webhookRoute } from './trigger-components';

// Webhook starts go into the account's audit trail as the webhook, before the start, on a real (PGlite) store.
const SECRET = 'a-webhook-secret-of-32-characters';
const REPOSITORY = 'https://git.example.com/acme/app.git';
let store: EventStore;
let server: Server;
let url: string;
let appendsFail = false;
const starts: TriggeredStartInput[] = [];

const declaration: PipelineDeclaration = {
  name: 'app',
  stages: [
    { name: 'Source', actions: [{ name: 'Checkout', actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' }, configuration: { RepositoryUrl: REPOSITORY, BranchName: 'main' }, outputArtifacts: [{ name: 'src' }] }] },
  ],
};
const pipelines: TriggerablePipeline[] = [{ account: 'acme', name: 'app', declaration }];

beforeAll(async () => {
  const real = await openEmbeddedEventStore({ dataDir: 'memory' });
  // The trail's storage, failing on demand.
  store = new Proxy(real, {
    get: (target, property) => {
      if (property === 'append' && appendsFail) return () => Promise.reject(new Error('the audit store is unavailable'));
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  const start: StartExecutionPort = async (_caller, input) => {
    // The attempt is in the store before the start happens.
    const trail = (await real.readStream(`${AUDIT_STREAM_PREFIX}acme`)).map(auditRecordOf);
    if (!trail.some((record) => record.result.status === 'attempted' && record.requestParameters.triggerDetail === input.trigger.triggerDetail)) throw new Error('started unaudited');
    starts.push(input);
    return { pipelineExecutionId: `exec-${starts.length}` };
  };
  const route = webhookRoute({
    secrets: { lookup: async (id) => (id === 'hook' ? { account: 'acme', secret: SECRET } : undefined) },
    pipelines: { listPipelines: async () => pipelines },
    start,
    audit: storeTriggerAudit(store, { key: fixedAuditChainKey(TEST_AUDIT_KEY) }),
    log: () => undefined,
  });
  server = createServer((req, res) => void route.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await store?.close();
});

function deliver(commitId: string, deliveryId: string) {
  const body = JSON.stringify({ repositoryUrl: REPOSITORY, ref: 'refs/heads/main', commitId });
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex');
  return fetch(`${url}/webhooks/generic/hook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'release-bot/2', 'x-sluice-timestamp': String(timestamp), 'x-sluice-signature': `sha256=${signature}`, 'x-sluice-delivery': deliveryId },
    body,
  });
}

it('records a webhook start as trigger:webhook/{id}, with the pipeline, the commit and the address, before it happens', async () => {
  const commitId = 'a'.repeat(40);
  expect((await deliver(commitId, 'd-1')).status).toBe(200);
  const trail = (await store.readStream(`${AUDIT_STREAM_PREFIX}acme`)).map(auditRecordOf);
  expect(trail.map((record) => record.result.status)).toEqual(['attempted', 'succeeded']);
  const [attempt, outcome] = trail;
  expect(attempt).toMatchObject({
    principal: { id: 'trigger:webhook/hook', account: 'acme' },
    viaRole: null,
    operation: 'sluice:StartPipelineExecution',
    resource: 'srn:sluice:acme:app',
    requestParameters: { name: 'app', trigger: { kind: 'webhook', webhookId: 'hook', provider: 'generic', deliveryId: 'd-1' }, sourceRevisions: [{ actionName: 'Checkout', revisionValue: commitId }] },
    decision: 'Allow',
    sourceIp: expect.stringMatching(/127\.0\.0\.1/),
    userAgent: 'release-bot/2',
  });
  expect(outcome).toMatchObject({ resultOf: attempt!.id, requestId: attempt!.requestId, requestParameters: { pipelineExecutionId: 'exec-1' } });
  expect(verifyAuditChain(trail, { key: TEST_AUDIT_KEY })).toEqual({ ok: true, count: 2 });
});

it('starts nothing when the attempt cannot be recorded, and answers 500 so the provider redelivers', async () => {
  appendsFail = true;
  let answer: Response;
  try {
    answer = await deliver('b'.repeat(40), 'd-2');
  } finally {
    appendsFail = false;
  }
  expect(answer.status).toBe(500);
  expect(await answer.json()).toMatchObject({ failed: [{ pipelineName: 'app', error: 'the audit store is unavailable' }] });
  expect(starts).toHaveLength(1);
  expect((await deliver('b'.repeat(40), 'd-2')).status).toBe(200);
  expect(starts.map((start) => start.sourceRevisions[0]!.revisionValue)).toEqual(['a'.repeat(40), 'b'.repeat(40)]);
});
