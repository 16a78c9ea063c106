import { insertRows, preferLz4Sql, toArrayLiteral, updatingAllBut, type CarryingFold, type DurableProjection, type ReadModelDatabase, type RecordedEvent, type Row, type SqlStatement } from '@sluice/eventing';
import { EXECUTION_STREAM_PREFIX, JOB_STREAM_PREFIX, LANES_STREAM_PREFIX, type ExecutionEvent, type JobEvent, type LanesEvent, type PipelineRef } from '@sluice/contracts';
import {
  EXPIRED_EXECUTION_STREAM_PREFIX,
  evolveExecution,
  evolveJob,
  evolveLanes,
  initialJobState,
  initialLanesState,
  needsAttentionOfItsOwn,
  type JobState,
  type LanesState,
  evolvePipelineState,
  initialExecutionState,
  initialPipelineState,
  summaryOf,
  type ActionExecutionDetail,
  type Deployment,
  type ExecutionExpiry,
  type ExecutionState,
  type PipelineExecutionExpired,
  type PipelineExecutionSummary,
  type PipelineStateView,
  type RuleExecutionDetail,
} from '../domain';
import { approvalOpenedBy, evolveExecutionStreamViews, initialExecutionStreamViews, type ApprovalLocation, type ExecutionStreamViews, type ExecutionViews } from './execution-views';
import { pipelineKey } from './pipeline-key';
import { addressesClaimedBy } from './artifact-claims-index';

/** One execution's row as the fold holds it between loading and writing. */
interface ExecutionRecord {
  executionId: string;
  pipeline: PipelineRef | null;
  /** The position of its PipelineExecutionStarted: the start order of a pipeline's list. */
  started: string | null;
  revision: bigint;
  state: ExecutionState;
  /** Null once retention expired it (decision 0056). */
  views: ExecutionStreamViews | null;
  expired: ExecutionExpiry | null;
}

/** A job or lanes stream's folded state between loading and writing. */
interface FoldedStream {
  revision: bigint;
  state: JobState | LanesState;
  /** A job's execution, once created. */
  executionId: string | null;
}

/** The columns of an execution's row the fold writes, in the order of the values it gives. */
const RECORD_WRITTEN_COLUMNS: readonly string[] = ['execution_id', 'account', 'pipeline_name', 'started_position', 'revision', 'state', 'summary', 'views', 'action_details', 'rule_details', 'deployments', 'expired', 'attention'];

/** The columns of an execution's row that hold JSON (as text). */
const RECORD_JSON_COLUMNS: readonly string[] = ['state', 'summary', 'views', 'action_details', 'rule_details', 'deployments', 'expired'];

const RECORD_COLUMNS = 'execution_id, account, pipeline_name, started_position::text AS started_position, revision::text AS revision, state, views, action_details, rule_details, deployments, expired';

/**
 * What the runner's committed batches leave for the next (`foldCarrying`): the rows they evolved most recently, by id,
 * at most `CARRIED_ROWS` of each kind (a job's, an execution's and its pipeline's rows change over many small batches).
 */
interface FoldCarry {
  records: Map<string, ExecutionRecord>;
  pipelineViews: Map<string, PipelineStateView>;
  streams: Map<string, FoldedStream>;
}

const CARRIED_ROWS = 512;

/** `carried` with `batch`'s entries as its newest, trimmed to the bound (a Map keeps insertion order). */
function carryOn<T>(carried: ReadonlyMap<string, T>, batch: ReadonlyMap<string, T>): Map<string, T> {
  const next = new Map(carried);
  for (const [key, value] of batch) {
    next.delete(key);
    next.set(key, value);
  }
  for (const key of next.keys()) {
    if (next.size <= CARRIED_ROWS) break;
    next.delete(key);
  }
  return next;
}

/**
 * Streams whose first event in the batch is their first event ever (revision 0): the row kept for that stream does not
 * exist yet (the checkpoint says no batch folded it), so none is read. Only a stream's own row: an expiry's stream is
 * new when the execution it names was folded long before.
 */
