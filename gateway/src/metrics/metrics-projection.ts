import { Histogram } from 'prom-client';
import type { DurableProjection, ReadModelDatabase, RecordedEvent, SqlStatement } from '@sluice/eventing';
import { EXECUTION_STREAM_PREFIX, executionEventFields, executionIdOfStream, JOB_STREAM_PREFIX, statusesByEventType, statusOf } from '@sluice/contracts';

export const ACTION_DURATION_BUCKETS: readonly number[] = [0.1, 0.5, 1, 5, 30, 120, 600];

// Only the execution-level events (`PipelineExecution…`) change what `sluice_executions` counts; their status is
// the published one (`statusOf`).
const isExecutionLevel = (type: string): boolean => type.startsWith('PipelineExecution');
const ACTION_ENDS = new Set(['ActionExecutionSucceeded', 'ActionExecutionFailed', 'ActionExecutionAbandoned']);
// A requeued job waits for a worker again; a dispatched one is a worker's until its lease says otherwise.
const JOB_QUEUED = new Set(['JobCreated', 'JobRequeued']);
const JOB_TAKEN = new Set(['JobDispatched', 'JobAcknowledged', 'JobSucceeded', 'JobFailed', 'JobTimedOut', 'JobCancelled']);

/** `sluice_action_duration_seconds`: prom-client's histogram, in no registry (each scrape registers it in its own). */
export type ActionDurations = Histogram;

const actionDurations = (): ActionDurations =>
  new Histogram({
    name: 'sluice_action_duration_seconds',
    help: 'Action runs, from ActionExecutionStarted to their end (succeeded, failed or abandoned).',
    buckets: [...ACTION_DURATION_BUCKETS],
    registers: [],
  });

/**
 * What the gateway observes live (decision 0067): the durations of the action runs that start and end while it runs,
 * as a Prometheus histogram of this process (it starts from zero with the process, as every process's counters do).
 */
export interface LiveMetricsState {
  /** Start instants (ms) of the action runs begun and not yet ended, by action execution: the runs in flight. */
  actionStarts: Map<string, number>;
  actionDurations: ActionDurations;
}

export const emptyLiveMetricsState = (): LiveMetricsState => ({ actionStarts: new Map(), actionDurations: actionDurations() });

function actionKey(executionId: string, event: RecordedEvent): string {
  const data = event.data as { actionExecutionId?: unknown };
  if (typeof data?.actionExecutionId === 'string') return data.actionExecutionId;
  const { stageName, actionName } = executionEventFields(event);
  return `${executionId}/${stageName ?? ''}/${actionName ?? ''}`;
}

/** Folds one live event of an `execution-` stream into the durations (others are ignored). */
export function foldLiveMetricsEvent(state: LiveMetricsState, event: RecordedEvent): void {
  const executionId = executionIdOfStream(event.streamId);
  if (executionId === undefined) return;
  const at = Date.parse(event.metadata.occurredAt);
  if (event.type === 'ActionExecutionStarted') state.actionStarts.set(actionKey(executionId, event), at);
  else if (ACTION_ENDS.has(event.type)) {
    const key = actionKey(executionId, event);
    const started = state.actionStarts.get(key);
    if (started === undefined || Number.isNaN(at)) return;
    state.actionStarts.delete(key);
    state.actionDurations.observe(Math.max(0, at - started) / 1000);
  }
}

export interface ExecutionCount {
  account: string;
  status: string;
  count: number;
}

/**
 * The gauges' state as a durable read model (decision 0067): each execution's current status and the jobs waiting
 * for a worker, in tables of the store's database, so a gateway's start resumes after its checkpoint and its heap
 * holds none of it. A scrape counts in SQL.
 */
export class MetricsTables implements DurableProjection {
  readonly name = 'gateway.metrics';
  readonly streamPrefixes = [EXECUTION_STREAM_PREFIX, JOB_STREAM_PREFIX];
  readonly tables = ['metrics_executions', 'metrics_queued_jobs'];

  constructor(private readonly database: ReadModelDatabase) {}

  schemaSql(schema: string): string {
    const s = `"${schema}"`;
    return `
CREATE TABLE IF NOT EXISTS ${s}.metrics_executions (execution_id text PRIMARY KEY, account text NOT NULL, status text NOT NULL);
CREATE INDEX IF NOT EXISTS metrics_executions_by_account ON ${s}.metrics_executions (account, status);
CREATE TABLE IF NOT EXISTS ${s}.metrics_queued_jobs (job_id text PRIMARY KEY);
`;
  }

