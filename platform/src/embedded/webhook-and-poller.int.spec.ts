import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineDeclaration } from '@sluice/domain';
import type { ExecutionsEngine } from '@sluice/executions';
import { startEngineTestEnvironment, type EngineTestEnvironment } from '@sluice/executions/testing';
import {
  createWebhookHandler,
  InMemoryTriggerAuditLog,
  gitLsRemote,
  InMemoryDeliveryLog,
  InMemoryRejectionLog,
  startGitPoller,
  type GitPoller,
  type StartExecutionPort,
  type TriggerablePipeline,
  type WebhookHandler,
} from '@sluice/triggers';
import { commandsStage, commitFile, gitSourceStage, initGitRepository } from '@sluice/testing/fixtures';

// Decision 0018: a push seen by two webhooks (on two engine instances, one with a fresh delivery log as after a
// restart) and by the git poller at the same moment starts exactly one execution, on the real store.
const ROUNDS = 15;
const SECRET = 'a-webhook-secret-of-some-length';

let env: EngineTestEnvironment;
let engines: ExecutionsEngine[];
let root: string;
let repo: string;
let poller: GitPoller | undefined;

const commit = (round: number): string => commitFile(repo, 'round.txt', `round ${round}\n`, `round ${round}`);

function pipelineOn(repositoryUrl: string): PipelineDeclaration {
  return { name: 'app', stages: [gitSourceStage({ repositoryUrl, output: 'src' }), commandsStage('Build', ['true'], { action: 'Make', inputs: 'src' })] };
}

function webhook(pipelines: TriggerablePipeline[], start: StartExecutionPort): WebhookHandler {
  return createWebhookHandler({
    secrets: { lookup: async (id) => (id === 'hook' ? { account: 'acme', secret: SECRET } : undefined) },
    pipelines: { listPipelines: async () => pipelines },
    start,
    audit: new InMemoryTriggerAuditLog(),
    // Each handler its own log, as two gateway processes (or one before and after a restart) have.
    deliveries: new InMemoryDeliveryLog(),
    rejections: new InMemoryRejectionLog(),
    now: () => new Date(),
  });
}

function delivery(commitId: string, deliveryId: string) {
  const rawBody = Buffer.from(JSON.stringify({ repositoryUrl: repo, ref: 'refs/heads/main', commitId }));
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', SECRET).update(`${timestamp}.${rawBody.toString()}`).digest('hex');
  return {
    path: '/webhooks/generic/hook',
    rawBody,
    headers: { 'content-type': 'application/json', 'x-sluice-timestamp': String(timestamp), 'x-sluice-signature': `sha256=${signature}`, 'x-sluice-delivery': deliveryId },
  };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sluice-webhook-poller-'));
  repo = join(root, 'app');
  initGitRepository(repo, { 'round.txt': 'round 0\n' }, 'round 0');
  env = await startEngineTestEnvironment();
  // Two executions instances on one store, as in distributed mode.
  engines = [await env.startEngine(), await env.startEngine()];
  const version = await env.publisher.publish(pipelineOn(repo));
  for (const engine of engines) await engine.pipelineCatalog.whenKnown({ account: 'acme', name: 'app' }, version);
});

afterAll(async () => {
  await poller?.stop();
  await env?.stop();
  rmSync(root, { recursive: true, force: true });
});

it(`starts one execution per push when two webhooks and the poller race for it (${ROUNDS} rounds)`, async () => {
  const declaration = { ...pipelineOn(repo), version: 1 };
  const pipelines: TriggerablePipeline[] = [{ account: 'acme', name: 'app', declaration }];
  const answered: string[][] = [];
  const recording = (engine: ExecutionsEngine): StartExecutionPort => async (caller, input) => {
    const started = await engine.startPipelineExecution(caller, input);
    answered.at(-1)!.push(started.pipelineExecutionId);
    return started;
  };
  const [first, second] = [webhook(pipelines, recording(engines[0]!)), webhook(pipelines, recording(engines[1]!))];
  // Set each round: resolved at the instant the poller asks the engine to start.
  let pollerStarting: () => void = () => undefined;
  const pollerStart = recording(engines[1]!);
  poller = startGitPoller({
    pipelines: { listPipelines: async () => pipelines },
    audit: new InMemoryTriggerAuditLog(),
    start: (caller, input) => {
      pollerStarting();
      return pollerStart(caller, input);
    },
    intervalMs: 3_600_000,
    lsRemote: gitLsRemote,
  });
  answered.push([]);
  await poller.pollOnce(); // remembers the refs as they are

  const commits: string[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const commitId = commit(round);
    commits.push(commitId);
    answered.push([]);
    // Odd rounds: the webhooks go at once, while the poller runs `git ls-remote`. Even rounds: they go the instant
    // the poller calls the engine, so all three starts meet in the engine together.
    const polled = new Promise<void>((resolve) => (pollerStarting = resolve));
    const go = round % 2 === 1 ? Promise.resolve() : polled;
    const send = (handler: WebhookHandler, id: string) => go.then(() => handler.handle(delivery(commitId, id)));
    const [a, b] = await Promise.all([send(first, `a-${round}`), send(second, `b-${round}`), poller.pollOnce()]);
    expect([a.status, b.status]).toEqual([200, 200]);
  }

  const started = (await env.eventsOf('execution-')).filter((event) => event.type === 'PipelineExecutionStarted');
  const startsOf = (commitId: string) =>
    started.filter((event) => (event.data as { inputs: { sourceRevisions: Array<{ revisionId: string }> } }).inputs.sourceRevisions.some((r) => r.revisionId === commitId));
  expect(commits.map((commitId) => startsOf(commitId).length)).toEqual(commits.map(() => 1));
  expect(started).toHaveLength(ROUNDS);
  // Every path was answered with the one execution of its round: three answers, one id.
  expect(answered.slice(1).map((ids) => ids.length)).toEqual(commits.map(() => 3));
  expect(answered.slice(1).map((ids) => new Set(ids).size)).toEqual(commits.map(() => 1));
  const triggers = started.map((event) => (event.data as { inputs: { trigger: { triggerType: string } } }).inputs.trigger.triggerType);
  console.log(`${ROUNDS} pushes raced by 2 webhooks and the poller: ${started.length} executions; first by ${JSON.stringify(countBy(triggers))}`);

  // After a restart (a fresh handler, a new delivery id) an old push starts nothing new.
  const again = await webhook(pipelines, engines[0]!.startPipelineExecution.bind(engines[0]!)).handle(delivery(commits[0]!, 'after-restart'));
  expect(again.status).toBe(200);
  expect((await env.eventsOf('execution-')).filter((event) => event.type === 'PipelineExecutionStarted')).toHaveLength(ROUNDS);
});

function countBy(values: string[]): Record<string, number> {
  return values.reduce<Record<string, number>>((all, value) => ({ ...all, [value]: (all[value] ?? 0) + 1 }), {});
}