function newStreams(events: readonly RecordedEvent[]): Set<string> {
  const seen = new Set<string>();
  const fresh = new Set<string>();
  for (const { streamId, revision } of events) {
    if (seen.has(streamId)) continue;
    seen.add(streamId);
    if (revision === 0n) fresh.add(streamId);
  }
  return fresh;
}

/**
 * The engine's query side in tables of the store's database (decision 0069): per execution its folded state, summary,
 * views (action and rule executions, deployments) and expiry; per pipeline its state (getPipelineState); where each
 * approval request sits. Folded by the durable runner with its checkpoint in the same transaction (decision 0048), so
 * the executions service neither holds nor replays them. The execution's state is evolved in code (the domain's fold),
 * so a batch first reads the rows it touches (`readsOwnRows`); everything a query reads is a column written then.
 */
export class ExecutionsReadModel implements DurableProjection, ExecutionViews {
  readonly name = 'executions.read-model';
  readonly streamPrefixes = [EXECUTION_STREAM_PREFIX, LANES_STREAM_PREFIX, JOB_STREAM_PREFIX, EXPIRED_EXECUTION_STREAM_PREFIX];
  readonly tables = ['execution_records', 'execution_pipeline_states', 'execution_approvals', 'engine_job_states', 'engine_lanes_states', 'execution_artifact_claims'];
  readonly readsOwnRows = true;

  /**
   * `fresh` is awaited before every query: the live service makes a read wait until the tables hold what its engine
   * has folded (its own writes included), as the in-memory read models did.
   */
  constructor(
    private readonly database: ReadModelDatabase,
    private readonly fresh: () => Promise<void> = async () => undefined,
  ) {}

  schemaSql(schema: string): string {
    const s = `"${schema}"`;
    return `
CREATE TABLE IF NOT EXISTS ${s}.execution_records (execution_id text PRIMARY KEY, account text, pipeline_name text, started_position bigint, revision bigint NOT NULL,
  state text NOT NULL, summary text, views text, action_details text, rule_details text, deployments text, expired text, attention boolean NOT NULL);
CREATE INDEX IF NOT EXISTS execution_records_by_pipeline ON ${s}.execution_records (account, pipeline_name, started_position);
CREATE TABLE IF NOT EXISTS ${s}.execution_pipeline_states (pipeline_key text PRIMARY KEY, view text NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.execution_approvals (token text PRIMARY KEY, execution_id text NOT NULL, stage_name text NOT NULL, action_name text NOT NULL);
CREATE INDEX IF NOT EXISTS execution_records_attention ON ${s}.execution_records (execution_id) WHERE attention;
CREATE TABLE IF NOT EXISTS ${s}.engine_job_states (job_id text PRIMARY KEY, execution_id text NOT NULL, revision bigint NOT NULL, state text NOT NULL);
CREATE INDEX IF NOT EXISTS engine_job_states_by_execution ON ${s}.engine_job_states (execution_id);
CREATE TABLE IF NOT EXISTS ${s}.engine_lanes_states (pipeline_key text PRIMARY KEY, revision bigint NOT NULL, state text NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.execution_artifact_claims (address text NOT NULL, account text NOT NULL, PRIMARY KEY (address, account));
${preferLz4Sql(`${s}.execution_records`, ['state', 'views', 'action_details', 'rule_details', 'deployments'])}
${preferLz4Sql(`${s}.execution_pipeline_states`, ['view'])}
${preferLz4Sql(`${s}.engine_job_states`, ['state'])}
${preferLz4Sql(`${s}.engine_lanes_states`, ['state'])}
`;
  }

  async fold(events: readonly RecordedEvent[], schema: string, database: ReadModelDatabase): Promise<SqlStatement[]> {
    return (await this.foldCarrying(events, schema, database, undefined)).statements;
  }

