import { ConflictError, maskSecrets, NotFoundError, ValidationError, type ValidationIssue } from '@sluice/domain';
import type { EventStore, NewEvent } from '@sluice/eventing';
import { type JobState } from '../../domain';
import { jobStreamId, type JobSpec, actionLogStreamId, attemptNoteEventIdFor, LOG_STREAMS, logEventIdFor, truncationEventIdFor, type ActionLogAppended, type LogStreamName } from '@sluice/contracts';
import type { StreamStates } from '../../projections/stream-states';
import type { Clock } from '../caller';
import type { CommandHandler } from '@sluice/eventing';
import { PLATFORM_WORKER, visibleTo, type JobCaller } from '../job-worker-api';
import type { ActionLogLimits } from './action-log-limits';
import { writeLogChunk, type ArtifactStore } from '@sluice/artifact-store';
import { actionLogBytesOf } from '@sluice/contracts';

/** One chunk a worker sends with `appendJobLogs`. */
export interface JobLogEntryInput {
  sequence: number;
  stream: LogStreamName;
  chunk: string;
  at: string;
}

export interface JobLogAppenderDeps {
  store: EventStore;
  handler: CommandHandler;
  states: StreamStates;
  /**
   * Where the text goes (docs/decisions/0049): one chunk per call, the events reference it. Without one (an engine
   * composed for a unit test) the text stays inline in the events, as before 0049.
   */
  logStore?: ArtifactStore;
  clock: Clock;
  limits: ActionLogLimits;
  /** The forms of the job's secrets to show as `***` (decision 0043); none by default. */
  masksOf?: (spec: JobSpec) => Promise<string[]>;
}

const ENDED = new Set<JobState['status']>(['Succeeded', 'Failed', 'TimedOut', 'Cancelled']);
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
// Action executions whose stored size this process knows; beyond it the oldest is forgotten and read again if needed.
const KNOWN_ACTIONS = 2_000;

function validate(entries: unknown, limits: ActionLogLimits): JobLogEntryInput[] {
  if (!Array.isArray(entries)) throw new ValidationError([{ path: 'entries', message: 'entries must be a list', code: 'not_a_list' }]);
  const issues: ValidationIssue[] = [];
  if (entries.length > limits.batchEntries) {
    issues.push({ path: 'entries', message: `at most ${limits.batchEntries} entries per call, got ${entries.length}`, code: 'too_many' });
  }
  let total = 0;
  entries.forEach((entry: Partial<JobLogEntryInput> | null, index) => {
    const at = `entries[${index}]`;
    if (typeof entry !== 'object' || entry === null) return void issues.push({ path: at, message: 'an entry must be an object', code: 'not_an_object' });
    if (!Number.isSafeInteger(entry.sequence) || (entry.sequence as number) < 0) {
      issues.push({ path: `${at}.sequence`, message: 'the sequence must be an integer ≥ 0', code: 'invalid_sequence' });
    }
    if (!LOG_STREAMS.includes(entry.stream as LogStreamName)) {
      issues.push({ path: `${at}.stream`, message: `the stream must be one of ${LOG_STREAMS.join(', ')}`, code: 'invalid_stream' });
    }
    if (typeof entry.at !== 'string' || Number.isNaN(Date.parse(entry.at))) issues.push({ path: `${at}.at`, message: 'at must be an ISO-8601 instant', code: 'invalid_instant' });
    if (typeof entry.chunk !== 'string') return void issues.push({ path: `${at}.chunk`, message: 'the chunk must be a string', code: 'not_a_string' });
    const size = bytes(entry.chunk);
    total += size;
    if (size > limits.chunkBytes) issues.push({ path: `${at}.chunk`, message: `a chunk holds at most ${limits.chunkBytes} bytes, this one ${size}`, code: 'too_long' });
  });
  if (total > limits.batchBytes) issues.push({ path: 'entries', message: `one call carries at most ${limits.batchBytes} bytes of chunks, this one ${total}`, code: 'too_long' });
  if (issues.length > 0) throw new ValidationError(issues, 'The log entries were refused');
  return entries as JobLogEntryInput[];
}

