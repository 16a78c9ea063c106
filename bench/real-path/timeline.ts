/**
 * Where a Commands action's time in the engine goes, from the store itself (issue 18). `npx tsx bench/real-path/timeline.ts`
 *
 * Runs the pipeline of `run.ts` (a Git source, 3 stages × 4 parallel Commands actions running `date +%s%N`) on the
 * embedded platform as `npm start` starts it, SLUICE_BENCH_RUNS times (default 10, after 2 warm-up runs), then stops
 * the platform, opens its store and prints, per Commands action, the median and p95 of each step between the engine
 * starting the action and recording its success (the events' `occurredAt`; the command's start from what it printed),
 * the per-action overhead against the command's own time (four at once in the job sandbox, measured between the runs),
 * and the counters that timings on a shared machine cannot blur: the events of each job, the appends of the job's
 * stream, and every stream's events per execution; and the CPU each execution took (the platform's process, what it
 * started; from /proc). With SLUICE_BENCH_BEFORE=<another checkout> (a worktree of the commit to compare with, its
 * node_modules installed) that checkout's platform runs beside this one's, one run of each after the other: before
 * and after under the same load.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedEventStore, type RecordedEvent } from '@sluice/eventing';
import { startPlatformProcess, type PlatformProcess } from '../../platform/src/testing/platform-process';
import { loadProviderConfig } from '../../services/worker/src/provider-config';
import { openJobSandbox } from '../../services/worker/src/sandbox/open-sandbox';
import { median, percentile } from '../eventing/bench-kit';
import { makeRepository, platformCpuMs, realPathPipeline, sandboxedCommandMs, runRealPathToSuccess } from './real-path-kit';

const RUNS = Number(process.env.SLUICE_BENCH_RUNS ?? 10);
const WARM_UP = 2;
const STAGES = 3;
const PARALLEL = 4;
const COMMAND = 'date +%s%N';

type Answer<T> = { data?: T | null; errors?: Array<{ message: string }> };

const graphql =
  (platform: PlatformProcess) =>
  async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await fetch(`${platform.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${platform.token}` }, body: JSON.stringify({ query, variables }) });
    const answer = (await res.json()) as Answer<T>;
    if (answer.errors?.length || !answer.data) throw new Error(JSON.stringify(answer.errors));
    return answer.data;
  };

/** One execution to its success; the instants (ms since the epoch) at which its Commands actions' commands started, by `stage/action`. */
async function runOnce(platform: PlatformProcess): Promise<{ executionId: string; commandStarts: Map<string, number> }> {
  const gql = graphql(platform);
  const id = await runRealPathToSuccess(gql);
  const { actionLogs } = await gql<{ actionLogs: { entries: Array<{ stageName: string; actionName: string; stream: string; chunk: string }> } }>(
    'query($id: ID!) { actionLogs(pipelineExecutionId: $id, first: 5000) { entries { stageName actionName stream chunk } } }',
    { id },
  );
  const commandStarts = new Map<string, number>();
  for (const entry of actionLogs.entries) {
    const match = entry.stream === 'stdout' ? /^(\d{16,})$/m.exec(entry.chunk) : null;
    if (match) commandStarts.set(`${entry.stageName}/${entry.actionName}`, Number(BigInt(match[1]!) / 1000n) / 1000);
  }
  return { executionId: id, commandStarts };
}

const STEPS = ['action started → JobCreated', 'JobCreated → JobDispatched', 'JobDispatched → JobAcknowledged', 'JobAcknowledged → command started', 'command started → JobSucceeded', 'JobSucceeded → action succeeded'] as const;

interface JobTimeline {
  steps: number[];
  /** The job stream's events by type, and its appends (events of one append share their `occurredAt` and correlation). */
  eventTypes: string[];
  appends: number;
}

const at = (event: RecordedEvent): number => Date.parse(event.metadata.occurredAt);

