import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { DurableRebuildable, loadReadModelCheckpoint, readModelDatabaseOf, SqlReadModelDatabase, type PostgresEventStore } from '@sluice/eventing';
import type { ExecutionUpdate } from '@sluice/gateway';
import { eventually, gatewayClient, subscribeAndCollect, subscribeResuming, type Caller, type CollectedSubscription, type ResumingSubscription } from '@sluice/gateway/testing';
import { AuditReadModel } from '@sluice/permissions';
import { makeGitRepository } from '@sluice/testing/fixtures';
import type { DistributedTopology, TopologyOptions, TopologyProcess } from '../topology';
import { sleepyPipeline } from './sleepy-pipeline';

/**
 * The distributed kill run of issue 20, shared by distributed.e2e.spec.ts (a few executions) and
 * bench/distributed/kill-run.ts (300): N executions through the balancer with a subscriber on each gateway; mid-run
 * SIGKILL of one engine, one worker, one gateway and the projections process, which is then started again. It checks
 * and measures; it asserts nothing itself (it runs outside jest too): what did not hold is in `problems`, each a
 * sentence, and the caller fails on any.
 */
/**
 * The topology the kill run needs (decision 0061), for the e2e and the bench alike: three engines, three workers, two
 * gateways, a projections process, and short leases, so that the killed worker's job goes back on the queue within
 * seconds. `workerConcurrency` is each worker's slots.
 */
export function killRunTopology(workerConcurrency: number): Pick<TopologyOptions, 'engines' | 'workers' | 'gateways' | 'projections' | 'executionsEnv' | 'workerEnv' | 'stopGraceMs'> {
  return {
    engines: 3,
    workers: 3,
    gateways: 2,
    projections: 1,
    executionsEnv: { SLUICE_JOB_ACK_TIMEOUT_MS: '3000', SLUICE_JOB_HEARTBEAT_TIMEOUT_MS: '4000' },
    workerEnv: { SLUICE_WORKER_HEARTBEAT_MS: '1000', SLUICE_WORKER_CONCURRENCY: String(workerConcurrency), SLUICE_WORKER_STOP_GRACE_MS: '2000' },
    stopGraceMs: 10_000,
  };
}

export interface KillRunOptions {
  /** Started with `killRunTopology` (or at least `engines`, `workers`, `gateways: 2` and `projections: 1`: (process names `executions-1`, `worker-1`, `gateway-1`, `gateway-2`, `projections-1`). */
  topology: DistributedTopology;
  /** The topology's store, opened by the caller: the truth every subscriber and the audit read model are compared with. */
  store: PostgresEventStore;
  caller: Caller;
  executions: number;
  /** A folder for the pipeline's git repository. */
  workDir: string;
  pipelineName?: string;
  /** Seconds each Commands action sleeps (1: long enough to kill a worker while it runs one). */
  sleepSeconds?: number;
  /** Starts in flight at once (default 4). */
  startConcurrency?: number;
  /** Run just before the kills (the e2e makes a browser session on gateway-1 there). */
  beforeKill?: () => Promise<void>;
  /** How long every execution may take to end after the kills (default 90 s + 1 s an execution). */
  finishTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface WorkerLine {
  msg: string;
  jobId?: string;
  actionType?: string;
  stageName?: string;
  actionName?: string;
}

export interface KillRunFigures {
  executions: number;
  /** Updates each subscriber received (on gateway-2; resumed after gateway-1's death). */
  updates: { gateway2: number; resumed: number };
  /** SIGKILL of the four → every execution ended (read through the balancer), or the wait gave up. */
  recoveryMs: number;
  /** Executions whose status was Succeeded at the end of that wait. */
  succeeded: number;
  /** The projections process restarted → caught up (its ready line). */
  projectionCatchUpMs: number;
  /** Audit events the restarted projections process read after its checkpoint. */
  projectionEventsAfterRestart: number;
  /** Receipt time − the update's `at`, over the updates of the subscriber on gateway-2 (never disconnected). */
  latencyMs: { p50: number; p95: number; max: number };
  /** Starts asked again after their connection failed without an answer. */
  startRetries: number;
  /** First start → last Succeeded. */
  wallMs: number;
  executionsPerSecond: number;
  /** Audit records in the read model when compared with its rebuild, and the checkpoint both were at. */
  auditRecords: number;
  auditCheckpoint: bigint;
}

export interface KillRun {
  figures: KillRunFigures;
  /** What did not hold; empty when every check passed. */
  problems: string[];
  executionIds: string[];
  /** The Commands job worker-1 ran when it was killed. */
  lost: WorkerLine;
  seenBeforeKill: number;
  onGateway2: CollectedSubscription<ExecutionUpdate>;
  resumed: ResumingSubscription<ExecutionUpdate>;
}

const CREATE = 'mutation($pipeline: JSON!) { createPipeline(pipeline: $pipeline) { name } }';
const START = 'mutation($name: String!) { startPipelineExecution(name: $name) { pipelineExecutionId } }';
const STATUS = 'query($name: String!, $id: ID!) { getPipelineExecution(pipelineName: $name, pipelineExecutionId: $id) { status statusSummary } }';
export const EXECUTION_UPDATED = `subscription($pipelineName: String, $after: String) {
  executionUpdated(pipelineName: $pipelineName, after: $after) { cursor pipelineName pipelineExecutionId status stageName actionName eventType at } }`;
const KILLED = ['executions-1', 'worker-1', 'gateway-1', 'projections-1'] as const;

/** The job events a worker logged (JSON lines: JobStarted, JobSucceeded, JobFailed, …). */
export const workerLines = (worker: TopologyProcess): WorkerLine[] =>
  worker
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as WorkerLine);

