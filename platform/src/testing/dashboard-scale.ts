// A pipeline of many actions and a long history of real executions, for the dashboard's scale bench
// (bench/dashboard/render.ts) and its browser test (platform/src/dashboard/dashboard-scale.e2e.spec.ts): one module, so
// both measure and check the same thing. Nothing here depends on jest.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { openEmbeddedEventStore, type EventStore, type NewEvent, type RecordedEvent } from '@sluice/eventing';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, ensureDashboardBuilt, gql, GraphQLAnswerError } from './dashboard-harness';
import { startPlatformProcess, type PlatformProcess } from './platform-process';

type Call = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

/** Custom action types this module's worker answers (the platform's built-in worker takes none of them). */
export const SCALE_SOURCE = { category: 'Source', owner: 'Custom', provider: 'ScaleSource', version: '1' } as const;
export const SCALE_STEP = { category: 'Build', owner: 'Custom', provider: 'ScaleStep', version: '1' } as const;

/** How a stage's actions are grouped: the size of each runOrder group, in order (runOrder 1, 2, …). */
export interface ScaleStage {
  name: string;
  groups: number[];
}

/** 5 stages × 10 actions = 50: a parallel source stage, then stages of parallel and sequential runOrder groups. */
export const FIFTY_ACTIONS: ScaleStage[] = [
  { name: 'Source', groups: [10] },
  { name: 'Build', groups: [4, 4, 2] },
  { name: 'Test', groups: [5, 5] },
  { name: 'Staging', groups: [3, 3, 3, 1] },
  { name: 'Production', groups: [2, 2, 2, 2, 2] },
];

/** The baseline: the smallest pipeline accepted (at least 2 stages), a source action and one step. */
export const SMALLEST: ScaleStage[] = [
  { name: 'Source', groups: [1] },
  { name: 'Build', groups: [1] },
];

/** `{Stage}-{runOrder}-{n}`: a name that says where the card belongs, so a test can check the grouping from it. */
export const scaleActionName = (stage: string, runOrder: number, n: number) => `${stage}-${runOrder}-${n}`;

export function scalePipeline(name: string, stages: ScaleStage[]): Record<string, unknown> {
  return {
    name,
    artifactStore: { type: 'S3', location: 'sluice-artifacts' },
    // PARALLEL: executions started together run together instead of superseding each other.
    executionMode: 'PARALLEL',
    stages: stages.map((stage, s) => ({
      name: stage.name,
      actions: stage.groups.flatMap((size, g) =>
        Array.from({ length: size }, (_, n) => {
          const actionName = scaleActionName(stage.name, g + 1, n + 1);
          return s === 0
            ? { name: actionName, actionTypeId: SCALE_SOURCE, runOrder: g + 1, configuration: {}, outputArtifacts: [{ name: `${actionName}-out`.replace(/-/g, '_') }] }
            : { name: actionName, actionTypeId: SCALE_STEP, runOrder: g + 1, configuration: {} };
        }),
      ),
    })),
  };
}

export const actionCount = (stages: ScaleStage[]) => stages.reduce((sum, stage) => sum + stage.groups.reduce((a, b) => a + b, 0), 0);

