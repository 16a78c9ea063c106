import type { PipelineDeclaration } from '@sluice/domain';
import type { CommandMetadata } from '@sluice/domain';
import { actionExecutionIdFor } from '../derived-ids';
import type { EngineCommand } from '../engine/engine-command';
import { streamOf } from '../engine/engine-command';
import { jobsOf, needsAttention, nextCommands, nextWakeUp, type EngineView } from '../engine/process-manager';
import type { ExecutionCommand, StartPipelineExecution } from '../execution/execution-commands';
import { decideExecution, sourceExecutionIdOf } from '../execution/execution-decider';
import { type ExecutionEvent, type JobEvent, type JobSpec, type JobSuccess, emptyJobSuccess, type LanesEvent, EXECUTION_STREAM_PREFIX, JOB_STREAM_PREFIX, executionStreamId, jobStreamId, lanesStreamId, type PipelineRef } from '@sluice/contracts';
import { evolveExecution } from '../execution/execution-evolve';
import { initialExecutionState, type ExecutionState } from '../execution/execution-state';
import { decideJob } from '../jobs/job-decider';
import { defaultJobQueuePolicy, pollable, type JobQueuePolicy } from '../jobs/job-queue';
import { evolveJob, initialJobState, type JobState } from '../jobs/job-state';
import { decideLanes } from '../lanes/lanes-decider';
import { evolveLanes, initialLanesState, type LanesState } from '../lanes/lanes-state';
import { addMilliseconds } from '../time';
import { metadataAt, pipelineRef, startCommand, T0 } from './fixtures';

/**
 * An in-memory run of the engine for scenario tests: a store of streams that checks expected revisions,
 * engine instances that each keep their own (possibly stale) copy of the states they read, a fake clock,
 * and a fake worker speaking the job protocol. Deterministic: no timers, no randomness.
 */