/**
 * `appendJobLogs`: the job's holder (its nonce) appends `ActionLogAppended` events to the execution's log
 * stream. Ids derive from (jobId, attempt, sequence), so a batch sent twice is stored once, and the lines of a
 * job handed out again are kept beside the first attempt's.
 */
export class JobLogAppender {
  /** Bytes stored per action execution, as this process knows them (read from the stream once). */
  private readonly stored = new Map<string, Promise<{ bytes: number; truncated: boolean }>>();

  constructor(private readonly deps: JobLogAppenderDeps) {}

  async appendJobLogs(jobId: string, nonce: string, entries: JobLogEntryInput[], caller: JobCaller = PLATFORM_WORKER): Promise<void> {
    const valid = validate(entries, this.deps.limits);
    const { job, attempt } = await this.holdersJob(jobId, nonce, caller);
    if (valid.length === 0) return;
    const spec = job.spec;
    const forms = this.deps.masksOf ? await this.deps.masksOf(spec) : [];
    const streamId = actionLogStreamId(spec.executionId);
    const known = await this.storedOf(streamId, spec.actionExecutionId);
    const events: NewEvent[] = [];
    const eventOf = (entry: JobLogEntryInput, id: string): NewEvent => {
      const data: ActionLogAppended['data'] = {
        pipelineExecutionId: spec.executionId,
        pipelineName: spec.pipeline.name,
        stageName: spec.stageName,
        actionName: spec.actionName,
        actionExecutionId: spec.actionExecutionId,
        jobId,
        sequence: entry.sequence,
        stream: entry.stream,
        chunk: forms.length > 0 ? maskSecrets(entry.chunk, forms) : entry.chunk,
        at: entry.at,
      };
      return { id, type: 'ActionLogAppended', data };
    };
    for (const entry of valid) {
      if (known.truncated) break;
      const size = bytes(entry.chunk);
      if (known.bytes + size > this.deps.limits.actionBytes) {
        known.truncated = true;
        const chunk = `[sluice] this action's log reached ${this.deps.limits.actionBytes} bytes; further output is dropped.\n`;
        events.push(eventOf({ sequence: entry.sequence, stream: 'system', chunk, at: entry.at }, truncationEventIdFor(spec.actionExecutionId)));
        break;
      }
      known.bytes += size;
      events.push(eventOf(entry, logEventIdFor(jobId, entry.sequence, attempt)));
    }
    if (events.length === 0) return;
    const now = this.deps.clock().toISOString();
    const metadata = { account: spec.pipeline.account, actor: 'worker', correlationId: jobId, causationId: null, occurredAt: now };
    await this.deps.store.append(
      streamId,
      (await this.textsToLogStore(events)).map((event) => ({ ...event, metadata })),
    );
  }

  /**
   * The events with their texts in one chunk of the log store, referenced (`chunkRef`) instead of held. The chunk is
   * stored before the events: an event never references what is not there (a failed append leaves an unreferenced
   * chunk, which the logs' retention removes).
   */
  private async textsToLogStore(events: NewEvent[]): Promise<NewEvent[]> {
    if (this.deps.logStore === undefined) return events;
    const datas = events.map((event) => event.data as ActionLogAppended['data']);
    // The execution's own chunk (its id in a header): its retention deletes it without touching another's (decision 0056).
    const refs = await writeLogChunk(this.deps.logStore, datas.map((data) => data.chunk ?? ''), datas[0]!.pipelineExecutionId);
    return events.map((event, index) => {
      const { chunk: _text, ...data } = datas[index]!;
      return { ...event, data: { ...data, chunkRef: refs[index]! } };
    });
  }