  /** The fold, with the rows the runner's recent committed batches evolved (`FoldCarry`) taken from `carried` instead of read again. */
  async foldCarrying(events: readonly RecordedEvent[], schema: string, database: ReadModelDatabase, carried: unknown): Promise<CarryingFold & { carried: FoldCarry }> {
    const s = `"${schema}"`;
    const known = (carried as FoldCarry | undefined) ?? { records: new Map(), pipelineViews: new Map(), streams: new Map() };
    const fresh = newStreams(events);
    const records = await this.loadRecords(database, s, events, known.records, fresh);
    const pipelineViews = await this.loadPipelineViews(database, s, events, records, known.pipelineViews);
    const dirty = new Set<ExecutionRecord>();
    const dirtyPipelines = new Set<string>();
    const approvals: Array<[string, ApprovalLocation]> = [];
    const recordOf = (executionId: string): ExecutionRecord => {
      let record = records.get(executionId);
      if (!record) {
        record = { executionId, pipeline: null, started: null, revision: -1n, state: initialExecutionState, views: initialExecutionStreamViews, expired: null };
        records.set(executionId, record);
      }
      return record;
    };
    const evolvePipeline = (key: string, change: Parameters<typeof evolvePipelineState>[1]) => {
      pipelineViews.set(key, evolvePipelineState(pipelineViews.get(key) ?? initialPipelineState, change));
      dirtyPipelines.add(key);
    };
    const streams = await this.loadStreamStates(database, s, events, known.streams, fresh);
    const dirtyStreams = new Set<string>();
    const claims: Array<[address: string, account: string]> = [];
    for (const recorded of events) {
      if (recorded.streamId.startsWith(LANES_STREAM_PREFIX)) {
        const event = { type: recorded.type, data: recorded.data } as LanesEvent;
        const lanes = streams.get(recorded.streamId) ?? { revision: -1n, state: initialLanesState, executionId: null };
        if (recorded.revision <= lanes.revision) continue;
        evolvePipeline(recorded.streamId.slice(LANES_STREAM_PREFIX.length), { stream: 'lanes', event });
        streams.set(recorded.streamId, { revision: recorded.revision, state: evolveLanes(lanes.state as LanesState, event), executionId: null });
        dirtyStreams.add(recorded.streamId);
      } else if (recorded.streamId.startsWith(JOB_STREAM_PREFIX)) {
        const job = streams.get(recorded.streamId) ?? { revision: -1n, state: initialJobState, executionId: null };
        if (recorded.revision <= job.revision) continue;
        const state = evolveJob(job.state as JobState, { type: recorded.type, data: recorded.data } as JobEvent);
        streams.set(recorded.streamId, { revision: recorded.revision, state, executionId: state.status === 'NotCreated' ? null : state.spec.executionId });
        dirtyStreams.add(recorded.streamId);
      } else if (recorded.streamId.startsWith(EXPIRED_EXECUTION_STREAM_PREFIX)) {
        if (recorded.type !== 'PipelineExecutionExpired') continue;
        const { pipelineExecutionId, account, pipelineName, expiredAt, retentionDays } = (recorded as unknown as PipelineExecutionExpired).data;
        const record = recordOf(pipelineExecutionId);
        record.expired = { account, pipelineName, expiredAt, retentionDays };
        record.views = null;
        dirty.add(record);
      } else if (recorded.streamId.startsWith(EXECUTION_STREAM_PREFIX)) {
        const record = recordOf(recorded.streamId.slice(EXECUTION_STREAM_PREFIX.length));
        // Each event once, in its stream's order: the checkpoint guarantees it, this keeps a replayed row unchanged.
        if (recorded.revision <= record.revision) continue;
        const event = { type: recorded.type, data: recorded.data } as ExecutionEvent;
        record.revision = recorded.revision;
        record.state = evolveExecution(record.state, event);
        dirty.add(record);
        if (record.state.status === 'NotStarted') continue;
        const { executionId, inputs } = record.state.run;
        if (event.type === 'PipelineExecutionStarted') {
          record.pipeline = inputs.pipeline;
          record.started = recorded.position.toString();
        }
        for (const address of addressesClaimedBy(event)) claims.push([address, inputs.pipeline.account]);
        const approval = approvalOpenedBy(executionId, event);
        if (approval) approvals.push(approval);
        evolvePipeline(pipelineKey(inputs.pipeline), { stream: 'execution', executionId, event });
        if (record.views) record.views = evolveExecutionStreamViews(record.views, event);
      }
    }
    const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));
    // Each value its own parameter, JSON columns as their text (`insertRows`, decision 0075).
    const statements: SqlStatement[] = [
      ...insertRows(
        `${s}.execution_records`,
        RECORD_WRITTEN_COLUMNS,
        [...dirty].map((record) => [
          record.executionId,
          record.pipeline?.account ?? record.expired?.account ?? null,
          record.pipeline?.name ?? record.expired?.pipelineName ?? null,
          record.started,
          record.revision.toString(),
          JSON.stringify(record.state),
          json(summaryOf(record.state)),
          record.views ? JSON.stringify(storedViews(record.views)) : null,
          record.views ? JSON.stringify(record.views.actionExecutions.details) : null,
          record.views ? JSON.stringify(record.views.ruleExecutions.details) : null,
          json(record.views?.deployments?.deployments),
          json(record.expired),
          String(needsAttentionOfItsOwn(record.state)),
        ]),
        updatingAllBut('execution_id', RECORD_WRITTEN_COLUMNS),
      ),
      ...insertRows(
        `${s}.execution_pipeline_states`,
        ['pipeline_key', 'view'],
        [...dirtyPipelines].map((key) => [key, JSON.stringify(pipelineViews.get(key))]),
        'ON CONFLICT (pipeline_key) DO UPDATE SET view = EXCLUDED.view',
      ),
      ...insertRows(
        `${s}.execution_approvals`,
        ['token', 'execution_id', 'stage_name', 'action_name'],
        approvals.map(([token, location]) => [token, location.executionId, location.stageName, location.actionName]),
        'ON CONFLICT DO NOTHING',
      ),
    ];
    const jobs = [...dirtyStreams].filter((id) => id.startsWith(JOB_STREAM_PREFIX) && streams.get(id)!.executionId !== null);
    statements.push(
      ...insertRows(
        `${s}.engine_job_states`,
        ['job_id', 'execution_id', 'revision', 'state'],
        jobs.map((id) => [id.slice(JOB_STREAM_PREFIX.length), streams.get(id)!.executionId, streams.get(id)!.revision.toString(), JSON.stringify(streams.get(id)!.state)]),
        'ON CONFLICT (job_id) DO UPDATE SET execution_id = EXCLUDED.execution_id, revision = EXCLUDED.revision, state = EXCLUDED.state',
      ),
    );
    const lanes = [...dirtyStreams].filter((id) => id.startsWith(LANES_STREAM_PREFIX));
    statements.push(
      ...insertRows(
        `${s}.engine_lanes_states`,
        ['pipeline_key', 'revision', 'state'],
        lanes.map((id) => [id.slice(LANES_STREAM_PREFIX.length), streams.get(id)!.revision.toString(), JSON.stringify(streams.get(id)!.state)]),
        'ON CONFLICT (pipeline_key) DO UPDATE SET revision = EXCLUDED.revision, state = EXCLUDED.state',
      ),
    );
    // An address claimed twice in the batch is one row: the second insert meets the first's and does nothing.
    statements.push(...insertRows(`${s}.execution_artifact_claims`, ['address', 'account'], claims, 'ON CONFLICT DO NOTHING'));
    return {
      statements,
      carried: { records: carryOn(known.records, records), pipelineViews: carryOn(known.pipelineViews, pipelineViews), streams: carryOn(known.streams, streams) },
      // A batch's own rows are the newest carried: all of them are, unless it touched more than the bound.
      holdsBatch: Math.max(records.size, pipelineViews.size, streams.size) <= CARRIED_ROWS,
    };
  }

  /** The folded states of the job and lanes streams the batch touches, by stream id. */
  private async loadStreamStates(
    database: ReadModelDatabase,
    s: string,
    events: readonly RecordedEvent[],
    carried: ReadonlyMap<string, FoldedStream>,
    fresh: ReadonlySet<string>,
  ): Promise<Map<string, FoldedStream>> {
    const jobs = new Set<string>();
    const lanes = new Set<string>();
    const streams = new Map<string, FoldedStream>();
    for (const { streamId } of events) {
      const known = carried.get(streamId);
      if (known) streams.set(streamId, known);
      else if (fresh.has(streamId)) continue;
      else if (streamId.startsWith(JOB_STREAM_PREFIX)) jobs.add(streamId.slice(JOB_STREAM_PREFIX.length));
      else if (streamId.startsWith(LANES_STREAM_PREFIX)) lanes.add(streamId.slice(LANES_STREAM_PREFIX.length));
    }
    const [jobRows, lanesRows] = await Promise.all([
      jobs.size === 0 ? [] : database.query(`SELECT job_id, execution_id, revision::text AS revision, state FROM ${s}.engine_job_states WHERE job_id = ANY($1::text[])`, [toArrayLiteral([...jobs])]),
      lanes.size === 0 ? [] : database.query(`SELECT pipeline_key, revision::text AS revision, state FROM ${s}.engine_lanes_states WHERE pipeline_key = ANY($1::text[])`, [toArrayLiteral([...lanes])]),
    ]);
    for (const row of jobRows) streams.set(`${JOB_STREAM_PREFIX}${row.job_id!}`, { revision: BigInt(row.revision!), state: JSON.parse(row.state!) as JobState, executionId: row.execution_id });
    for (const row of lanesRows) streams.set(`${LANES_STREAM_PREFIX}${row.pipeline_key!}`, { revision: BigInt(row.revision!), state: JSON.parse(row.state!) as LanesState, executionId: null });
    return streams;
  }

  /** The rows of the executions the batch touches, by id. */
  private async loadRecords(
    database: ReadModelDatabase,
    s: string,
    events: readonly RecordedEvent[],
    carried: ReadonlyMap<string, ExecutionRecord>,
    fresh: ReadonlySet<string>,
  ): Promise<Map<string, ExecutionRecord>> {
    const ids = new Set<string>();
    const records = new Map<string, ExecutionRecord>();
    for (const { streamId } of events) {
      const id = streamId.startsWith(EXECUTION_STREAM_PREFIX)
        ? streamId.slice(EXECUTION_STREAM_PREFIX.length)
        : streamId.startsWith(EXPIRED_EXECUTION_STREAM_PREFIX)
          ? streamId.slice(EXPIRED_EXECUTION_STREAM_PREFIX.length)
          : undefined;
      if (id === undefined) continue;
      const known = carried.get(id);
      if (known) records.set(id, known);
      // An execution's first event: no row yet. An expiry's first event names an execution folded before: read.
      else if (!(fresh.has(streamId) && streamId.startsWith(EXECUTION_STREAM_PREFIX))) ids.add(id);
    }
    if (ids.size === 0) return records;
    const rows = await database.query(`SELECT ${RECORD_COLUMNS} FROM ${s}.execution_records WHERE execution_id = ANY($1::text[])`, [toArrayLiteral([...ids])]);
    for (const row of rows) records.set(row.execution_id!, recordOfRow(row));
    return records;
  }

  /** The views of the pipelines the batch touches: of its lanes streams, and of the executions it touches. */
  private async loadPipelineViews(
    database: ReadModelDatabase,
    s: string,
    events: readonly RecordedEvent[],
    records: ReadonlyMap<string, ExecutionRecord>,
    carried: ReadonlyMap<string, PipelineStateView>,
  ): Promise<Map<string, PipelineStateView>> {
    const keys = new Set<string>();
    for (const recorded of events) {
      if (recorded.streamId.startsWith(LANES_STREAM_PREFIX)) keys.add(recorded.streamId.slice(LANES_STREAM_PREFIX.length));
      else if (recorded.type === 'PipelineExecutionStarted' && recorded.streamId.startsWith(EXECUTION_STREAM_PREFIX)) {
        keys.add(pipelineKey((recorded.data as { inputs: { pipeline: PipelineRef } }).inputs.pipeline));
      }
    }
    for (const record of records.values()) if (record.pipeline) keys.add(pipelineKey(record.pipeline));
    const views = new Map<string, PipelineStateView>();
    for (const key of keys) {
      const known = carried.get(key);
      if (known === undefined) continue;
      views.set(key, known);
      keys.delete(key);
    }
    if (keys.size === 0) return views;
    const rows = await database.query(`SELECT pipeline_key, view FROM ${s}.execution_pipeline_states WHERE pipeline_key = ANY($1::text[])`, [toArrayLiteral([...keys])]);
    for (const row of rows) views.set(row.pipeline_key!, JSON.parse(row.view!) as PipelineStateView);
    return views;
  }

  async pipelineState(pipeline: PipelineRef): Promise<PipelineStateView | undefined> {
    const [row] = await this.query(`SELECT view FROM ${this.s}.execution_pipeline_states WHERE pipeline_key = $1`, [pipelineKey(pipeline)]);
    return row ? (JSON.parse(row.view!) as PipelineStateView) : undefined;
  }

  async execution(executionId: string): Promise<{ pipeline: PipelineRef; summary: PipelineExecutionSummary; expiry?: ExecutionExpiry } | undefined> {
    const [row] = await this.query(`SELECT account, pipeline_name, summary, expired FROM ${this.s}.execution_records WHERE execution_id = $1 AND summary IS NOT NULL AND started_position IS NOT NULL`, [executionId]);
    if (!row) return undefined;
    const found = { pipeline: { account: row.account!, name: row.pipeline_name! }, summary: JSON.parse(row.summary!) as PipelineExecutionSummary };
    return row.expired === null ? found : { ...found, expiry: JSON.parse(row.expired) as ExecutionExpiry };
  }

  async pipelineOf(executionId: string): Promise<PipelineRef | undefined> {
    const [row] = await this.query(`SELECT account, pipeline_name FROM ${this.s}.execution_records WHERE execution_id = $1 AND started_position IS NOT NULL`, [executionId]);
    return row ? { account: row.account!, name: row.pipeline_name! } : undefined;
  }

  async summaries(pipeline: PipelineRef): Promise<PipelineExecutionSummary[]> {
    const rows = await this.query(`SELECT summary FROM ${this.s}.execution_records ${OF_PIPELINE} AND summary IS NOT NULL ORDER BY started_position`, [pipeline.account, pipeline.name]);
    return rows.map((row) => JSON.parse(row.summary!) as PipelineExecutionSummary);
  }

  actionDetails(pipeline: PipelineRef, executionId: string | null): Promise<ActionExecutionDetail[] | undefined> {
    return this.detailsOf<ActionExecutionDetail>('action_details', pipeline, executionId);
  }

  ruleDetails(pipeline: PipelineRef, executionId: string | null): Promise<RuleExecutionDetail[] | undefined> {
    return this.detailsOf<RuleExecutionDetail>('rule_details', pipeline, executionId);
  }

  async deployments(pipeline: PipelineRef): Promise<Deployment[] | undefined> {
    const rows = await this.query(`SELECT deployments FROM ${this.s}.execution_records ${OF_PIPELINE} ORDER BY started_position`, [pipeline.account, pipeline.name]);
    if (rows.length === 0) return undefined;
    return rows.flatMap((row) => (row.deployments === null ? [] : (JSON.parse(row.deployments) as Deployment[])));
  }

  async approval(token: string): Promise<ApprovalLocation | undefined> {
    const [row] = await this.query(`SELECT execution_id, stage_name, action_name FROM ${this.s}.execution_approvals WHERE token = $1`, [token]);
    return row ? { executionId: row.execution_id!, stageName: row.stage_name!, actionName: row.action_name! } : undefined;
  }

  async expiryOf(executionId: string): Promise<ExecutionExpiry | undefined> {
    const [row] = await this.query(`SELECT expired FROM ${this.s}.execution_records WHERE execution_id = $1 AND expired IS NOT NULL`, [executionId]);
    return row ? (JSON.parse(row.expired!) as ExecutionExpiry) : undefined;
  }

  /** Started executions not expired with nothing left for the engine (of `account` when given), by id, in pages. */
  async *executionsAtRest(account: string | undefined): AsyncGenerator<{ executionId: string; state: ExecutionState }> {
    for (let after = ''; ; ) {
      const rows = await this.query(
        `SELECT execution_id, state FROM ${this.s}.execution_records
          WHERE execution_id > $1 AND started_position IS NOT NULL AND expired IS NULL AND NOT attention AND ($2::text IS NULL OR account = $2)
          ORDER BY execution_id LIMIT ${AT_REST_PAGE}`,
        [after, account ?? null],
      );
      for (const row of rows) yield { executionId: row.execution_id!, state: JSON.parse(row.state!) as ExecutionState };
      if (rows.length < AT_REST_PAGE) return;
      after = rows.at(-1)!.execution_id!;
    }
  }

  /** The engine's streams to hold in memory at a start (decision 0070): every lanes stream, the executions that need the engine or hold a lane place, and their jobs. */
  async engineStreams(): Promise<Array<{ streamId: string; revision: bigint; state: unknown }>> {
    const s = this.s;
    const lanes = await this.database.query(`SELECT pipeline_key, revision::text AS revision, state FROM ${s}.engine_lanes_states`);
    const held = new Set<string>();
    const streams = lanes.map((row) => {
      const state = JSON.parse(row.state!) as LanesState;
      for (const lane of Object.values(state.stages)) for (const entry of [...lane.occupants, ...lane.waiting]) held.add(entry.executionId);
      return { streamId: `${LANES_STREAM_PREFIX}${row.pipeline_key!}`, revision: BigInt(row.revision!), state: state as unknown };
    });
    const executions = await this.database.query(`SELECT execution_id, revision::text AS revision, state FROM ${s}.execution_records WHERE attention OR execution_id = ANY($1::text[])`, [toArrayLiteral([...held])]);
    const jobs = await this.database.query(`SELECT job_id, revision::text AS revision, state FROM ${s}.engine_job_states WHERE execution_id = ANY($1::text[])`, [toArrayLiteral(executions.map((row) => row.execution_id!))]);
    for (const row of executions) streams.push({ streamId: `${EXECUTION_STREAM_PREFIX}${row.execution_id!}`, revision: BigInt(row.revision!), state: JSON.parse(row.state!) });
    for (const row of jobs) streams.push({ streamId: `${JOB_STREAM_PREFIX}${row.job_id!}`, revision: BigInt(row.revision!), state: JSON.parse(row.state!) });
    return streams;
  }

  /** The accounts the executions' events give a claim on each address (docs/decisions/0027). */
  async claimants(addresses: readonly string[]): Promise<Map<string, Set<string>>> {
    const claimants = new Map<string, Set<string>>();
    if (addresses.length === 0) return claimants;
    for (const row of await this.query(`SELECT address, account FROM ${this.s}.execution_artifact_claims WHERE address = ANY($1::text[])`, [toArrayLiteral([...addresses])])) {
      const accounts = claimants.get(row.address!) ?? new Set<string>();
      accounts.add(row.account!);
      claimants.set(row.address!, accounts);
    }
    return claimants;
  }

  /** Its tables as plain data (JSON parsed), in a fixed order: a rebuilt copy and a live one compare deep-equal. */
  async contents(database: ReadModelDatabase = this.database): Promise<unknown> {
    const s = `"${database.schema}"`;
    const [records, pipelines, approvals, jobs, lanes, claims] = await Promise.all([
      database.query(`SELECT execution_id, account, pipeline_name, started_position::text AS started_position, revision::text AS revision, state, summary, views, action_details, rule_details, deployments, expired,
          attention::text AS attention FROM ${s}.execution_records ORDER BY execution_id COLLATE "C"`),
      database.query(`SELECT pipeline_key, view FROM ${s}.execution_pipeline_states ORDER BY pipeline_key COLLATE "C"`),
      database.query(`SELECT token, execution_id, stage_name, action_name FROM ${s}.execution_approvals ORDER BY token COLLATE "C"`),
      database.query(`SELECT job_id, execution_id, revision::text AS revision, state FROM ${s}.engine_job_states ORDER BY job_id COLLATE "C"`),
      database.query(`SELECT pipeline_key, revision::text AS revision, state FROM ${s}.engine_lanes_states ORDER BY pipeline_key COLLATE "C"`),
      database.query(`SELECT address, account FROM ${s}.execution_artifact_claims ORDER BY address COLLATE "C", account COLLATE "C"`),
    ]);
    const parsed = (row: Row, json: readonly string[]) => Object.fromEntries(Object.entries(row).map(([column, value]) => [column, json.includes(column) && value !== null ? JSON.parse(value) : value]));
    return {
      records: records.map((row) => parsed(row, RECORD_JSON_COLUMNS)),
      pipelines: pipelines.map((row) => parsed(row, ['view'])),
      approvals,
      jobs: jobs.map((row) => parsed(row, ['state'])),
      lanes: lanes.map((row) => parsed(row, ['state'])),
      claims,
    };
  }

  private async detailsOf<T>(column: 'action_details' | 'rule_details', pipeline: PipelineRef, executionId: string | null): Promise<T[] | undefined> {
    if (executionId !== null) {
      const [row] = await this.query(`SELECT ${column} AS details FROM ${this.s}.execution_records ${OF_PIPELINE} AND execution_id = $3`, [pipeline.account, pipeline.name, executionId]);
      if (!row) return undefined;
      return row.details === null ? [] : (JSON.parse(row.details) as T[]);
    }
    const rows = await this.query(`SELECT ${column} AS details FROM ${this.s}.execution_records ${OF_PIPELINE} ORDER BY started_position DESC`, [pipeline.account, pipeline.name]);
    if (rows.length === 0) return undefined;
    return rows.flatMap((row) => (row.details === null ? [] : (JSON.parse(row.details) as T[])));
  }

  private async query(text: string, params: readonly (string | null)[]): Promise<Row[]> {
    await this.fresh();
    return this.database.query(text, params);
  }

  private get s(): string {
    return `"${this.database.schema}"`;
  }
}