export class SimulatedConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected revision ${expected}, actual ${actual}`);
  }
}

export class InMemoryStore {
  private readonly streams = new Map<string, unknown[]>();
  appends = 0;

  /** -1 when the stream does not exist (the store port's `no_stream`). */
  revision(streamId: string): number {
    return (this.streams.get(streamId)?.length ?? 0) - 1;
  }

  read(streamId: string, fromRevision = 0): unknown[] {
    return (this.streams.get(streamId) ?? []).slice(fromRevision);
  }

  append(streamId: string, events: unknown[], expectedRevision: number): void {
    const actual = this.revision(streamId);
    if (actual !== expectedRevision) throw new SimulatedConcurrencyError(streamId, expectedRevision, actual);
    this.streams.set(streamId, [...(this.streams.get(streamId) ?? []), ...events]);
    this.appends += 1;
  }

  streamIds(prefix: string): string[] {
    return [...this.streams.keys()].filter((id) => id.startsWith(prefix));
  }
}

interface Cached<S> {
  revision: number;
  state: S;
}

/** One engine instance (or API node): decides against its own copy of the states and appends with their revisions. */
export class Engine {
  private static instances = 0;
  private readonly cache = new Map<string, Cached<unknown>>();
  private readonly name = `engine-${(Engine.instances += 1)}`;
  private passes = 0;
  conflicts = 0;

  constructor(
    readonly store: InMemoryStore,
    readonly clock: () => string,
    readonly policy: JobQueuePolicy = defaultJobQueuePolicy,
  ) {}

  /** Each pass of the process manager brings its own entropy, as the runner draws it: per instance, counted, so runs repeat. */
  entropy(): string {
    return `${this.name}-pass-${(this.passes += 1)}-entropy`;
  }

  execution(executionId: string): ExecutionState {
    return this.fresh(executionStreamId(executionId), initialExecutionState, evolveExecution as (state: ExecutionState, event: ExecutionEvent) => ExecutionState).state;
  }

  lanes(pipeline: PipelineRef = pipelineRef): LanesState {
    return this.fresh(lanesStreamId(pipeline), initialLanesState, evolveLanes).state;
  }

  job(jobId: string): JobState {
    return this.fresh(jobStreamId(jobId), initialJobState, evolveJob).state;
  }

  /** The view `nextCommands` takes, read fresh from the store. */
  view(executionId: string): EngineView {
    const execution = this.execution(executionId);
    const lanes = execution.status === 'NotStarted' ? initialLanesState : this.lanes(execution.run.inputs.pipeline);
    return { execution, lanes, jobs: new Map(jobsOf(execution).map((jobId) => [jobId, this.job(jobId)])) };
  }

  /** Decides against the cached state; on a conflict, catches up and decides again. Returns the events appended. */
  apply(engineCommand: EngineCommand): unknown[] {
    const streamId = streamOf(engineCommand);
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const cached = this.cached(engineCommand);
      const events = this.decide(engineCommand, cached.state);
      if (events.length === 0) return [];
      try {
        this.store.append(streamId, events, cached.revision);
        this.fresh(streamId, ...this.kind(engineCommand));
        return events;
      } catch (error) {
        if (!(error instanceof SimulatedConcurrencyError)) throw error;
        this.conflicts += 1;
        this.fresh(streamId, ...this.kind(engineCommand));
      }
    }
    throw new Error(`gave up on ${streamId} after 10 conflicts`);
  }

  /** One pass of the process manager over an execution, applying what it proposes until nothing changes. */
  reconcile(executionId: string): number {
    let appended = 0;
    for (let pass = 0; pass < 50; pass += 1) {
      const commands = nextCommands(this.view(executionId), this.clock(), this.entropy());
      const applied = commands.reduce((count, command) => count + this.apply(command).length, 0);
      if (applied === 0) return appended;
      appended += applied;
    }
    throw new Error(`execution ${executionId} did not settle`);
  }

  private decide(engineCommand: EngineCommand, state: unknown): unknown[] {
    switch (engineCommand.aggregate) {
      case 'execution': {
        const sourceId = sourceExecutionIdOf(engineCommand.command);
        const sourceExecution = sourceId === null ? null : this.execution(sourceId);
        return decideExecution(engineCommand.command, state as ExecutionState, { sourceExecution });
      }
      case 'lanes':
        return decideLanes(engineCommand.command, state as LanesState);
      case 'job':
        return decideJob(engineCommand.command, state as JobState, this.policy);
    }
  }

  private cached(engineCommand: EngineCommand): Cached<unknown> {
    const streamId = streamOf(engineCommand);
    return this.cache.get(streamId) ?? this.fresh(streamId, ...this.kind(engineCommand));
  }

  private kind(engineCommand: EngineCommand): [unknown, (state: unknown, event: unknown) => unknown] {
    switch (engineCommand.aggregate) {
      case 'execution':
        return [initialExecutionState, evolveExecution as (state: unknown, event: unknown) => unknown];
      case 'lanes':
        return [initialLanesState, evolveLanes as (state: unknown, event: unknown) => unknown];
      case 'job':
        return [initialJobState, evolveJob as (state: unknown, event: unknown) => unknown];
    }
  }

  private fresh<S, E>(streamId: string, initial: S, evolve: (state: S, event: E) => S): Cached<S> {
    const known = (this.cache.get(streamId) as Cached<S> | undefined) ?? { revision: -1, state: initial };
    const newer = this.store.read(streamId, known.revision + 1) as E[];
    const next = { revision: known.revision + newer.length, state: newer.reduce(evolve, known.state) };
    this.cache.set(streamId, next);
    return next;
  }
}

/** What the fake worker does with a job it polls. */
export type WorkerPlan =
  | { kind: 'succeed'; afterMs?: number; result?: Partial<JobSuccess>; deliverTwice?: boolean }
  | { kind: 'fail'; afterMs?: number; message?: string }
  /** Polls the job and never acknowledges it. */
  | { kind: 'ignore' }
  /** Acknowledges and then goes silent: no heartbeat, no result. */
  | { kind: 'hang' };

interface Pending {
  jobId: string;
  dueAt: string;
  plan: Extract<WorkerPlan, { kind: 'succeed' | 'fail' }>;
  spec: JobSpec;
}

export class FakeWorker {
  private readonly pending: Pending[] = [];
  private nonces = 0;
  readonly refused: Error[] = [];
  readonly polled: string[] = [];

  constructor(
    private readonly api: Engine,
    private readonly clock: () => string,
    private readonly plan: (spec: JobSpec) => WorkerPlan,
    readonly workerId = 'worker-1',
  ) {}

  /** Polls every job it can take, acknowledges, and delivers the results that are due. True if anything happened. */
  step(): boolean {
    let progressed = false;
    const now = this.clock();
    for (const streamId of this.api.store.streamIds(JOB_STREAM_PREFIX)) {
      const jobId = streamId.slice(JOB_STREAM_PREFIX.length);
      const job = this.api.job(jobId);
      if (!pollable(job, now) || job.status === 'NotCreated') continue;
      const nonce = `${this.workerId}-n${(this.nonces += 1)}`;
      this.api.apply({ aggregate: 'job', command: { type: 'DispatchJob', jobId, nonce, workerId: this.workerId, metadata: this.metadata() } });
      this.polled.push(jobId);
      progressed = true;
      const plan = this.plan(job.spec);
      if (plan.kind === 'ignore') continue;
      this.api.apply({ aggregate: 'job', command: { type: 'AcknowledgeJob', jobId, nonce, metadata: this.metadata() } });
      if (plan.kind === 'hang') continue;
      this.pending.push({ jobId, dueAt: addMilliseconds(now, plan.afterMs ?? 0), plan, spec: job.spec });
    }
    for (const item of this.pending.filter((candidate) => Date.parse(candidate.dueAt) <= Date.parse(now))) {
      this.pending.splice(this.pending.indexOf(item), 1);
      const deliveries = item.plan.kind === 'succeed' && item.plan.deliverTwice ? 2 : 1;
      for (let delivery = 0; delivery < deliveries; delivery += 1) this.deliver(item);
      progressed = true;
    }
    return progressed;
  }

  nextDue(): string | null {
    return this.pending.reduce<string | null>((earliest, item) => (earliest === null || item.dueAt < earliest ? item.dueAt : earliest), null);
  }

  private deliver(item: Pending): void {
    const metadata = this.metadata();
    try {
      if (item.plan.kind === 'succeed') {
        const result = {
          ...emptyJobSuccess(),
          outputArtifacts: item.spec.outputArtifacts.map((artifact) => ({ name: artifact.name, location: `sha256:${item.jobId}:${artifact.name}` })),
          ...item.plan.result,
        };
        // In-process, as the platform's own worker: it wrote its outputs itself (no claims to check).
        this.api.apply({ aggregate: 'job', command: { type: 'PutJobSuccessResult', jobId: item.jobId, result, claims: null, metadata } });
      } else {
        const failure = { type: 'JobFailed' as const, message: item.plan.message ?? 'exit code 1', externalExecutionId: null };
        this.api.apply({ aggregate: 'job', command: { type: 'PutJobFailureResult', jobId: item.jobId, failure, metadata } });
      }
    } catch (error) {
      this.refused.push(error as Error);
    }
  }

  private metadata(): CommandMetadata {
    return metadataAt(this.clock(), this.workerId);
  }
}

export interface SimulationOptions {
  worker?: (spec: JobSpec) => WorkerPlan;
  policy?: JobQueuePolicy;
  engines?: number;
}

export class Simulation {
  readonly store = new InMemoryStore();
  private time = Date.parse(T0);
  readonly clock = () => new Date(this.time).toISOString();
  readonly engines: Engine[];
  /** The API node: what resolvers and the job-worker endpoints would call. */
  readonly api: Engine;
  readonly worker: FakeWorker;
  private started = 0;

  constructor(options: SimulationOptions = {}) {
    const policy = options.policy ?? defaultJobQueuePolicy;
    this.engines = Array.from({ length: options.engines ?? 1 }, () => new Engine(this.store, this.clock, policy));
    this.api = new Engine(this.store, this.clock, policy);
    this.worker = new FakeWorker(this.api, this.clock, options.worker ?? (() => ({ kind: 'succeed' })));
  }

  now(): string {
    return this.clock();
  }

  advance(milliseconds: number): void {
    this.time += milliseconds;
  }

  /** Starts an execution through the API; ids are e1, e2, … in start order. */
  start(declaration: PipelineDeclaration, overrides: Partial<StartPipelineExecution> = {}): string {
    const executionId = overrides.executionId ?? `e${(this.started += 1)}`;
    this.api.apply({ aggregate: 'execution', command: startCommand(executionId, declaration, { ...overrides, executionId }, this.now()) });
    return executionId;
  }

  /** An API call on an execution (stop, retry, approve…), decided against fresh state. */
  call(command: ExecutionCommand): ExecutionEvent[] {
    return this.api.apply({ aggregate: 'execution', command }) as ExecutionEvent[];
  }

  executionIds(): string[] {
    return this.store.streamIds(EXECUTION_STREAM_PREFIX).map((id) => id.slice(EXECUTION_STREAM_PREFIX.length));
  }

  execution(executionId: string): ExecutionState {
    return this.api.execution(executionId);
  }

  /** The job the execution's action runs now (its drawn id), read from the execution's state. */
  jobIdOf(executionId: string, stageName: string, actionName: string): string {
    const execution = this.execution(executionId);
    if (execution.status === 'NotStarted') throw new Error(`no execution ${executionId}`);
    const action = execution.run.stages.find((stage) => stage.name === stageName)?.actions[actionName];
    const jobId = action && 'work' in action && action.work.kind === 'Job' ? action.work.jobId : undefined;
    if (jobId === undefined) throw new Error(`action ${stageName}/${actionName} of ${executionId} has no job`);
    return jobId;
  }

  /** Every job created for an action (each attempt of the action, each continuation), in the order they were created. */
  jobIdsOf(executionId: string, stageName: string, actionName: string): string[] {
    const prefix = actionExecutionIdFor(executionId, stageName, actionName, 0).slice(0, -1);
    return this.store.streamIds(JOB_STREAM_PREFIX).flatMap((streamId) => {
      const created = this.store.read(streamId)[0] as JobEvent | undefined;
      return created?.type === 'JobCreated' && created.data.spec.actionExecutionId.startsWith(prefix) ? [created.data.spec.jobId] : [];
    });
  }

  executionEvents(executionId: string): ExecutionEvent[] {
    return this.store.read(executionStreamId(executionId)) as ExecutionEvent[];
  }

  lanesEvents(pipeline: PipelineRef = pipelineRef): LanesEvent[] {
    return this.store.read(lanesStreamId(pipeline)) as LanesEvent[];
  }

  jobEvents(jobId: string): JobEvent[] {
    return this.store.read(jobStreamId(jobId)) as JobEvent[];
  }

  statuses(): Record<string, string> {
    return Object.fromEntries(this.executionIds().map((id) => [id, this.execution(id).status]));
  }

  /** Runs for exactly `milliseconds` of simulated time (the clock ends at the limit). */
  runFor(milliseconds: number): void {
    const limit = this.time + milliseconds;
    this.run(milliseconds);
    this.time = Math.max(this.time, limit);
  }

  /**
   * Runs engines and worker until nothing moves; when idle, jumps the clock to the next instant at
   * which something is due (a worker result, a lease, a deadline), as long as it is within `forMs`.
   */
  run(forMs = 60 * 60_000): void {
    const limit = this.time + forMs;
    for (let round = 0; round < 100_000; round += 1) {
      let progressed = false;
      this.executionIds().forEach((executionId, index) => {
        const engine = this.engines[index % this.engines.length]!;
        const view = engine.view(executionId);
        if (needsAttention(view.execution, view.lanes) && engine.reconcile(executionId) > 0) progressed = true;
      });
      if (this.worker.step()) progressed = true;
      if (progressed) continue;
      const due = [this.worker.nextDue(), ...this.executionIds().map((id) => nextWakeUp(this.api.view(id)))]
        .filter((instant): instant is string => instant !== null)
        .map((instant) => Date.parse(instant))
        .filter((instant) => instant > this.time);
      const next = due.length > 0 ? Math.min(...due) : null;
      if (next === null || next > limit) return;
      this.time = next;
    }
    throw new Error('the simulation did not come to rest');
  }
}