/** Creates the two custom action types (once per platform; ACTION_TYPE_ALREADY_EXISTS when they exist is fine). */
/** Waits until the executions service knows the pipeline's `stages` stages (it learns a new definition from the pipelines service). */
export async function waitForStages(call: Call, name: string, stages: number, timeoutMs = 120_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const answer = await call<{ getPipeline: { state: { stageStates: unknown[] } | null } }>('query($n: String!) { getPipeline(name: $n) { state { stageStates { stageName } } } }', { n: name });
    if (answer.getPipeline.state?.stageStates.length === stages) return;
    if (Date.now() > deadline) throw new Error(`the executions service did not learn the stages of ${name}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function createScaleActionTypes(call: Call): Promise<void> {
  const create = 'mutation($input: JSON!) { createCustomActionType(input: $input) { id { provider } } }';
  const none = { minimumCount: 0, maximumCount: 0 };
  for (const input of [
    { category: SCALE_SOURCE.category, provider: SCALE_SOURCE.provider, version: '1', inputArtifactDetails: none, outputArtifactDetails: { minimumCount: 1, maximumCount: 1 } },
    { category: SCALE_STEP.category, provider: SCALE_STEP.provider, version: '1', inputArtifactDetails: { minimumCount: 0, maximumCount: 5 }, outputArtifactDetails: { minimumCount: 0, maximumCount: 5 } },
  ]) {
    await call(create, { input }).catch((error: unknown) => {
      if (!(error instanceof GraphQLAnswerError && error.errorCodes.every((code) => code === 'ACTION_TYPE_ALREADY_EXISTS'))) throw error;
    });
  }
}

interface PolledJob {
  id: string;
  nonce: string;
  data: { pipelineExecutionId: string; outputArtifacts: Array<{ name: string }> };
}

const POLL = `mutation($type: ActionTypeIdInput!, $size: Int!, $wait: Int!) {
  pollForJobs(actionTypeId: $type, maxBatchSize: $size, waitMs: $wait) { id nonce data { pipelineExecutionId outputArtifacts { name } } } }`;

/**
 * A worker on the gateway's job API that answers every job of the scale action types at once: one request
 * acknowledges a whole polled batch, one more reports every success (aliased mutations), as fast as the platform goes.
 */
export function startScaleWorker(call: Call, { loops = 2 } = {}): { jobs(): number; check(): void; stop(): Promise<void> } {
  let stopped = false;
  let done = 0;
  let failure: unknown;
  const loop = async (type: typeof SCALE_SOURCE | typeof SCALE_STEP) => {
    while (!stopped) {
      const { pollForJobs: jobs } = await call<{ pollForJobs: PolledJob[] }>(POLL, { type, size: 100, wait: 500 });
      if (jobs.length === 0) continue;
      const acks = jobs.map((job, i) => `a${i}: acknowledgeJob(jobId: ${JSON.stringify(job.id)}, nonce: ${JSON.stringify(job.nonce)}) { status }`);
      await call(`mutation { ${acks.join('\n')} }`);
      const results = jobs.map((job, i) => {
        const artifacts = job.data.outputArtifacts.map((a) => `{ name: ${JSON.stringify(a.name)}, location: ${JSON.stringify(`scale:${job.id}:${a.name}`)} }`);
        return `r${i}: putJobSuccessResult(jobId: ${JSON.stringify(job.id)}, outputArtifacts: [${artifacts.join(', ')}])`;
      });
      await call(`mutation { ${results.join('\n')} }`);
      done += jobs.length;
    }
  };
  // A failed call stops the worker; the caller hears of it from check() or stop().
  const running = Array.from({ length: loops }, () => [SCALE_SOURCE, SCALE_STEP].map((type) => loop(type).catch((error: unknown) => ((failure ??= error), (stopped = true)))));
  const check = () => {
    if (failure !== undefined) throw failure;
  };
  return {
    jobs: () => done,
    check,
    async stop() {
      stopped = true;
      await Promise.all(running.flat());
      check();
    },
  };
}

const START = 'mutation($p: String!) { startPipelineExecution(name: $p) { pipelineExecutionId } }';
const COUNT_SUCCEEDED = `query($p: String!, $first: Int!, $after: String) {
  listPipelineExecutions(pipelineName: $p, first: $first, after: $after, filter: { statuses: [Succeeded] }) { nodes { pipelineExecutionId } pageInfo { hasNextPage endCursor } } }`;

/** How many executions of the pipeline succeeded, counted through `listPipelineExecutions` pages. */
export async function succeededExecutions(call: Call, pipelineName: string): Promise<number> {
  let count = 0;
  let after: string | null = null;
  for (;;) {
    const page: { listPipelineExecutions: { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await call(COUNT_SUCCEEDED, { p: pipelineName, first: 1000, after });
    count += page.listPipelineExecutions.nodes.length;
    if (!page.listPipelineExecutions.pageInfo.hasNextPage) return count;
    after = page.listPipelineExecutions.pageInfo.endCursor;
  }
}

/** The status of each execution, in one request. */
async function statusesOf(call: Call, pipelineName: string, ids: string[]): Promise<string[]> {
  const fields = ids.map((id, i) => `e${i}: getPipelineExecution(pipelineName: ${JSON.stringify(pipelineName)}, pipelineExecutionId: ${JSON.stringify(id)}) { status }`);
  const answer = await call<Record<string, { status: string }>>(`query { ${fields.join('\n')} }`);
  return ids.map((_, i) => answer[`e${i}`]!.status);
}

/**
 * Runs `count` real executions of the pipeline through the gateway (startPipelineExecution, this module's worker
 * answering every job), `batch` at a time, each batch to its end; `progress` after each batch. Ids, oldest first.
 */
export async function runExecutions(
  call: Call,
  pipelineName: string,
  count: number,
  { batch = 25, progress = (_done: number, _elapsedMs: number) => undefined as void, timeoutMs = 600_000 } = {},
): Promise<string[]> {
  const started = performance.now();
  const worker = startScaleWorker(call);
  const ids: string[] = [];
  try {
    while (ids.length < count) {
      const size = Math.min(batch, count - ids.length);
      const answers = await Promise.all(Array.from({ length: size }, () => call<{ startPipelineExecution: { pipelineExecutionId: string } }>(START, { p: pipelineName })));
      const batchIds = answers.map((a) => a.startPipelineExecution.pipelineExecutionId);
      for (;;) {
        worker.check();
        const statuses = await statusesOf(call, pipelineName, batchIds);
        const ended = statuses.filter((status) => status !== 'InProgress' && status !== 'Stopping');
        if (ended.some((status) => status !== 'Succeeded')) throw new Error(`executions of ${pipelineName} ended ${statuses.join(', ')}`);
        if (ended.length === batchIds.length) break;
        if (performance.now() - started > timeoutMs) throw new Error(`${count} executions of ${pipelineName} did not all end within ${timeoutMs / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      ids.push(...batchIds);
      progress(ids.length, performance.now() - started);
    }
    return ids;
  } finally {
    await worker.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A long history, quickly: real executions through the API run at ~1 execution of 50 actions per second on this
// machine (measured: 50 in 53 s), so 1,000 would take ~18 minutes. Instead, one real execution of a template
// pipeline (same definition, another name) is run through the API, and its events — exactly what the executions
// service wrote: its execution stream, its job streams, its lanes events — are appended again for the target
// pipeline, once per execution of the history, with fresh ids, the pipeline's name, the lanes sequence, and every
// instant moved into the past (one execution every `spacingMs`, oldest first). The platform is stopped meanwhile
// (an embedded store has one process) and started again on the same store: its projections read the copies as they
// read any history at start-up, through the same code; there is no other read path.
// ---------------------------------------------------------------------------------------------------------------

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The events one real execution wrote, in store order: its execution stream, its jobs, its lanes events. */
export async function executionEvents(store: EventStore, account: string, pipelineName: string, executionId: string): Promise<RecordedEvent[]> {
  const lanes = `lanes-${account}.${pipelineName}`;
  const mine = (event: RecordedEvent) =>
    event.streamId === `execution-${executionId}` ||
    event.streamId.startsWith(`job-${executionId}/`) ||
    (event.streamId === lanes && (event.data as { executionId?: string }).executionId === executionId);
  const events: RecordedEvent[] = [];
  for (let from = 0n; ; ) {
    const page = await store.readAll({ fromPosition: from, maxCount: 5_000 });
    events.push(...page.filter(mine));
    if (page.length < 5_000) return events;
    from = page.at(-1)!.position + 1n;
  }
}

/** A copy of a string with fresh ids, the target pipeline's name and every instant moved by `shiftMs`. */
function rewrite(value: unknown, ids: Map<string, string>, from: string, to: string, shiftMs: number): unknown {
  if (typeof value === 'string') {
    if (INSTANT.test(value)) return new Date(Date.parse(value) + shiftMs).toISOString();
    return value.replace(UUID, (id) => ids.get(id) ?? (ids.set(id, randomUUID()), ids.get(id)!)).split(from).join(to);
  }
  if (Array.isArray(value)) return value.map((item) => rewrite(item, ids, from, to, shiftMs));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rewrite(item, ids, from, to, shiftMs)]));
  return value;
}

