import { needsAttention, nextCommands, nextWakeUp, streamOf, type EngineCommand } from '../../domain';
import type { AggregateCommands } from '../aggregate-commands';
import type { Clock, RandomSource } from '../caller';
import type { StreamStates } from '../../projections/stream-states';
import type { PipelineDefinitions } from '../pipeline-definitions';
import { engineViewOf, loadEngineView } from './engine-view';
import { executionsTouchedBy } from './executions-touched';
import { builtInRules } from './built-in-rules';
import type { StageConditionEvaluator } from './stage-condition-evaluator';
import { stageConditionChecks } from './stage-condition-checks';
import { WakeUpTimers } from './wake-up-timers';
import { contextOfTraceparent, currentTraceparent, inSpan } from '@sluice/runtime';

export interface EngineRunnerOptions {
  states: StreamStates;
  commands: AggregateCommands;
  clock: Clock;
  /** The entropy of each pass's commands (the ids of the jobs and approvals they start). */
  random: RandomSource;
  conditionEvaluator?: StageConditionEvaluator;
  /** The pipelines Invoke/Sluice/Pipeline actions start; without it, every invoke fails as naming no pipeline. */
  definitions?: PipelineDefinitions;
  /** Loads streams this process does not hold (decision 0070); without it every stream is held. */
  load?: (streamIds: readonly string[]) => Promise<void>;
  /** Executions reconciled at once (default 32). */
  concurrency?: number;
  onError?: (error: unknown, executionId: string) => void;
}

/** Passes of the process manager over one execution before it yields to the others. */
const MAX_PASSES = 50;
/** When a step failed (store unreachable, conflicts exhausted), look again after this long. */
const RETRY_AFTER_MS = 250;
/** Trace contexts remembered, one per execution, the oldest forgotten first: the engine's heap does not grow with history. */
const MAX_TRACE_CONTEXTS = 10_000;

/**
 * The W3C trace context an event was appended in: a stored event's metadata says (`traceparent`, when tracing was on);
 * one this process has just appended is folded before it is read back, in its appender's context (the request's or the
 * engine step's), which is then the active one.
 */
const traceparentOf = (event: unknown): string | undefined => {
  const metadata = (event as { metadata?: { traceparent?: unknown } }).metadata;
  if (metadata === undefined) return currentTraceparent();
  return typeof metadata.traceparent === 'string' ? metadata.traceparent : undefined;
};

/**
 * The engine loop: whenever a stream of an execution changes (from the store subscription or from this
 * process's own appends), ask the process manager what comes next and apply it, until nothing does.
 * Views are read from memory; only appends touch the store. At start, every execution that
 * `needsAttention` is swept, which is how a crash is recovered. A timer per execution wakes it when
 * time alone changes the answer (`nextWakeUp`). Several runners on one store are safe: each command is
 * an append with the expected revision, and every command is idempotent in its decider.
 */
export class EngineRunner {
  private readonly timers = new WakeUpTimers((executionId) => this.schedule(executionId));
  private readonly queued = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  /** The trace context of the last event that touched each execution: the parent of its next engine step. */
  private readonly traceparents = new Map<string, string>();
  private readonly concurrency: number;
  private active = false;

  constructor(private readonly options: EngineRunnerOptions) {
    this.concurrency = options.concurrency ?? 32;
    options.states.onFolded((folded) => {
      const traceparent = traceparentOf(folded.event);
      if (traceparent !== undefined) for (const executionId of executionsTouchedBy(folded)) this.rememberTrace(executionId, traceparent);
      if (!this.active) return;
      for (const executionId of executionsTouchedBy(folded)) this.schedule(executionId);
    });
  }

  /** Call once the states have caught up with the store: resumes every execution left with work. */
  start(): void {
    this.active = true;
    const { states } = this.options;
    for (const executionId of states.executionIds()) {
      const view = engineViewOf(states, executionId, this.options.definitions);
      if (needsAttention(view.execution, view.lanes)) this.schedule(executionId);
    }
  }