const AT_REST_PAGE = 200;

/** A pipeline's executions still answered: started, of the account and pipeline ($1, $2), not expired. */
const OF_PIPELINE = 'WHERE account = $1 AND pipeline_name = $2 AND started_position IS NOT NULL AND expired IS NULL';

function recordOfRow(row: Row): ExecutionRecord {
  const state = JSON.parse(row.state!) as ExecutionState;
  return {
    executionId: row.execution_id!,
    pipeline: row.started_position === null ? null : { account: row.account!, name: row.pipeline_name! },
    started: row.started_position,
    revision: BigInt(row.revision!),
    state,
    views: row.views === null ? null : viewsOfRow(row, state),
    expired: row.expired === null ? null : (JSON.parse(row.expired) as ExecutionExpiry),
  };
}

/**
 * The views as the `views` column keeps them: without what other columns of the row already hold — the action and
 * rule attempts (`action_details`, `rule_details`), the deployments (`deployments`) and the definition the execution
 * runs (in `state`). An execution's row is rewritten at every batch that touches it, and those parts are most of it.
 */
function storedViews(views: ExecutionStreamViews): ExecutionStreamViews {
  return {
    actionExecutions: { ...views.actionExecutions, definition: null, details: [] },
    ruleExecutions: { ...views.ruleExecutions, details: [] },
    deployments: views.deployments && { ...views.deployments, deployments: [] },
  };
}

/** The views `storedViews` kept, made whole again from the row's other columns and its parsed `state`. */
function viewsOfRow(row: Row, state: ExecutionState): ExecutionStreamViews {
  const stored = JSON.parse(row.views!) as ExecutionStreamViews;
  const definition = state.status === 'NotStarted' ? stored.actionExecutions.definition : state.run.inputs.definition;
  return {
    actionExecutions: { ...stored.actionExecutions, definition, details: row.action_details === null ? [] : (JSON.parse(row.action_details) as ActionExecutionDetail[]) },
    ruleExecutions: { ...stored.ruleExecutions, details: row.rule_details === null ? [] : (JSON.parse(row.rule_details) as RuleExecutionDetail[]) },
    deployments: stored.deployments && { ...stored.deployments, deployments: row.deployments === null ? [] : (JSON.parse(row.deployments) as Deployment[]) },
  };
}
