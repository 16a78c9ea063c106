import { evolveExecution, evolveJob, evolveLanes, initialExecutionState, initialJobState, initialLanesState, type ExecutionState, type JobState, type LanesState } from '../domain';
import type { StreamStateSource } from '@sluice/eventing';
import { EXECUTION_STREAM_PREFIX, JOB_STREAM_PREFIX, LANES_STREAM_PREFIX, executionStreamId, jobStreamId, lanesStreamId, type ExecutionEvent, type JobEvent, type LanesEvent, type PipelineRef } from '@sluice/contracts';

/** A folded event of one of the engine's streams, with the state it led to. */
export type FoldedEvent =
  | { aggregate: 'execution'; streamId: string; revision: bigint; event: ExecutionEvent; state: ExecutionState }
  | { aggregate: 'lanes'; streamId: string; revision: bigint; event: LanesEvent; state: LanesState }
  | { aggregate: 'job'; streamId: string; revision: bigint; event: JobEvent; state: JobState };

export type Aggregate = FoldedEvent['aggregate'];

export interface Folded<S> {
  /** The revision of the last event folded in; -1 for a stream with none. */
  revision: bigint;
  state: S;
}

type Known = { aggregate: 'execution'; revision: bigint; state: ExecutionState } | { aggregate: 'lanes'; revision: bigint; state: LanesState } | { aggregate: 'job'; revision: bigint; state: JobState };

export function aggregateOf(streamId: string): Aggregate | null {
  if (streamId.startsWith(EXECUTION_STREAM_PREFIX)) return 'execution';
  if (streamId.startsWith(LANES_STREAM_PREFIX)) return 'lanes';
  if (streamId.startsWith(JOB_STREAM_PREFIX)) return 'job';
  return null;
}

/**
 * The folded state of every execution, lanes and job stream, by revision. Two sources feed it: the
 * store subscription and this process's own appends (write-through), so a decision made right after an
 * append sees it. An event is folded once, only as the next revision of its stream: whichever source
 * brings it first wins, the other is skipped, and the revisions of a stream never leave a gap.
 */
export class StreamStates {
  private readonly streams = new Map<string, Known>();
  private readonly listeners: Array<(folded: FoldedEvent) => void> = [];

  onFolded(listener: (folded: FoldedEvent) => void): void {
    this.listeners.push(listener);
  }

  execution(executionId: string): Folded<ExecutionState> {
    return this.folded(executionStreamId(executionId), 'execution', initialExecutionState);
  }

  lanes(pipeline: PipelineRef): Folded<LanesState> {
    return this.folded(lanesStreamId(pipeline), 'lanes', initialLanesState);
  }

  job(jobId: string): Folded<JobState> {
    return this.folded(jobStreamId(jobId), 'job', initialJobState);
  }

  /** Every stream's folded state and revision (listeners left out): what a rebuilt copy must equal. */
  contents(): ReadonlyMap<string, Known> {
    return this.streams;
  }

  revisionOf(streamId: string): bigint {
    return this.streams.get(streamId)?.revision ?? -1n;
  }

  executionIds(): string[] {
    return [...this.streams.entries()].flatMap(([streamId, known]) => (known.aggregate === 'execution' ? [streamId.slice(EXECUTION_STREAM_PREFIX.length)] : []));
  }

  /** The stream's folded state as `CommandHandler` loads it (any aggregate: what `catchUp` needs is the revision). */
  load(streamId: string): Folded<unknown> {
    const known = this.streams.get(streamId);
    return known ? { revision: known.revision, state: known.state } : { revision: -1n, state: undefined };
  }

  /** One aggregate's stream as the state source of a command: its state as folded here, and this table to fold into. */
  sourceOf<S>(current: () => Folded<S>): StreamStateSource<S> {
    return { load: current, apply: (streamId, revision, event) => this.apply(streamId, revision, event) };
  }

  /** Whether the stream's state is held here (a stream left out or evicted is loaded from the store before use). */
  holds(streamId: string): boolean {
    return this.streams.has(streamId);
  }

  /**
   * Puts in a stream's state folded elsewhere (the read model's tables, decision 0070) at `revision`, unless a later
   * one is held. No listener is told: nothing happened, the state only came into memory.
   */
  seed(streamId: string, revision: bigint, state: unknown): void {
    const aggregate = aggregateOf(streamId);
    const held = this.streams.get(streamId);
    if (aggregate === null || (held !== undefined && revision <= held.revision)) return;
    this.streams.set(streamId, { aggregate, revision, state } as Known);
  }

  /** Holds a stream not held yet as having no event: its next event is its first. */
  holdEmpty(streamId: string): void {
    const aggregate = aggregateOf(streamId);
    if (aggregate !== null && !this.streams.has(streamId)) this.streams.set(streamId, initialOf(aggregate));
  }

  /** Lets a stream's state go: the next use loads it again from the store. */
  evict(streamId: string): void {
    this.streams.delete(streamId);
  }

  /** How many streams are held (what the memory bound counts). */
  get size(): number {
    return this.streams.size;
  }

  /** Folds `event` if it is the stream's next revision; false if it was folded already. */
  apply(streamId: string, revision: bigint, event: { type: string; data: unknown }): boolean {
    const aggregate = aggregateOf(streamId);
    if (aggregate === null) return false;
    const current = this.streams.get(streamId) ?? initialOf(aggregate);
    if (revision <= current.revision) return false;
    if (revision !== current.revision + 1n) {
      throw new Error(`Stream ${streamId}: revision ${revision} follows ${current.revision}; a state cannot skip events.`);
    }
    const folded = evolveKnown(current, event, revision);
    this.streams.set(streamId, folded);
    const message = { ...folded, streamId, event } as FoldedEvent;
    for (const listener of this.listeners) listener(message);
    return true;
  }

  private folded<S>(streamId: string, aggregate: Aggregate, initial: S): Folded<S> {
    const known = this.streams.get(streamId);
    if (known && known.aggregate === aggregate) return { revision: known.revision, state: known.state as S };
    return { revision: -1n, state: initial };
  }
}

function initialOf(aggregate: Aggregate): Known {
  switch (aggregate) {
    case 'execution':
      return { aggregate, revision: -1n, state: initialExecutionState };
    case 'lanes':
      return { aggregate, revision: -1n, state: initialLanesState };
    case 'job':
      return { aggregate, revision: -1n, state: initialJobState };
  }
}

function evolveKnown(known: Known, event: { type: string; data: unknown }, revision: bigint): Known {
  switch (known.aggregate) {
    case 'execution':
      return { aggregate: 'execution', revision, state: evolveExecution(known.state, event as ExecutionEvent) };
    case 'lanes':
      return { aggregate: 'lanes', revision, state: evolveLanes(known.state, event as LanesEvent) };
    case 'job':
      return { aggregate: 'job', revision, state: evolveJob(known.state, event as JobEvent) };
  }
}
