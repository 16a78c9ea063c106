import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFilesystemArtifactStore, type ArtifactStore } from '@sluice/artifact-store';
import { actionLogStreamId, type ActionLogAppended } from '@sluice/contracts';
import { ExpiredError, NotFoundError, type ActionTypeId } from '@sluice/domain';
import { expiredExecutionStreamId } from '../../domain';
import { pipeline, stage } from '../../domain/testing/fixtures';
import type { ExecutionsEngine } from '../../executions-service';
import { PipelinePublisher } from '../../testing/pipeline-publisher';
import { startEngineTestEnvironment, type EngineTestEnvironment } from '../../testing/engine-test-environment';
import { RetentionCommands } from './retention-commands';
import { readModelDatabaseOf, rebuildProjections } from '@sluice/eventing';
import { executionsProjections } from '../../projections/projection-registry';
import { ExecutionsReadModel } from '../../projections/executions-read-model';
import type { Caller } from '../caller';

// Retention (issue 20, docs/decisions/0056) on the real PostgreSQL store and a real log folder, with an injected
// clock: an execution older than its account's period answers "expired" and its log chunks are gone, a recent one
// is untouched, another account's period is its own, and the sweep is idempotent and survives a restart.
const acme: Caller = { account: 'acme', actor: 'alice' };
const globex: Caller = { account: 'globex', actor: 'gus' };
const printer: ActionTypeId = { category: 'Test', owner: 'Custom', provider: 'Printer', version: '1' };
const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
let now = new Date(T0);
const clock = () => now;
let env: EngineTestEnvironment;
let engine: ExecutionsEngine;
let root: string;
let logStore: ArtifactStore;

beforeAll(async () => {
  env = await startEngineTestEnvironment();
  root = await mkdtemp(join(tmpdir(), 'sluice-retention-'));
  logStore = await openFilesystemArtifactStore({ root, fsync: false });
  engine = await env.startEngine({ actionLogStore: logStore, clock, retentionSweepIntervalMs: 0 });
  const declaration = pipeline([stage('Build', [{ name: 'Print', actionTypeId: printer, runOrder: 1 }])], { name: 'printer', executionMode: 'PARALLEL' });
  for (const publisher of [env.publisher, new PipelinePublisher(env.store, 'globex', 'gus')]) {
    const version = await publisher.publish(declaration);
    await engine.pipelineCatalog.whenKnown({ account: publisher === env.publisher ? 'acme' : 'globex', name: 'printer' }, version);
  }
});