  async stop(): Promise<void> {
    this.active = false;
    this.queued.clear();
    this.dirty.clear();
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  private rememberTrace(executionId: string, traceparent: string): void {
    this.traceparents.delete(executionId);
    this.traceparents.set(executionId, traceparent);
    if (this.traceparents.size > MAX_TRACE_CONTEXTS) this.traceparents.delete(this.traceparents.keys().next().value!);
  }

  private schedule(executionId: string): void {
    if (!this.active) return;
    if (this.running.has(executionId)) {
      this.dirty.add(executionId);
      return;
    }
    this.queued.add(executionId);
    this.pump();
  }

  private pump(): void {
    for (const executionId of this.queued) {
      if (this.running.size >= this.concurrency) return;
      this.queued.delete(executionId);
      if (this.running.has(executionId)) {
        this.dirty.add(executionId);
        continue;
      }
      const run = this.reconcile(executionId).finally(() => {
        this.running.delete(executionId);
        if (this.dirty.delete(executionId)) this.schedule(executionId);
        this.pump();
      });
      this.running.set(executionId, run);
    }
  }

  private async reconcile(executionId: string): Promise<void> {
    const { states, clock } = this.options;
    let failed = false;
    for (let pass = 0; pass < MAX_PASSES && this.active; pass += 1) {
      if (this.options.load) await loadEngineView(states, executionId, this.options.load);
      const view = engineViewOf(states, executionId, this.options.definitions);
      const now = clock().toISOString();
      const entropy = this.options.random();
      const conditionChecks = await stageConditionChecks(view.execution, this.options.conditionEvaluator ?? builtInRules, now, entropy);
      const commands = [...nextCommands(view, now, entropy), ...conditionChecks];
      if (commands.length === 0) break;
      // One span per step that does something, child of what last touched the execution (the request that started it,
      // a worker's result, the previous step): its appends, and the jobs it creates, carry the step's trace context.
      const { appended, errors } = await inSpan('engine step', () => this.applyAll(commands), {
        parent: contextOfTraceparent(this.traceparents.get(executionId)),
        attributes: { 'sluice.execution.id': executionId, 'sluice.engine.commands': commands.map(({ command }) => command.type).join(',') },
      });
      for (const error of errors) this.options.onError?.(error, executionId);
      failed = errors.length > 0;
      if (appended === 0) break;
      if (pass === MAX_PASSES - 1) this.dirty.add(executionId);
    }
    if (!this.active) return;
    const wakeUp = nextWakeUp(engineViewOf(states, executionId, this.options.definitions));
    const nowMs = clock().getTime();
    const untilWakeUp = wakeUp === null ? null : Date.parse(wakeUp) - nowMs;
    // A wake-up already due after a full pass means a step failed: look again soon, not in a tight loop.
    const delay = failed ? RETRY_AFTER_MS : untilWakeUp !== null && untilWakeUp <= 0 ? RETRY_AFTER_MS : untilWakeUp;
    this.timers.arm(executionId, delay);
  }

  /** Commands to different streams go out together; those to one stream in the order proposed. */
  private async applyAll(proposed: EngineCommand[]): Promise<{ appended: number; errors: unknown[] }> {
    const traceContext = currentTraceparent();
    // A job carries the trace context of the step that created it: the worker's job span is that step's child.
    const commands =
      traceContext === undefined
        ? proposed
        : proposed.map((proposal): EngineCommand => (proposal.aggregate === 'job' && proposal.command.type === 'CreateJob' ? { aggregate: 'job', command: { ...proposal.command, spec: { ...proposal.command.spec, traceContext } } } : proposal));
    const byStream = new Map<string, EngineCommand[]>();
    for (const command of commands) byStream.set(streamOf(command), [...(byStream.get(streamOf(command)) ?? []), command]);
    let appended = 0;
    const errors: unknown[] = [];
    await Promise.all(
      [...byStream.values()].map(async (group) => {
        for (const command of group) {
          try {
            appended += (await this.options.commands.apply(command)).events.length;
          } catch (error) {
            errors.push(error);
            return;
          }
        }
      }),
    );
    return { appended, errors };
  }
}