  /**
   * The platform's own line in a job's log (`stream: system`, sequence -1), e.g. why an attempt started;
   * written once per (job, attempt) whichever instance writes it.
   */
  async appendNote(spec: JobSpec, attempt: number, chunk: string): Promise<void> {
    const at = this.deps.clock().toISOString();
    const data: ActionLogAppended['data'] = {
      pipelineExecutionId: spec.executionId,
      pipelineName: spec.pipeline.name,
      stageName: spec.stageName,
      actionName: spec.actionName,
      actionExecutionId: spec.actionExecutionId,
      jobId: spec.jobId,
      sequence: -1,
      stream: 'system',
      chunk,
      at,
    };
    const metadata = { account: spec.pipeline.account, actor: 'system', correlationId: spec.jobId, causationId: null, occurredAt: at };
    const events = await this.textsToLogStore([{ id: attemptNoteEventIdFor(spec.jobId, attempt), type: 'ActionLogAppended', data }]);
    await this.deps.store.append(actionLogStreamId(spec.executionId), events.map((event) => ({ ...event, metadata })));
  }

  /**
   * The job and the attempt `nonce` holds, if it holds the job now, or held it when it ended less than the grace
   * ago (its last lines). Another account's job is as unknown as one that never was.
   */
  private async holdersJob(jobId: string, nonce: string, caller: JobCaller): Promise<{ job: Exclude<JobState, { status: 'NotCreated' }>; attempt: number }> {
    const streamId = jobStreamId(jobId);
    if (this.deps.states.revisionOf(streamId) < 0n) await this.deps.handler.catchUp(streamId, this.deps.states);
    let job = this.deps.states.job(jobId).state;
    if (job.status === 'NotCreated' || !visibleTo(job, caller)) throw new NotFoundError('job', jobId);
    if (!this.holds(job, nonce)) {
      // Another node may have dispatched or ended it since this process last looked.
      await this.deps.handler.catchUp(streamId, this.deps.states);
      job = this.deps.states.job(jobId).state;
    }
    if (job.status === 'NotCreated') throw new NotFoundError('job', jobId);
    if ((job.status === 'Dispatched' || job.status === 'InProgress') && job.lease.nonce === nonce) return { job, attempt: job.dispatches };
    if (ENDED.has(job.status) && 'at' in job && this.deps.clock().getTime() - Date.parse(job.at) <= this.deps.limits.endedGraceMs) {
      const last = await this.lastDispatchOf(jobId);
      if (last?.nonce === nonce) return { job, attempt: last.attempt };
    }
    throw new ConflictError(`The job '${jobId}' is not held with this nonce (it is ${job.status}); its logs are refused.`, 'INVALID_NONCE');
  }

  private holds(job: JobState, nonce: string): boolean {
    return (job.status === 'Dispatched' || job.status === 'InProgress') && job.lease.nonce === nonce;
  }

  /** The nonce of the job's last dispatch, and which dispatch (attempt) it was. */
  private async lastDispatchOf(jobId: string): Promise<{ nonce: string; attempt: number } | undefined> {
    const dispatches = (await this.deps.store.readStream(jobStreamId(jobId))).filter((event) => event.type === 'JobDispatched');
    const last = dispatches.at(-1)?.data as { nonce?: string } | undefined;
    return last?.nonce === undefined ? undefined : { nonce: last.nonce, attempt: dispatches.length };
  }

  private storedOf(streamId: string, actionExecutionId: string): Promise<{ bytes: number; truncated: boolean }> {
    let known = this.stored.get(actionExecutionId);
    if (known === undefined) {
      known = this.deps.store.readStream(streamId).then((events) => {
        const counted = { bytes: 0, truncated: false };
        for (const event of events) {
          const data = event.data as ActionLogAppended['data'];
          if (data.actionExecutionId !== actionExecutionId) continue;
          if (event.id === truncationEventIdFor(actionExecutionId)) counted.truncated = true;
          else counted.bytes += actionLogBytesOf(data);
        }
        return counted;
      });
      known.catch(() => this.stored.delete(actionExecutionId));
      this.stored.set(actionExecutionId, known);
      if (this.stored.size > KNOWN_ACTIONS) this.stored.delete(this.stored.keys().next().value as string);
    }
    return known;
  }
}