/** Each measured execution's Commands jobs, step by step, from the stored events. */
function timelines(events: RecordedEvent[], executions: Array<{ executionId: string; commandStarts: Map<string, number> }>): JobTimeline[] {
  const byStream = new Map<string, RecordedEvent[]>();
  for (const event of events) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
  const jobs = new Map<string, { executionId: string; key: string; stream: RecordedEvent[] }>();
  for (const [streamId, stream] of byStream) {
    const created = stream.find((event) => event.type === 'JobCreated');
    if (!streamId.startsWith('job-') || !created) continue;
    const spec = (created.data as { spec: { executionId: string; stageName: string; actionName: string } }).spec;
    jobs.set(`${spec.executionId}/${spec.stageName}/${spec.actionName}`, { executionId: spec.executionId, key: `${spec.stageName}/${spec.actionName}`, stream });
  }
  const out: JobTimeline[] = [];
  for (const { executionId, commandStarts } of executions) {
    const execution = byStream.get(`execution-${executionId}`) ?? [];
    for (const [key, commandStart] of commandStarts) {
      const job = jobs.get(`${executionId}/${key}`);
      const [stageName, actionName] = key.split('/');
      const ofAction = (type: string) => execution.find((event) => event.type === type && (event.data as { stageName?: string; actionName?: string }).stageName === stageName && (event.data as { actionName?: string }).actionName === actionName);
      const started = ofAction('ActionExecutionStarted');
      const succeeded = ofAction('ActionExecutionSucceeded');
      const ofJob = (type: string) => job?.stream.find((event) => event.type === type);
      const instants = [started, ofJob('JobCreated'), ofJob('JobDispatched'), ofJob('JobAcknowledged'), undefined, ofJob('JobSucceeded'), succeeded].map((event, i) => (i === 4 ? commandStart : event ? at(event) : Number.NaN));
      const appends = new Set(job?.stream.map((event) => `${event.metadata.occurredAt} ${event.metadata.correlationId}`)).size;
      out.push({ steps: instants.slice(1).map((instant, i) => instant - instants[i]!), eventTypes: job?.stream.map((event) => event.type) ?? [], appends });
    }
  }
  return out;
}

interface Platform {
  label: string;
  process: PlatformProcess;
  dataDir: string;
  runs: Array<{ executionId: string; commandStarts: Map<string, number>; totalMs: number; platformCpuMs: number; startedCpuMs: number }>;
}

/** The platform of the checkout at `checkout` (its own `platform-process.ts`, so its own code), on a data folder of its own. */
async function startPlatformOf(checkout: string, dataDir: string): Promise<PlatformProcess> {
  const module = (await import(join(checkout, 'platform/src/testing/platform-process.ts'))) as { startPlatformProcess: typeof startPlatformProcess };
  return module.startPlatformProcess(dataDir, { SLUICE_WORKER_CONCURRENCY: String(PARALLEL), SLUICE_POLL_INTERVAL_MS: '3600000' });
}

async function storedEvents(dataDir: string): Promise<RecordedEvent[]> {
  const store = await openEmbeddedEventStore({ dataDir: join(dataDir, 'events') });
  const events: RecordedEvent[] = [];
  try {
    for (let from: bigint | 'start' = 'start'; ; ) {
      const page = await store.readAll({ fromPosition: from, maxCount: 1000 });
      events.push(...page);
      if (page.length < 1000) break;
      from = page[page.length - 1]!.position + 1n;
    }
  } finally {
    await store.close();
  }
  return events;
}

function report(platform: Platform, events: RecordedEvent[], commandMs: number): void {
  const jobs = timelines(events, platform.runs);
  const totals = platform.runs.map((run) => run.totalMs);
  console.log(`${platform.label}: ${jobs.length} Commands actions; start → Succeeded p50 ${median(totals).toFixed(0)} ms, p95 ${percentile(totals, 95).toFixed(0)} ms`);
  const cpu = (pick: (run: Platform['runs'][number]) => number) => platform.runs.map(pick);
  console.log(
    `  CPU per execution (with its logs' query): the platform's process p50 ${median(cpu((run) => run.platformCpuMs)).toFixed(0)} ms, mean ${mean(cpu((run) => run.platformCpuMs)).toFixed(0)} ms; the processes it started p50 ${median(cpu((run) => run.startedCpuMs)).toFixed(0)} ms`,
  );
  STEPS.forEach((step, i) => {
    const values = jobs.map((job) => job.steps[i]!).filter((value) => !Number.isNaN(value));
    console.log(`  ${step.padEnd(36)} p50 ${median(values).toFixed(1).padStart(7)} ms   p95 ${percentile(values, 95).toFixed(1).padStart(7)} ms`);
  });
  const inEngine = jobs.map((job) => job.steps.reduce((sum, step) => sum + step, 0));
  console.log(`  ${'action started → action succeeded'.padEnd(36)} p50 ${median(inEngine).toFixed(1).padStart(7)} ms   p95 ${percentile(inEngine, 95).toFixed(1).padStart(7)} ms`);
  const overheads = inEngine.map((value) => value - commandMs);
  console.log(`  per-action overhead (− the command's own ${commandMs.toFixed(0)} ms, ${PARALLEL} at once in the sandbox) p50 ${median(overheads).toFixed(1)} ms, p95 ${percentile(overheads, 95).toFixed(1)} ms`);
  const typeCounts = new Map<string, number>();
  for (const job of jobs) for (const type of job.eventTypes) typeCounts.set(type, (typeCounts.get(type) ?? 0) + 1);
  console.log(`  a job's stream: ${(jobs.reduce((sum, job) => sum + job.eventTypes.length, 0) / jobs.length).toFixed(2)} events in ${(jobs.reduce((sum, job) => sum + job.appends, 0) / jobs.length).toFixed(2)} appends (${[...typeCounts].map(([type, count]) => `${type} ${(count / jobs.length).toFixed(2)}`).join(', ')})`);
  // Every stream's events during the measured runs, per execution: what one run costs the store.
  const ids = new Set(platform.runs.map((run) => run.executionId));
  const first = events.find((event) => event.type === 'PipelineExecutionStarted' && ids.has((event.data as { executionId: string }).executionId));
  const during = first ? events.filter((event) => event.position >= first.position) : [];
  const byPrefix = new Map<string, number>();
  for (const event of during) {
    const prefix = ['job-', 'execution-', 'action-logs-', 'lanes-', 'audit-', 'artifact-'].find((known) => event.streamId.startsWith(known)) ?? event.streamId.split('-')[0]!;
    byPrefix.set(prefix, (byPrefix.get(prefix) ?? 0) + 1);
  }
  const runs = platform.runs.length;
  console.log(`  events per execution: ${(during.length / runs).toFixed(1)} (${[...byPrefix].sort((a, b) => b[1] - a[1]).map(([prefix, count]) => `${prefix}… ${(count / runs).toFixed(1)}`).join(', ')})`);
}