  /**
   * The batch's net effect, a statement per table: per execution its last status (and, for a new row, the account of
   * its first), per job whether it waits at the batch's end (a job is created, dispatched, acknowledged and done in
   * one batch: four statements per job before).
   */
  fold(events: readonly RecordedEvent[], schema: string): SqlStatement[] {
    const s = `"${schema}"`;
    const executions = new Map<string, { execution_id: string; account: string | undefined; status: string }>();
    const jobs = new Map<string, boolean>();
    for (const event of events) {
      const executionId = executionIdOfStream(event.streamId);
      if (executionId !== undefined) {
        const status = isExecutionLevel(event.type) ? statusOf(event) : null;
        if (status === null) continue;
        // The account of the execution's first status stays; a new one's comes from its inputs, else the event's metadata.
        const account = executions.get(executionId)?.account ?? executionEventFields(event).inputs?.pipeline?.account ?? event.metadata.account;
        executions.set(executionId, { execution_id: executionId, account, status });
      } else if (event.streamId.startsWith(JOB_STREAM_PREFIX)) {
        const jobId = event.streamId.slice(JOB_STREAM_PREFIX.length);
        if (JOB_QUEUED.has(event.type)) jobs.set(jobId, true);
        else if (JOB_TAKEN.has(event.type)) jobs.set(jobId, false);
      }
    }
    const statements: SqlStatement[] = [];
    if (executions.size > 0) {
      statements.push({
        text: `INSERT INTO ${s}.metrics_executions (execution_id, account, status)
          SELECT execution_id, account, status FROM json_to_recordset($1::json) AS r(execution_id text, account text, status text)
          ON CONFLICT (execution_id) DO UPDATE SET status = EXCLUDED.status`,
        params: [JSON.stringify([...executions.values()])],
      });
    }
    const waiting = [...jobs].filter(([, waits]) => waits).map(([jobId]) => jobId);
    const taken = [...jobs].filter(([, waits]) => !waits).map(([jobId]) => jobId);
    if (waiting.length > 0) {
      statements.push({ text: `INSERT INTO ${s}.metrics_queued_jobs (job_id) SELECT json_array_elements_text($1::json) ON CONFLICT DO NOTHING`, params: [JSON.stringify(waiting)] });
    }
    if (taken.length > 0) {
      statements.push({ text: `DELETE FROM ${s}.metrics_queued_jobs WHERE job_id IN (SELECT json_array_elements_text($1::json))`, params: [JSON.stringify(taken)] });
    }
    return statements;
  }

  /**
   * The same fold of the store's events with positions in ($1, $2], in one statement of the store's database: what a
   * gateway's start runs for what its checkpoint has not seen, instead of reading a long history into its heap
   * (decision 0074). Per execution the last status of the range, a new row's account from the first status event with
   * one; per job the last queued or taken event. metrics.int.spec.ts compares the two folds.
   */
  rebuildSql(schema: string, events: string): string {
    const s = `"${schema}"`;
    const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
    const statuses = statusesByEventType().filter(([type]) => isExecutionLevel(type));
    const statusOfType = `CASE e.type ${statuses.map(([type, status]) => `WHEN ${literal(type)} THEN ${literal(status)}`).join(' ')} END`;
    const list = (types: ReadonlySet<string>) => [...types].map(literal).join(', ');
    return `WITH ranged AS (
        SELECT e.position, e.stream_id, e.type, ${statusOfType} AS status,
               coalesce(e.data -> 'inputs' -> 'pipeline' ->> 'account', e.metadata ->> 'account') AS account
          FROM ${events} e
         WHERE e.position > $1::bigint AND e.position <= $2::bigint AND starts_with(e.stream_id, ${literal(EXECUTION_STREAM_PREFIX)})
           AND e.type IN (${statuses.map(([type]) => literal(type)).join(', ')})),
      latest AS (SELECT DISTINCT ON (stream_id) stream_id, status FROM ranged ORDER BY stream_id, position DESC),
      firsts AS (SELECT DISTINCT ON (stream_id) stream_id, account FROM ranged WHERE account IS NOT NULL ORDER BY stream_id, position),
      upserted AS (
        INSERT INTO ${s}.metrics_executions (execution_id, account, status)
        SELECT substr(l.stream_id, ${EXECUTION_STREAM_PREFIX.length + 1}), f.account, l.status FROM latest l LEFT JOIN firsts f USING (stream_id)
        ON CONFLICT (execution_id) DO UPDATE SET status = EXCLUDED.status RETURNING 1),
      jobs AS (
        SELECT DISTINCT ON (e.stream_id) substr(e.stream_id, ${JOB_STREAM_PREFIX.length + 1}) AS job_id, e.type IN (${list(JOB_QUEUED)}) AS waits
          FROM ${events} e
         WHERE e.position > $1::bigint AND e.position <= $2::bigint AND starts_with(e.stream_id, ${literal(JOB_STREAM_PREFIX)})
           AND e.type IN (${list(JOB_QUEUED)}, ${list(JOB_TAKEN)})
         ORDER BY e.stream_id, e.position DESC),
      queued AS (INSERT INTO ${s}.metrics_queued_jobs (job_id) SELECT job_id FROM jobs WHERE waits ON CONFLICT DO NOTHING RETURNING 1)
    DELETE FROM ${s}.metrics_queued_jobs WHERE job_id IN (SELECT job_id FROM jobs WHERE NOT waits)`;
  }

  /** Executions by account and current status, sorted by account then status; with `account`, only that account's. */
  async executionCounts(account?: string): Promise<ExecutionCount[]> {
    const rows = await this.database.query(
      `SELECT account, status, count(*)::text AS count FROM "${this.database.schema}".metrics_executions WHERE ($1::text IS NULL OR account = $1)
        GROUP BY account, status ORDER BY account COLLATE "C", status COLLATE "C"`,
      [account ?? null],
    );
    return rows.map((row) => ({ account: row.account!, status: row.status!, count: Number(row.count) }));
  }

  async queueDepth(): Promise<number> {
    const [row] = await this.database.query(`SELECT count(*)::text AS count FROM "${this.database.schema}".metrics_queued_jobs`);
    return Number(row?.count ?? 0);
  }

  async contents(database: ReadModelDatabase = this.database): Promise<unknown> {
    const s = `"${database.schema}"`;
    return {
      executions: await database.query(`SELECT execution_id, account, status FROM ${s}.metrics_executions ORDER BY execution_id COLLATE "C"`),
      queued: await database.query(`SELECT job_id FROM ${s}.metrics_queued_jobs ORDER BY job_id COLLATE "C"`),
    };
  }
}
