import type { LogStream } from '../providers/action-provider';

/** One chunk of a job's output, as the provider wrote it. */
export interface JobLogEntry {
  jobId: string;
  pipelineExecutionId: string;
  stageName: string;
  actionName: string;
  /** Per job, from 0: a listener that joins late asks `recentLogs` for what came before. */
  sequence: number;
  stream: LogStream;
  chunk: string;
  at: string;
}

export type JobLogListener = (entry: JobLogEntry) => void;

export interface JobLogLimits {
  /** Characters of output kept per job; the oldest chunks go first (64 Ki). */
  charsPerJob: number;
  /** Finished jobs whose rings are kept, newest first (20). */
  finishedJobs: number;
}

interface Ring {
  entries: JobLogEntry[];
  chars: number;
  next: number;
}

/**
 * Each job's recent output in a bounded ring, and the listeners told of every chunk as it comes.
 * Memory stays bounded: running jobs are at most the worker's concurrency, finished ones a fixed count.
 */
export class JobLogs {
  private readonly rings = new Map<string, Ring>();
  private readonly finished: string[] = [];
  private readonly listeners = new Set<JobLogListener>();

  constructor(
    private readonly limits: JobLogLimits,
    private readonly onListenerError: (error: unknown) => void,
  ) {}

  append(job: Omit<JobLogEntry, 'sequence' | 'stream' | 'chunk' | 'at'>, stream: LogStream, chunk: string): void {
    let ring = this.rings.get(job.jobId);
    if (ring === undefined) this.rings.set(job.jobId, (ring = { entries: [], chars: 0, next: 0 }));
    const entry: JobLogEntry = { ...job, sequence: ring.next, stream, chunk, at: new Date().toISOString() };
    ring.next += 1;
    ring.entries.push(entry);
    ring.chars += chunk.length;
    while (ring.chars > this.limits.charsPerJob && ring.entries.length > 1) ring.chars -= ring.entries.shift()?.chunk.length ?? 0;
    for (const listener of this.listeners) {
      try {
        listener(entry);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  finish(jobId: string): void {
    if (!this.rings.has(jobId)) return;
    this.finished.push(jobId);
    while (this.finished.length > this.limits.finishedJobs) {
      const oldest = this.finished.shift();
      if (oldest !== undefined) this.rings.delete(oldest);
    }
  }

  recent(jobId: string): JobLogEntry[] {
    return [...(this.rings.get(jobId)?.entries ?? [])];
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: JobLogListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