const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * SLUICE_BENCH_BEFORE=<another checkout, with its node_modules>: that checkout's platform runs too, one run of each
 * after the other, so that both see the same load (the machine is shared): before and after in one sitting.
 */
async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'sluice-bench-timeline-'));
  await chmod(root, 0o711);
  const platforms: Platform[] = [];
  try {
    const sandbox = await openJobSandbox(loadProviderConfig(process.env).sandbox);
    const repositoryUrl = await makeRepository(join(root, 'repo'));
    const checkouts = [{ label: 'this checkout', checkout: join(__dirname, '../..') }, ...(process.env.SLUICE_BENCH_BEFORE ? [{ label: `before (${process.env.SLUICE_BENCH_BEFORE})`, checkout: process.env.SLUICE_BENCH_BEFORE }] : [])];
    for (const [i, { label, checkout }] of checkouts.entries()) {
      const dataDir = join(root, `data-${i}`);
      platforms.push({ label, process: await startPlatformOf(checkout, dataDir), dataDir, runs: [] });
    }
    for (const platform of platforms) {
      await graphql(platform.process)('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: realPathPipeline('real-path', repositoryUrl, { stages: STAGES, parallel: PARALLEL, command: COMMAND }) });
      for (let i = 0; i < WARM_UP; i += 1) await runOnce(platform.process);
    }
    // The command's own time in the job sandbox, four at once as a stage's run, interleaved with the platforms' runs.
    const commandOnce = (tag: string): Promise<number> => sandboxedCommandMs(sandbox, root, COMMAND, tag);
    const load = loadavg();
    const command: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      for (const platform of i % 2 === 0 ? platforms : [...platforms].reverse()) {
        const cpuBefore = await platformCpuMs(platform.process.pid);
        const started = performance.now();
        const run = await runOnce(platform.process);
        const totalMs = performance.now() - started;
        const cpuAfter = await platformCpuMs(platform.process.pid);
        platform.runs.push({ ...run, totalMs, platformCpuMs: cpuAfter.platform - cpuBefore.platform, startedCpuMs: cpuAfter.started - cpuBefore.started });
      }
      command.push(...(await Promise.all(Array.from({ length: PARALLEL }, (_, a) => commandOnce(`bench-timeline-${a}`)))));
    }
    const loadAfter = loadavg();
    await Promise.all(platforms.map((platform) => platform.process.stop()));
    console.log(`real path, timeline: ${RUNS} runs each after ${WARM_UP} warm-up runs${platforms.length > 1 ? ', alternating' : ''}; load average ${load.map((v) => v.toFixed(2)).join(' ')} before, ${loadAfter.map((v) => v.toFixed(2)).join(' ')} after; ${cpus().length} CPUs; job sandbox: ${sandbox.description}`);
    for (const platform of platforms) report(platform, await storedEvents(platform.dataDir), median(command));
  } finally {
    await Promise.all(platforms.map((platform) => platform.process.stop()));
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