export interface SeedOptions {
  account: string;
  /** The pipeline whose one execution is copied, and the execution. */
  template: { pipelineName: string; executionId: string };
  /** The pipeline that gets the history: same definition, no execution yet. */
  pipelineName: string;
  count: number;
  /** Time between two executions' starts in the history (default 10 min). */
  spacingMs?: number;
  progress?: (done: number, elapsedMs: number) => void;
}

/**
 * Appends `count` copies of the template execution's events for the target pipeline, oldest first, each copy
 * ending before the next starts; the newest starts `spacingMs` before the template did. One append per stream
 * and copy (a real run appends each command's events on its own; what is stored is the same).
 */
export async function seedHistory(store: EventStore, options: SeedOptions): Promise<{ events: number; executionIds: string[] }> {
  const { account, template, pipelineName, count, spacingMs = 600_000 } = options;
  const started = performance.now();
  const events = await executionEvents(store, account, template.pipelineName, template.executionId);
  if (!events.some((e) => e.type === 'PipelineExecutionSucceeded')) throw new Error(`the template execution ${template.executionId} has not succeeded: ${events.length} events`);
  const lanesTemplate = `lanes-${account}.${template.pipelineName}`;
  const lanes = `lanes-${account}.${pipelineName}`;
  const known = await store.readStream(lanes);
  let lanesRevision = known.length - 1;
  const firstSequence = 1 + known.reduce((max, e) => Math.max(max, Number((e.data as { sequence?: number }).sequence ?? 0)), 0);
  const executionIds: string[] = [];
  for (let k = 0; k < count; k++) {
    const ids = new Map<string, string>();
    const shiftMs = -(count - k) * spacingMs;
    const streams = new Map<string, NewEvent[]>();
    for (const event of events) {
      const streamId = event.streamId === lanesTemplate ? lanes : (rewrite(event.streamId, ids, template.pipelineName, pipelineName, shiftMs) as string);
      const data = rewrite(event.data, ids, template.pipelineName, pipelineName, shiftMs) as Record<string, unknown>;
      // The lanes stream numbers the pipeline's executions at their first arrival: the copies come one after another.
      if (event.type === 'ExecutionArrivedAtStage') data.sequence = firstSequence + k;
      if (event.type === 'StageExecutionStarted' && data.laneSequence !== undefined) data.laneSequence = firstSequence + k;
      const metadata = rewrite(event.metadata, ids, template.pipelineName, pipelineName, shiftMs) as NewEvent['metadata'];
      streams.set(streamId, [...(streams.get(streamId) ?? []), { type: event.type, data, metadata }]);
    }
    executionIds.push(ids.get(template.executionId)!);
    const lanesEvents = streams.get(lanes) ?? [];
    streams.delete(lanes);
    await Promise.all([...streams].map(([streamId, stream]) => store.append(streamId, stream, { expectedRevision: 'no_stream' })));
    if (lanesEvents.length > 0) {
      const result = await store.append(lanes, lanesEvents, { expectedRevision: lanesRevision < 0 ? 'no_stream' : BigInt(lanesRevision) });
      lanesRevision = Number(result.nextExpectedRevision);
    }
    if ((k + 1) % 100 === 0 || k + 1 === count) options.progress?.(k + 1, performance.now() - started);
  }
  return { events: events.length * count, executionIds };
}