/** A Commands job the worker started and has not finished. */
export function runningCommandsJob(worker: TopologyProcess): WorkerLine | undefined {
  const lines = workerLines(worker);
  const ended = new Set(lines.filter((l) => l.msg === 'JobSucceeded' || l.msg === 'JobFailed').map((l) => l.jobId));
  return lines.find((l) => l.msg === 'JobStarted' && l.actionType?.includes('/Commands/') && !ended.has(l.jobId));
}

/** The q-quantile of sorted values (nearest rank). */
const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;

export async function runKillScenario(options: KillRunOptions): Promise<KillRun> {
  const { topology, store, caller } = options;
  const name = options.pipelineName ?? 'dist';
  const log = options.log ?? (() => undefined);
  const problems: string[] = [];
  // Through the balancer, as a user's client: a request in flight to the gateway killed below fails and is asked again.
  const gql = gatewayClient(topology.gatewayUrl, caller);
  const repositoryUrl = await makeGitRepository(join(options.workDir, `${name}-repo`));
  const created = await gql(CREATE, { pipeline: sleepyPipeline(name, repositoryUrl, options.sleepSeconds ?? 1) });
  if (created.errors) throw new Error(`createPipeline ${name}: ${JSON.stringify(created.errors)}`);
  const [gateway1, gateway2] = [topology.process('gateway-1'), topology.process('gateway-2')];

  // One subscriber on each gateway: the one on gateway-1 resumes through the balancer, from its last cursor, once its gateway dies.
  const onGateway2 = subscribeAndCollect<ExecutionUpdate>(gateway2.url!, caller, EXECUTION_UPDATED, { pipelineName: name }, 'executionUpdated');
  const resumed = subscribeResuming<ExecutionUpdate>(gateway1.url!, () => topology.gatewayUrl, caller, EXECUTION_UPDATED, { pipelineName: name }, 'executionUpdated');
  // Live (caught up with the store) before the first start, or its first events would precede the subscription.
  // /metrics needs a token allowed sluice:GetMetrics: the admin's.
  const metrics = async (url: string) => (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${caller.token}` } })).text();
  for (const gateway of [gateway1, gateway2]) {
    await eventually(async () => (/^sluice_subscriptions 1$/m.test(await metrics(gateway.url!)) ? true : undefined), `the subscription on ${gateway.name} to be live`);
  }

  // The definition reaches the engines over Kafka: the first start is retried until they know it; the others go a few at a time.
  // A start whose connection failed (a keep-alive socket closed under load: `fetch failed`, no answer) is asked again and
  // counted: it may have started an execution nobody tracks, which then runs as the others do. After a pause that
  // grows: asked again at once, three attempts in a row met closed sockets of the pool (`other side closed`, in CI).
  let startRetries = 0;
  const start = async (): Promise<string | undefined> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>(START, { name })).data?.startPipelineExecution.pipelineExecutionId;
      } catch (error) {
        if (attempt >= 5 || !(error instanceof TypeError)) throw error;
        startRetries += 1;
        log(`startPipelineExecution ${name}: ${error.message} (${String((error as { cause?: unknown }).cause)}); asked again`);
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  };
  const startedAt = Date.now();
  const executionIds: string[] = [await eventually(start, `the engines to know pipeline ${name} (over Kafka)`, 30_000)];
  let next = 1;
  const starter = async () => {
    while (next < options.executions) {
      next += 1;
      const id = await start();
      if (id === undefined) throw new Error(`startPipelineExecution ${name} (start ${next} of ${options.executions}) answered no id`);
      executionIds.push(id);
    }
  };
  await Promise.all(Array.from({ length: options.startConcurrency ?? 4 }, starter));
  log(`started ${executionIds.length} executions in ${Date.now() - startedAt} ms`);

  // Mid-run: worker-1 holds a running Commands job; kill it, the engine instance every gateway asks first, gateway-1 and the projections.
  const worker1 = topology.process('worker-1');
  const lost = await eventually(() => runningCommandsJob(worker1), 'worker-1 to run a Commands job', 60_000);
  const seenBeforeKill = resumed.received.length;
  await options.beforeKill?.();
  await Promise.all(KILLED.map((killed) => topology.process(killed).kill()));
  const killedAt = Date.now();
  log(`SIGKILL: ${KILLED.join(', ')} (worker-1 was running ${lost.stageName}/${lost.actionName}, job ${lost.jobId})`);

  // The projections process comes back (as its supervisor would start it) and catches up from its checkpoint, while the
  // executions go on (nothing of theirs waits for it).
  const restartAt = Date.now();
  const restarted = topology.restart('projections-1').then((again) => ({ again, catchUpMs: Date.now() - restartAt }));
  restarted.catch(() => undefined);

  // Every execution ends, read through the balancer (gateway-2 now alone behind it).
  const deadline = killedAt + (options.finishTimeoutMs ?? 90_000 + 1_000 * options.executions);
  const statuses = new Map<string, string>();
  for (const id of executionIds) {
    for (;;) {
      const status = await gql<{ getPipelineExecution: { status: string; statusSummary: string | null } }>(STATUS, { name, id }).then(
        (answer) => {
          const execution = answer.data?.getPipelineExecution;
          // A failure says why: what a reader of the run's problems needs first.
          return execution && execution.status !== 'Succeeded' && execution.statusSummary ? `${execution.status} (${execution.statusSummary})` : execution?.status;
        },
        () => undefined,
      );
      if (status !== undefined && status !== 'InProgress') {
        statuses.set(id, status);
        if (statuses.size % 50 === 0) log(`${statuses.size} of ${executionIds.length} executions ended, ${Date.now() - killedAt} ms after the kills`);
        break;
      }
      if (Date.now() > deadline) {
        statuses.set(id, status ?? 'unknown');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const recoveryMs = Date.now() - killedAt;
  const wallMs = Date.now() - startedAt;
  const notSucceeded = [...statuses].filter(([, status]) => status !== 'Succeeded');
  if (notSucceeded.length > 0) problems.push(`${notSucceeded.length} of ${executionIds.length} executions did not succeed: ${notSucceeded.slice(0, 10).map(([id, s]) => `${id}: ${s}`).join(', ')}`);
  log(`every execution ended ${recoveryMs} ms after the kills`);
  const { again: projections, catchUpMs: projectionCatchUpMs } = await restarted;
  const caughtUp = /caught up at position (-?\d+) in \d+ ms \((\d+) events read after its checkpoint\)/.exec(projections.output());
  if (!caughtUp) problems.push(`the restarted projections-1 did not say how far it caught up; its output:\n${projections.output()}`);

  // Each subscriber saw every state change of every execution: each stored event once, in store order; the one on the
  // killed gateway resumed on the other through the balancer, after what it had seen.
  const subscribers = [
    ['on gateway-2', onGateway2],
    ['resumed after gateway-1', resumed],
  ] as const;
  for (const [subscriberName, subscriber] of subscribers) {
    const ended = await eventually(
      () => (executionIds.every((id) => subscriber.received.some((r) => r.value.pipelineExecutionId === id && /^PipelineExecution(Succeeded|Failed|Stopped)/.test(r.value.eventType))) ? true : undefined),
      `the last update of every execution (subscriber ${subscriberName})`,
      30_000 + 100 * executionIds.length,
    ).catch((error: Error) => error.message);
    if (ended !== true) problems.push(`subscriber ${subscriberName}: ${ended}`);
  }
  // Read once the executions ended (and their last updates arrived): an execution still running would differ by its future.
  const stored = new Map<string, string[]>();
  for (const id of executionIds) stored.set(id, (await store.readStream(`execution-${id}`)).map((e) => `${e.position}:${e.type}`));
  for (const [subscriberName, subscriber] of subscribers) {
    const received = subscriber.received.map((r) => r.value);
    const cursors = new Set(received.map((u) => u.cursor));
    if (cursors.size !== received.length) problems.push(`subscriber ${subscriberName} received ${received.length - cursors.size} updates twice`);
    const byExecution = new Map<string, string[]>();
    for (const u of received) byExecution.set(u.pipelineExecutionId, [...(byExecution.get(u.pipelineExecutionId) ?? []), `${u.cursor}:${u.eventType}`]);
    const differing = executionIds.filter((id) => !isDeepStrictEqual(byExecution.get(id) ?? [], stored.get(id)));
    if (differing.length > 0) {
      const id = differing[0]!;
      problems.push(`subscriber ${subscriberName} saw other changes than the store holds for ${differing.length} executions, e.g. ${id}: saw [${(byExecution.get(id) ?? []).join(', ')}], stored [${stored.get(id)!.join(', ')}]`);
    }
    if (subscriber.errors.length > 0) problems.push(`subscriber ${subscriberName} got errors: ${JSON.stringify(subscriber.errors).slice(0, 500)}`);
  }
  if (!isDeepStrictEqual(resumed.connectedTo, [gateway1.url, topology.gatewayUrl])) problems.push(`the resumed subscriber connected to ${resumed.connectedTo.join(', ')}, not to gateway-1 then the balancer`);
  if (seenBeforeKill === 0) problems.push('the subscriber on gateway-1 had seen nothing before the kill: the kill was not mid-run');
  if (resumed.received.length <= seenBeforeKill) problems.push('the subscriber on gateway-1 saw nothing after its gateway died');

  // The audit read model, folded by the restarted process, equals its rebuild from zero at the same checkpoint.
  const audit = await compareAuditWithRebuild(store, problems);

  const lags = onGateway2.received.map((r) => r.receivedAt - Date.parse(r.value.at)).sort((a, b) => a - b);
  return {
    figures: {
      executions: executionIds.length,
      updates: { gateway2: onGateway2.received.length, resumed: resumed.received.length },
      recoveryMs,
      succeeded: executionIds.length - notSucceeded.length,
      projectionCatchUpMs,
      projectionEventsAfterRestart: caughtUp ? Number(caughtUp[2]) : NaN,
      latencyMs: { p50: quantile(lags, 0.5), p95: quantile(lags, 0.95), max: lags.at(-1) ?? NaN },
      wallMs,
      startRetries,
      executionsPerSecond: executionIds.length / (wallMs / 1000),
      auditRecords: audit.records,
      auditCheckpoint: audit.checkpoint,
    },
    problems,
    executionIds,
    lost,
    seenBeforeKill,
    onGateway2,
    resumed,
  };
}

/**
 * The live audit tables at one checkpoint (read before and after the contents: equal, so no commit came between, as
 * every commit moves it) deep-equal the same read model rebuilt from zero, into a schema of its own, from the events
 * up to that checkpoint. The trail grows meanwhile (every API call is recorded): the comparison is at a position.
 */
async function compareAuditWithRebuild(store: PostgresEventStore, problems: string[]): Promise<{ records: number; checkpoint: bigint }> {
  const database = readModelDatabaseOf(store);
  if (!database) throw new Error('the kill run compares the audit read model on a SQL store only');
  const live = new AuditReadModel(database);
  let snapshot: { checkpoint: bigint; contents: Map<string, unknown[]> } | undefined;
  for (let attempt = 0; attempt < 20 && !snapshot; attempt++) {
    const before = await loadReadModelCheckpoint(database, live);
    const contents = await live.contents();
    if ((await loadReadModelCheckpoint(database, live)) === before) snapshot = { checkpoint: before, contents };
  }
  if (!snapshot) {
    problems.push('the audit read model moved during each of 20 reads: no consistent snapshot to compare');
    return { records: 0, checkpoint: -1n };
  }
  const side = new SqlReadModelDatabase(store.database, `${database.schema}_rebuilt`);
  const copy = new DurableRebuildable(side, new AuditReadModel(side));
  await copy.reset();
  const prefixes = live.streamPrefixes;
  for (let from: bigint | 'start' = 'start'; ; ) {
    const page = await store.readAll({ fromPosition: from, maxCount: 5_000 });
    const within = page.filter((event) => event.position <= snapshot.checkpoint);
    for (const event of within) if (prefixes.some((prefix) => event.streamId.startsWith(prefix))) await copy.apply(event);
    if (within.length < page.length || page.length < 5_000) break;
    from = page.at(-1)!.position + 1n;
  }
  await copy.rebuilt();
  const rebuilt = (await copy.contents()) as Map<string, unknown[]>;
  const records = [...snapshot.contents.values()].reduce((sum, trail) => sum + trail.length, 0);
  if (!isDeepStrictEqual(rebuilt, snapshot.contents)) {
    const accounts = [...new Set([...rebuilt.keys(), ...snapshot.contents.keys()])].filter((a) => !isDeepStrictEqual(rebuilt.get(a), snapshot.contents.get(a)));
    problems.push(
      `the audit read model at position ${snapshot.checkpoint} differs from its rebuild from zero for accounts ${accounts.join(', ')} ` +
        `(live ${accounts.map((a) => snapshot.contents.get(a)?.length ?? 0).join('/')} records, rebuilt ${accounts.map((a) => rebuilt.get(a)?.length ?? 0).join('/')})`,
    );
  }
  await side.query(`DROP SCHEMA IF EXISTS "${side.schema}" CASCADE`);
  return { records, checkpoint: snapshot.checkpoint };
}

/** The figures as the e2e and the bench print them. */
export function describeKillRun(run: KillRun): string {
  const f = run.figures;
  return (
    `distributed kill run: ${f.executions} executions, ${f.updates.gateway2} updates on gateway-2 (${f.updates.resumed} at the subscriber resumed after gateway-1: ${run.seenBeforeKill} before the kill); ` +
    `after SIGKILL of an engine, a worker, a gateway and the projections process ${f.succeeded === f.executions ? 'every execution' : `${f.succeeded} of ${f.executions} executions`} Succeeded in ${f.recoveryMs} ms ` +
    `(the lost job: ${run.lost.stageName}/${run.lost.actionName}); the projections process restarted and caught up in ${f.projectionCatchUpMs} ms (${f.projectionEventsAfterRestart} audit events after its checkpoint); ` +
    `state change -> client p50 ${f.latencyMs.p50} ms, p95 ${f.latencyMs.p95} ms, max ${f.latencyMs.max} ms; ${f.executionsPerSecond.toFixed(2)} executions/s (${f.wallMs} ms first start -> last Succeeded); ` +
    `audit read model = its rebuild from zero at position ${f.auditCheckpoint} (${f.auditRecords} records)` +
    (f.startRetries > 0 ? `; ${f.startRetries} starts asked again after a failed connection` : '')
  );
}