afterAll(async () => {
  await env?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** One execution of `caller`'s printer that prints `lines` (identical texts in every execution) and succeeds. */
async function printedExecution(caller: Caller, lines: string[]): Promise<string> {
  const polling = engine.pollForJobs(printer, 1, { waitMs: 10_000 });
  const { pipelineExecutionId } = await engine.startPipelineExecution(caller, { name: 'printer' });
  const [job] = await polling;
  await engine.acknowledgeJob(job!.id, job!.nonce);
  await engine.appendJobLogs(job!.id, job!.nonce, lines.map((chunk, sequence) => ({ sequence, stream: 'stdout' as const, chunk, at: now.toISOString() })));
  await engine.putJobSuccessResult(job!.id, {});
  for (let tries = 0; (await engine.getPipelineExecution(caller, 'printer', pipelineExecutionId)).status !== 'Succeeded'; tries++) {
    if (tries > 200) throw new Error('the execution did not succeed');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return pipelineExecutionId;
}

async function chunkKeysOf(executionId: string): Promise<string[]> {
  const events = await env.store.readStream(actionLogStreamId(executionId));
  return [...new Set(events.flatMap((event) => (event as unknown as { data: ActionLogAppended['data'] }).data.chunkRef?.key ?? []))];
}

const thrown = async (run: () => unknown): Promise<unknown> => {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
};

it('expires what is older than each account’s own period, deletes its chunks, keeps the recent, and does it once across a restart', async () => {
  const settings = new RetentionCommands(env.store, clock, () => 'c');
  // The same bytes printed by every execution: each still gets a chunk of its own.
  const lines = ['compiling\n', 'done\n'];
  const acmeOld = await printedExecution(acme, lines);
  const globexOld = await printedExecution(globex, lines);
  now = new Date(T0 + 200 * DAY);
  const acmeRecent = await printedExecution(acme, lines);
  const [oldKey] = await chunkKeysOf(acmeOld);
  const [globexKey] = await chunkKeysOf(globexOld);
  const [recentKey] = await chunkKeysOf(acmeRecent);
  expect(new Set([oldKey, globexKey, recentKey]).size).toBe(3);

  expect(await settings.get(acme)).toEqual({ retentionDays: 365, isDefault: true, setBy: null, setAt: null });
  expect(await settings.put(globex, 30)).toMatchObject({ retentionDays: 30, isDefault: false, setBy: 'gus' });
  await expect(settings.put(globex, 0)).rejects.toMatchObject({ issues: [expect.objectContaining({ path: '$.retentionDays' })] });

  // Day 200: globex keeps 30 days, acme 365 — only globex's old execution is past its period.
  const first = await engine.sweepRetention();
  expect(first.expiredExecutions.map((e) => [e.pipelineExecutionId, e.retentionDays])).toEqual([[globexOld, 30]]);
  expect(first.logChunksDeleted).toBe(1);
  expect(await logStore.has(globexKey!)).toBe(false);
  expect(await logStore.has(oldKey!)).toBe(true);
  expect((await engine.getPipelineExecution(acme, 'printer', acmeOld)).status).toBe('Succeeded');

  // Day 400: acme's first execution (ended day 0) is past 365 days; the one of day 200 is not.
  now = new Date(T0 + 400 * DAY);
  const second = await engine.sweepRetention();
  expect(second.expiredExecutions.map((e) => e.pipelineExecutionId)).toEqual([acmeOld]);
  expect(await logStore.has(oldKey!)).toBe(false);
  expect(await logStore.has(recentKey!)).toBe(true);

  const expired = await thrown(() => engine.getPipelineExecution(acme, 'printer', acmeOld));
  expect(expired).toBeInstanceOf(ExpiredError);
  expect((expired as ExpiredError).message).toBe(`The execution '${acmeOld}' expired on 2027-02-05 under the account's retention of 365 days: its history and logs are no longer kept.`);
  // Another account learns nothing of it, not even that it expired; nor does its own account under another pipeline's name.
  await expect(engine.getPipelineExecution(globex, 'printer', acmeOld)).rejects.toBeInstanceOf(NotFoundError);
  await expect(engine.getPipelineExecution(acme, 'other', acmeOld)).rejects.toBeInstanceOf(NotFoundError);
  await expect(engine.actionLogs(acme, acmeOld)).rejects.toBeInstanceOf(ExpiredError);
  expect(await thrown(() => engine.listActionExecutions(acme, 'printer', { pipelineExecutionId: acmeOld }))).toBeInstanceOf(ExpiredError);
  await expect(engine.executionAsOf(acme, acmeOld, new Date(T0 + DAY).toISOString())).rejects.toBeInstanceOf(ExpiredError);
  // Nor can it be the source of new work: a rollback to it or a rerun of it is refused as expired.
  await expect(engine.rollbackStage(acme, { pipelineName: 'printer', stageName: 'Build', targetPipelineExecutionId: acmeOld })).rejects.toBeInstanceOf(ExpiredError);
  await expect(engine.rerunStage(acme, { pipelineName: 'printer', stageName: 'Build', sourcePipelineExecutionId: acmeOld })).rejects.toBeInstanceOf(ExpiredError);
  // Another account asking for it still finds nothing: expiry says nothing across accounts.
  expect(await thrown(() => engine.getPipelineExecution(globex, 'printer', acmeOld))).toBeInstanceOf(NotFoundError);
  // Lists leave it out; the recent one is whole, its logs readable.
  expect((await engine.listPipelineExecutions(acme, 'printer')).pipelineExecutionSummaries.map((s) => s.pipelineExecutionId)).toEqual([acmeRecent]);
  expect((await engine.actionLogs(acme, acmeRecent)).entries.map((entry) => [entry.chunk, entry.expired])).toEqual([
    ['compiling\n', false],
    ['done\n', false],
  ]);

  // Idempotent: a second sweep at the same instant finds nothing and changes nothing.
  const again = await engine.sweepRetention();
  expect(again.expiredExecutions).toEqual([]);
  expect(await env.store.readStream(expiredExecutionStreamId(acmeOld))).toHaveLength(1);

  // The live read models, tombstones folded as they came, equal a rebuild from the store.
  const rebuilt = executionsProjections().filter((projection) => projection.name === 'executions.engine-streams');
  await rebuildProjections(env.store, rebuilt);
  const live = engine.liveProjections.find((projection) => projection.name === 'executions.engine-streams')!.contents();
  expect(rebuilt[0]!.contents()).toEqual(live);
  // The queries' tables (decision 0069) hold both tombstones, each with the account and pipeline it names.
  const tables = new ExecutionsReadModel(readModelDatabaseOf(env.store)!);
  expect(await tables.expiryOf(acmeOld)).toMatchObject({ account: 'acme', pipelineName: 'printer' });
  expect(await tables.expiryOf(globexOld)).toMatchObject({ account: 'globex', pipelineName: 'printer' });
  expect(await tables.expiryOf(acmeRecent)).toBeUndefined();

  // A restart replays the tombstones: still expired, still listed out, nothing expired twice.
  await engine.stop();
  engine = await env.startEngine({ actionLogStore: logStore, clock, retentionSweepIntervalMs: 0 });
  expect(await thrown(() => engine.getPipelineExecution(acme, 'printer', acmeOld))).toBeInstanceOf(ExpiredError);
  expect(await thrown(() => engine.getPipelineExecution(globex, 'printer', globexOld))).toBeInstanceOf(ExpiredError);
  expect((await engine.listPipelineExecutions(acme, 'printer')).pipelineExecutionSummaries.map((s) => s.pipelineExecutionId)).toEqual([acmeRecent]);
  expect((await engine.sweepRetention()).expiredExecutions).toEqual([]);
  expect(await env.store.readStream(expiredExecutionStreamId(globexOld))).toHaveLength(1);
});

it('finishes an expiry a crash left half done: chunks deleted, no tombstone yet', async () => {
  now = new Date(T0 + 1_000 * DAY);
  const execution = await printedExecution(acme, ['half\n']);
  const [key] = await chunkKeysOf(execution);
  await logStore.delete(key!); // the sweep's first step, then the process died
  now = new Date(T0 + 1_400 * DAY);
  const report = await engine.sweepRetention('acme');
  expect(report.expiredExecutions.map((e) => e.pipelineExecutionId)).toContain(execution);
  expect(await thrown(() => engine.getPipelineExecution(acme, 'printer', execution))).toBeInstanceOf(ExpiredError);
  // Only acme was swept: globex's executions are its own sweep's business (none left to expire here anyway).
  expect(report.expiredExecutions.every((e) => e.pipelineName === 'printer')).toBe(true);
});