/** Opens the embedded store of a stopped platform's data folder (where `SLUICE_DATA_DIR` puts it). */
export const openPlatformStore = (dataDir: string) => openEmbeddedEventStore({ dataDir: `${dataDir}/events` });

/** Debian's Chromium, as every dashboard test and bench runs it. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });

export interface History {
  pipelineName: string;
  stages: ScaleStage[];
  /** Executions the pipeline has in the end, all Succeeded: the newest run through the API, the others seeded. */
  executions: number;
}

export interface ScalePlatform {
  platform: PlatformProcess;
  url: string;
  token: string;
  call: Call;
  /** What setting up took: the real runs, the seeding, the restart. */
  timings: { templateRunsMs: number; seedMs: number; seededEvents: number; restartMs: number; finalRunsMs: number };
  stop(): Promise<number | null>;
}

const sinceMs = (started: number) => performance.now() - started;

/** Creates a pipeline and waits until the executions service knows its stages. */
async function createPipeline(call: Call, definition: Record<string, unknown>): Promise<void> {
  await call('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: definition });
  const stages = (definition.stages as unknown[]).length;
  for (const deadline = Date.now() + 30_000; ; ) {
    const answer = await call<{ getPipeline: { state: { stageStates: unknown[] } | null } }>('query($n: String!) { getPipeline(name: $n) { state { stageStates { stageName } } } }', { n: definition.name });
    if (answer.getPipeline.state?.stageStates.length === stages) return;
    if (Date.now() > deadline) throw new Error(`the executions service did not learn the stages of ${String(definition.name)} in 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The embedded platform (without the demo, serving the dashboard's build) on `dataDir`, with each history: its
 * pipeline, `executions - 1` seeded executions (copies of one real run of `{name}-template`) and one more real
 * execution through the API on top, so the newest is a real one and the engine has taken the seeded lanes as its own.
 */
export async function startScalePlatform(dataDir: string, histories: History[], log: (line: string) => void = () => undefined): Promise<ScalePlatform> {
  await ensureDashboardBuilt();
  const env = { SLUICE_WEB_DIR: join(__dirname, '../../../web/dist'), SLUICE_POLL_INTERVAL_MS: '3600000' };
  let platform = await startPlatformProcess(dataDir, env);
  const clientOf = (p: PlatformProcess): Call => (query, variables = {}) => gql(p.url, p.token, query, variables);
  const timings = { templateRunsMs: 0, seedMs: 0, seededEvents: 0, restartMs: 0, finalRunsMs: 0 };
  try {
    let call = clientOf(platform);
    await createScaleActionTypes(call);
    const templates = new Map<string, string>();
    let started = performance.now();
    for (const history of histories) {
      await createPipeline(call, scalePipeline(history.pipelineName, history.stages));
      if (history.executions < 2) continue;
      const template = `${history.pipelineName}-template`;
      await createPipeline(call, scalePipeline(template, history.stages));
      templates.set(history.pipelineName, (await runExecutions(call, template, 1))[0]!);
    }
    timings.templateRunsMs = sinceMs(started);
    if (templates.size > 0) {
      await platform.stop();
      started = performance.now();
      const store = await openPlatformStore(dataDir);
      try {
        for (const history of histories.filter((h) => templates.has(h.pipelineName))) {
          const seeded = await seedHistory(store, {
            account: 'default',
            template: { pipelineName: `${history.pipelineName}-template`, executionId: templates.get(history.pipelineName)! },
            pipelineName: history.pipelineName,
            count: history.executions - 1,
            progress: (done, ms) => log(`  seeded ${done} / ${history.executions - 1} executions of ${history.pipelineName} (${(ms / 1000).toFixed(1)} s)`),
          });
          timings.seededEvents += seeded.events;
        }
      } finally {
        await store.close();
      }
      timings.seedMs = sinceMs(started);
      started = performance.now();
      platform = await startPlatformProcess(dataDir, env, 300_000);
      call = clientOf(platform);
      timings.restartMs = sinceMs(started);
      log(`  platform restarted on the seeded store in ${(timings.restartMs / 1000).toFixed(1)} s`);
    }
    started = performance.now();
    for (const history of histories) {
      if (history.executions < 1) continue;
      await runExecutions(call, history.pipelineName, 1);
      const succeeded = await succeededExecutions(call, history.pipelineName);
      if (succeeded !== history.executions) throw new Error(`${history.pipelineName} has ${succeeded} succeeded executions, not ${history.executions}`);
    }
    timings.finalRunsMs = sinceMs(started);
    const running = platform;
    return { platform: running, url: running.url, token: running.token, call, timings, stop: () => running.stop() };
  } catch (error) {
    await platform.stop();
    throw error;
  }
}
