/**
 * Where a Commands action's time in the engine goes, from the store itself (issue 18). `npx tsx bench/real-path/timeline.ts`
 *
 * Runs the pipeline of `run.ts` (a Git source, 3 stages × 4 parallel Commands actions running `date +%s%N`) on the
 * embedded platform as `npm start` starts it, SLUICE_BENCH_RUNS times (default 10, after 2 warm-up runs), then stops
 * the platform, opens its store and prints, per Commands action, the median and p95 of each step between the engine
 * starting the action and recording its success (the events' `occurredAt`; the command's start from what it printed),
 * and the counters that timings on a shared machine cannot blur: the events of each job, the appends of the job's
 * stream, and every stream's events per execution.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedEventStore, type RecordedEvent } from '@sluice/eventing';
import { startPlatformProcess, type PlatformProcess } from '../../platform/src/testing/platform-process';
import { median, percentile } from '../eventing/bench-kit';
import { makeRepository, realPathPipeline } from './real-path-kit';

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
  const { startPipelineExecution } = await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation { startPipelineExecution(name: "real-path") { pipelineExecutionId } }');
  const id = startPipelineExecution.pipelineExecutionId;
  for (;;) {
    const { getPipelineExecution } = await gql<{ getPipelineExecution: { status: string } }>('query($id: ID!) { getPipelineExecution(pipelineName: "real-path", pipelineExecutionId: $id) { status } }', { id });
    if (getPipelineExecution.status === 'Succeeded') break;
    if (getPipelineExecution.status !== 'InProgress') throw new Error(`execution ${id} ended ${getPipelineExecution.status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'sluice-bench-timeline-'));
  await chmod(root, 0o711);
  const repositoryUrl = await makeRepository(join(root, 'repo'));
  const dataDir = join(root, 'data');
  const platform = await startPlatformProcess(dataDir, { SLUICE_WORKER_CONCURRENCY: String(PARALLEL), SLUICE_POLL_INTERVAL_MS: '3600000' });
  const measured: Array<{ executionId: string; commandStarts: Map<string, number> }> = [];
  const load = loadavg();
  try {
    await graphql(platform)('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: realPathPipeline('real-path', repositoryUrl, { stages: STAGES, parallel: PARALLEL, command: COMMAND }) });
    for (let i = 0; i < WARM_UP; i += 1) await runOnce(platform);
    for (let i = 0; i < RUNS; i += 1) measured.push(await runOnce(platform));
  } finally {
    await platform.stop();
  }
  const loadAfter = loadavg();
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
    await rm(root, { recursive: true, force: true });
  }
  const jobs = timelines(events, measured);
  console.log(`timeline of ${jobs.length} Commands actions (${RUNS} runs after ${WARM_UP} warm-up runs); load average ${load.map((v) => v.toFixed(2)).join(' ')} before, ${loadAfter.map((v) => v.toFixed(2)).join(' ')} after; ${cpus().length} CPUs`);
  STEPS.forEach((step, i) => {
    const values = jobs.map((job) => job.steps[i]!).filter((value) => !Number.isNaN(value));
    console.log(`  ${step.padEnd(36)} p50 ${median(values).toFixed(1).padStart(7)} ms   p95 ${percentile(values, 95).toFixed(1).padStart(7)} ms`);
  });
  const totals = jobs.map((job) => job.steps.reduce((sum, step) => sum + step, 0));
  console.log(`  ${'action started → action succeeded'.padEnd(36)} p50 ${median(totals).toFixed(1).padStart(7)} ms   p95 ${percentile(totals, 95).toFixed(1).padStart(7)} ms`);
  const typeCounts = new Map<string, number>();
  for (const job of jobs) for (const type of job.eventTypes) typeCounts.set(type, (typeCounts.get(type) ?? 0) + 1);
  console.log(`  a job's stream: ${(jobs.reduce((sum, job) => sum + job.eventTypes.length, 0) / jobs.length).toFixed(2)} events in ${(jobs.reduce((sum, job) => sum + job.appends, 0) / jobs.length).toFixed(2)} appends (${[...typeCounts].map(([type, count]) => `${type} ${(count / jobs.length).toFixed(2)}`).join(', ')})`);
  // Every stream's events during the measured runs, per execution: what one run costs the store.
  const ids = new Set(measured.map((run) => run.executionId));
  const first = events.find((event) => event.type === 'PipelineExecutionStarted' && ids.has((event.data as { executionId: string }).executionId));
  const during = first ? events.filter((event) => event.position >= first.position) : [];
  const byPrefix = new Map<string, number>();
  for (const event of during) {
    const prefix = ['job-', 'execution-', 'action-logs-', 'lanes-', 'audit-', 'artifact-'].find((known) => event.streamId.startsWith(known)) ?? event.streamId.split('-')[0]!;
    byPrefix.set(prefix, (byPrefix.get(prefix) ?? 0) + 1);
  }
  console.log(`  events per execution: ${(during.length / RUNS).toFixed(1)} (${[...byPrefix].sort((a, b) => b[1] - a[1]).map(([prefix, count]) => `${prefix}… ${(count / RUNS).toFixed(1)}`).join(', ')})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
