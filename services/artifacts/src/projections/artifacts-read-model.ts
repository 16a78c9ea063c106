import { isArtifactAddress } from '@sluice/artifact-store';
import { DurableRebuildable, toArrayLiteral, type DurableProjection, type ReadModelDatabase, type RebuildableProjection, type RecordedEvent, type Row, type SqlStatement } from '@sluice/eventing';
import { type ArtifactRef, type ExecutionEvent, type SourceRevision, ARTIFACT_STREAM_PREFIX, EXECUTION_STREAM_PREFIX, type ArtifactEvent, type ArtifactRecorded, type ArtifactSourceRevision } from '@sluice/contracts';
import type { RetentionArtifact } from '../domain/retention';

export type ArtifactRecord = ArtifactRecorded['data'];

export interface ArtifactEntry {
  sha256: string;
  /** Collections so far: part of derived event ids. */
  generation: number;
  /** Stream revision of the last `artifact-{sha256}` event folded in; undefined when the stream does not exist. */
  revision: bigint | undefined;
  /** Accounts whose claim comes from an upload (sorted). */
  uploads: string[];
  /** Accounts whose claim comes from a record: an execution of theirs produced the bytes (sorted). */
  recordedFor: string[];
  /** In the order they were recorded. */
  records: ArtifactRecord[];
  size: number | null;
  contentType: string | null;
  lastUsedAt: string | null;
  collected: boolean;
}

/** An output an action produced that the service still has to record (the reactor appends `ArtifactRecorded`). */
export type PendingRecord = Omit<ArtifactRecorded['data'], 'size' | 'contentType'>;

const TERMINAL = ['PipelineExecutionSucceeded', 'PipelineExecutionFailed', 'PipelineExecutionStopped', 'PipelineExecutionSuperseded'];

const TABLES = ['artifact_entries', 'artifact_claims', 'artifact_records', 'artifact_executions', 'artifact_references', 'artifact_pending_outputs'] as const;

/** An instant as the events write it (`toISOString`), from a timestamptz column. */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * What the artifacts service knows, folded from `artifact-` and `execution-` events into tables of the store's
 * database (docs/decisions/0048, 0065): who may read which bytes, each artifact's records, which executions
 * reference what (for retention), and the outputs still to record. Each event is folded by statements run in store
 * order inside the batch's transaction, so a statement sees what the events before it wrote (an output's source
 * revision is the one its execution knew at that event). Queries read the tables: nothing grows in the heap.
 */
export class ArtifactsReadModel implements DurableProjection {
  readonly name = 'artifacts.read-model';
  readonly streamPrefixes = [ARTIFACT_STREAM_PREFIX, EXECUTION_STREAM_PREFIX];
  readonly tables = TABLES;

  constructor(private readonly database: ReadModelDatabase) {}

  schemaSql(schema: string): string {
    const s = `"${schema}"`;
    return `
CREATE TABLE IF NOT EXISTS ${s}.artifact_entries (sha256 text PRIMARY KEY, generation integer NOT NULL DEFAULT 0, revision bigint, size bigint, content_type text, last_used_at timestamptz, collected boolean NOT NULL DEFAULT false);
CREATE TABLE IF NOT EXISTS ${s}.artifact_claims (sha256 text NOT NULL, account text NOT NULL, kind text NOT NULL, PRIMARY KEY (sha256, account, kind));
CREATE INDEX IF NOT EXISTS artifact_claims_by_account ON ${s}.artifact_claims (account, sha256);
CREATE TABLE IF NOT EXISTS ${s}.artifact_records (position bigint NOT NULL, sha256 text NOT NULL, name text NOT NULL, account text NOT NULL, pipeline_execution_id text NOT NULL, action_execution_id text NOT NULL, record text NOT NULL, PRIMARY KEY (position, sha256, name));
CREATE INDEX IF NOT EXISTS artifact_records_by_sha256 ON ${s}.artifact_records (sha256, position);
CREATE INDEX IF NOT EXISTS artifact_records_by_execution ON ${s}.artifact_records (pipeline_execution_id, position);
CREATE INDEX IF NOT EXISTS artifact_records_by_action ON ${s}.artifact_records (action_execution_id, name);
CREATE TABLE IF NOT EXISTS ${s}.artifact_executions (id text PRIMARY KEY, account text NOT NULL, pipeline_name text NOT NULL, pipeline_key text NOT NULL, started_at timestamptz NOT NULL, running boolean NOT NULL, source_revision text);
CREATE INDEX IF NOT EXISTS artifact_executions_by_pipeline ON ${s}.artifact_executions (pipeline_key, started_at DESC, id COLLATE "C" DESC);
CREATE TABLE IF NOT EXISTS ${s}.artifact_references (execution_id text NOT NULL, sha256 text NOT NULL, PRIMARY KEY (execution_id, sha256));
CREATE INDEX IF NOT EXISTS artifact_references_by_sha256 ON ${s}.artifact_references (sha256);
CREATE TABLE IF NOT EXISTS ${s}.artifact_pending_outputs (action_execution_id text NOT NULL, name text NOT NULL, position bigint NOT NULL, output text NOT NULL, PRIMARY KEY (action_execution_id, name));
`;
  }

  fold(events: readonly RecordedEvent[], schema: string): SqlStatement[] {
    const statements: SqlStatement[] = [];
    const s = `"${schema}"`;
    for (const event of events) {
      if (event.streamId.startsWith(ARTIFACT_STREAM_PREFIX)) statements.push(...artifactStatements(s, event));
      else if (event.streamId.startsWith(EXECUTION_STREAM_PREFIX)) statements.push(...executionStatements(s, event, event.streamId.slice(EXECUTION_STREAM_PREFIX.length)));
    }
    return statements;
  }

  /** Every table in a fixed order, as plain data: a rebuilt copy and the live one compare deep-equal. */
  async contents(database: ReadModelDatabase = this.database): Promise<unknown> {
    const s = `"${database.schema}"`;
    const [entries, claims, records, executions, references, pending] = await Promise.all([
      database.query(`SELECT sha256, generation::text AS generation, revision::text AS revision, size::text AS size, content_type, ${iso('last_used_at')} AS last_used_at, collected::text AS collected FROM ${s}.artifact_entries ORDER BY sha256 COLLATE "C"`),
      database.query(`SELECT sha256, account, kind FROM ${s}.artifact_claims ORDER BY sha256 COLLATE "C", account COLLATE "C", kind COLLATE "C"`),
      database.query(`SELECT position::text AS position, sha256, name, record FROM ${s}.artifact_records ORDER BY position, sha256 COLLATE "C", name COLLATE "C"`),
      database.query(`SELECT id, account, pipeline_name, pipeline_key, ${iso('started_at')} AS started_at, running::text AS running, source_revision FROM ${s}.artifact_executions ORDER BY id COLLATE "C"`),
      database.query(`SELECT execution_id, sha256 FROM ${s}.artifact_references ORDER BY execution_id COLLATE "C", sha256 COLLATE "C"`),
      database.query(`SELECT action_execution_id, name, position::text AS position, output FROM ${s}.artifact_pending_outputs ORDER BY action_execution_id COLLATE "C", name COLLATE "C"`),
    ]);
    return { entries, claims, records, executions, references, pending };
  }

  private get s(): string {
    return `"${this.database.schema}"`;
  }

  /** Whether `account` may read the bytes: it uploaded them or an execution of its produced them, and they were not collected since. */
  async isReadableBy(sha256: string, account: string): Promise<boolean> {
    const rows = await this.database.query(
      `SELECT 1 AS readable FROM ${this.s}.artifact_entries e JOIN ${this.s}.artifact_claims c ON c.sha256 = e.sha256 WHERE e.sha256 = $1 AND c.account = $2 AND NOT e.collected LIMIT 1`,
      [sha256, account],
    );
    return rows.length > 0;
  }

  /** Addresses `account` may read, in address order. */
  async readableBy(account: string): Promise<string[]> {
    const rows = await this.database.query(
      `SELECT DISTINCT c.sha256 FROM ${this.s}.artifact_claims c JOIN ${this.s}.artifact_entries e ON e.sha256 = c.sha256 WHERE c.account = $1 AND NOT e.collected ORDER BY c.sha256`,
      [account],
    );
    return rows.map((row) => row.sha256!);
  }

  /** The records of an execution's outputs for `account`, in the order they were recorded. */
  async recordsOf(pipelineExecutionId: string, account: string): Promise<ArtifactRecord[]> {
    const rows = await this.database.query(`SELECT record FROM ${this.s}.artifact_records WHERE pipeline_execution_id = $1 AND account = $2 ORDER BY position, name COLLATE "C"`, [pipelineExecutionId, account]);
    return rows.map((row) => JSON.parse(row.record!) as ArtifactRecord);
  }

  async hasRecorded(actionExecutionId: string, name: string): Promise<boolean> {
    return (await this.database.query(`SELECT 1 AS recorded FROM ${this.s}.artifact_records WHERE action_execution_id = $1 AND name = $2 LIMIT 1`, [actionExecutionId, name])).length > 0;
  }

  async artifact(sha256: string): Promise<ArtifactEntry | undefined> {
    const [entry] = await this.entries([sha256]);
    return entry;
  }

  /** The entries of the addresses known (an unknown address is left out), with their claims and records. */
  async entries(addresses: readonly string[]): Promise<ArtifactEntry[]> {
    if (addresses.length === 0) return [];
    const list = toArrayLiteral(addresses);
    const [rows, claims, records] = await Promise.all([
      this.database.query(
        `SELECT sha256, generation::text AS generation, revision::text AS revision, size::text AS size, content_type, ${iso('last_used_at')} AS last_used_at, collected::text AS collected FROM ${this.s}.artifact_entries WHERE sha256 = ANY($1::text[]) ORDER BY sha256`,
        [list],
      ),
      this.database.query(`SELECT sha256, account, kind FROM ${this.s}.artifact_claims WHERE sha256 = ANY($1::text[]) ORDER BY account COLLATE "C"`, [list]),
      this.database.query(`SELECT sha256, record FROM ${this.s}.artifact_records WHERE sha256 = ANY($1::text[]) ORDER BY position, name COLLATE "C"`, [list]),
    ]);
    return rows.map((row) => ({
      sha256: row.sha256!,
      generation: Number(row.generation),
      revision: row.revision === null ? undefined : BigInt(row.revision!),
      uploads: claims.filter((claim) => claim.sha256 === row.sha256 && claim.kind === 'upload').map((claim) => claim.account!),
      recordedFor: claims.filter((claim) => claim.sha256 === row.sha256 && claim.kind === 'record').map((claim) => claim.account!),
      records: records.filter((record) => record.sha256 === row.sha256).map((record) => JSON.parse(record.record!) as ArtifactRecord),
      size: row.size === null ? null : Number(row.size),
      contentType: row.content_type ?? null,
      lastUsedAt: row.last_used_at ?? null,
      collected: row.collected === 'true',
    }));
  }

  /**
   * What retention needs of the stored addresses (docs/decisions/0017): those a kept execution references (the newest
   * `keepExecutions` of each pipeline by start, ties by id, and every running one: `keptExecutionIds`' rule), those any
   * execution ever referenced, and each known one's size and last use.
   */
  async retentionOf(stored: readonly string[], keepExecutions: number): Promise<{ referencedByKept: Set<string>; everReferenced: Set<string>; artifacts: Map<string, RetentionArtifact> }> {
    const list = toArrayLiteral(stored);
    const [kept, ever, entries] = await Promise.all([
      this.database.query(
        `WITH ranked AS (SELECT id, running, row_number() OVER (PARTITION BY pipeline_key ORDER BY started_at DESC, id COLLATE "C" DESC) AS n FROM ${this.s}.artifact_executions)
         SELECT DISTINCT r.sha256 FROM ranked k JOIN ${this.s}.artifact_references r ON r.execution_id = k.id WHERE (k.running OR k.n <= $1::bigint) AND r.sha256 = ANY($2::text[])`,
        [String(keepExecutions), list],
      ),
      this.database.query(`SELECT DISTINCT sha256 FROM ${this.s}.artifact_references WHERE sha256 = ANY($1::text[])`, [list]),
      this.database.query(`SELECT sha256, size::text AS size, ${iso('last_used_at')} AS last_used_at FROM ${this.s}.artifact_entries WHERE sha256 = ANY($1::text[])`, [list]),
    ]);
    return {
      referencedByKept: new Set(kept.map((row) => row.sha256!)),
      everReferenced: new Set(ever.map((row) => row.sha256!)),
      artifacts: new Map(entries.map((row) => [row.sha256!, { sha256: row.sha256!, size: row.size === null ? null : Number(row.size), lastUsedAt: row.last_used_at ?? null }])),
    };
  }

  /** Outputs folded but not recorded yet, those of the events in (after, upTo] (all without bounds), in store order. */
  async pendingOutputs(after?: bigint, upTo?: bigint): Promise<PendingRecord[]> {
    const rows = await this.database.query(
      `SELECT output FROM ${this.s}.artifact_pending_outputs WHERE ($1::bigint IS NULL OR position > $1::bigint) AND ($2::bigint IS NULL OR position <= $2::bigint) ORDER BY position, name COLLATE "C"`,
      [after === undefined ? null : after.toString(), upTo === undefined ? null : upTo.toString()],
    );
    return rows.map((row: Row) => JSON.parse(row.output!) as PendingRecord);
  }
}

/** Creates the entry if it is new and sets what `set` says (columns of `artifact_entries`, EXCLUDED for the new values). */
function upsertEntry(s: string, sha256: string, revision: bigint, values: { size?: number | null; contentType?: string | null; usedAt?: string }, set: string[]): SqlStatement {
  return {
    text: `INSERT INTO ${s}.artifact_entries (sha256, revision, size, content_type, last_used_at) VALUES ($1, $2::bigint, $3::bigint, $4, $5::timestamptz)
      ON CONFLICT (sha256) DO UPDATE SET ${['revision = EXCLUDED.revision', ...set].join(', ')}`,
    params: [sha256, revision.toString(), values.size === undefined || values.size === null ? null : String(values.size), values.contentType ?? null, values.usedAt ?? null],
  };
}

const LATER = 'last_used_at = GREATEST(artifact_entries.last_used_at, EXCLUDED.last_used_at)';

function artifactStatements(s: string, event: RecordedEvent): SqlStatement[] {
  const typed = { type: event.type, data: event.data } as ArtifactEvent;
  const { sha256 } = typed.data as { sha256: string };
  const revision = event.revision;
  switch (typed.type) {
    case 'ArtifactUploaded':
      return [
        upsertEntry(s, sha256, revision, { size: typed.data.size, usedAt: typed.data.uploadedAt }, ['collected = false', 'size = EXCLUDED.size', LATER]),
        { text: `INSERT INTO ${s}.artifact_claims (sha256, account, kind) VALUES ($1, $2, 'upload') ON CONFLICT DO NOTHING`, params: [sha256, typed.data.account] },
      ];
    case 'ArtifactRecorded': {
      const record = typed.data;
      const withBytes = record.size !== null;
      return [
        withBytes
          ? upsertEntry(s, sha256, revision, { size: record.size, contentType: record.contentType, usedAt: record.recordedAt }, [
              'collected = false',
              'size = EXCLUDED.size',
              'content_type = COALESCE(EXCLUDED.content_type, artifact_entries.content_type)',
              LATER,
            ])
          : upsertEntry(s, sha256, revision, { usedAt: record.recordedAt }, [LATER]),
        ...(withBytes ? [{ text: `INSERT INTO ${s}.artifact_claims (sha256, account, kind) VALUES ($1, $2, 'record') ON CONFLICT DO NOTHING`, params: [sha256, record.account] }] : []),
        {
          text: `INSERT INTO ${s}.artifact_records (position, sha256, name, account, pipeline_execution_id, action_execution_id, record) VALUES ($1::bigint, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
          params: [event.position.toString(), sha256, record.name, record.account, record.pipelineExecutionId, record.actionExecutionId, JSON.stringify(record)],
        },
        { text: `DELETE FROM ${s}.artifact_pending_outputs WHERE action_execution_id = $1 AND name = $2`, params: [record.actionExecutionId, record.name] },
      ];
    }
    case 'ArtifactReleased':
      return [upsertEntry(s, sha256, revision, {}, []), { text: `DELETE FROM ${s}.artifact_claims WHERE sha256 = $1 AND account = $2`, params: [sha256, typed.data.account] }];
    case 'ArtifactFound':
      return [upsertEntry(s, sha256, revision, { size: typed.data.size, usedAt: typed.data.foundAt }, ['collected = false', 'size = EXCLUDED.size', LATER])];
    case 'ArtifactCollected':
      return [
        upsertEntry(s, sha256, revision, {}, ['collected = true', 'generation = artifact_entries.generation + 1', 'last_used_at = NULL']),
        // A collection of an artifact never seen before still counts (the in-memory fold created it collected).
        { text: `UPDATE ${s}.artifact_entries SET collected = true, generation = 1 WHERE sha256 = $1 AND revision = $2::bigint AND generation = 0 AND NOT collected`, params: [sha256, revision.toString()] },
        { text: `DELETE FROM ${s}.artifact_claims WHERE sha256 = $1`, params: [sha256] },
      ];
    default:
      return [upsertEntry(s, sha256, revision, {}, [])];
  }
}

/** The statements that add `artifacts` (content addresses only) to the execution's references and date their last use, if the execution is known. */
function referenceStatements(s: string, executionId: string, artifacts: readonly ArtifactRef[], at: string): SqlStatement[] {
  // Locations are content addresses; anything else (a custom worker's own scheme) is not ours to keep.
  const addresses = [...new Set(artifacts.map((artifact) => artifact.location).filter((location) => isArtifactAddress(location)))];
  if (addresses.length === 0) return [];
  const list = toArrayLiteral(addresses);
  const known = `EXISTS (SELECT 1 FROM ${s}.artifact_executions WHERE id = $1)`;
  return [
    { text: `INSERT INTO ${s}.artifact_references (execution_id, sha256) SELECT $1, a FROM unnest($2::text[]) a WHERE ${known} ON CONFLICT DO NOTHING`, params: [executionId, list] },
    {
      text: `INSERT INTO ${s}.artifact_entries (sha256, last_used_at) SELECT a, $3::timestamptz FROM unnest($2::text[]) a WHERE ${known}
        ON CONFLICT (sha256) DO UPDATE SET ${LATER}`,
      params: [executionId, list, at],
    },
  ];
}

function executionStatements(s: string, event: RecordedEvent, executionId: string): SqlStatement[] {
  const typed = { type: event.type, data: event.data } as ExecutionEvent;
  if (typed.type === 'PipelineExecutionStarted') {
    const { inputs, startedAt } = typed.data;
    const pinned = inputs.sourceRevisions.at(-1);
    return [
      {
        text: `INSERT INTO ${s}.artifact_executions (id, account, pipeline_name, pipeline_key, started_at, running, source_revision) VALUES ($1, $2, $3, $4, $5::timestamptz, true, $6)
          ON CONFLICT (id) DO UPDATE SET account = EXCLUDED.account, pipeline_name = EXCLUDED.pipeline_name, pipeline_key = EXCLUDED.pipeline_key, started_at = EXCLUDED.started_at, running = true, source_revision = EXCLUDED.source_revision`,
        params: [executionId, inputs.pipeline.account, inputs.pipeline.name, `${inputs.pipeline.account}.${inputs.pipeline.name}`, startedAt, pinned ? JSON.stringify(sourceRevisionOf(pinned)) : null],
      },
      ...(inputs.scope.kind === 'SingleStage' ? referenceStatements(s, executionId, inputs.scope.inheritedArtifacts, startedAt) : []),
    ];
  }
  switch (typed.type) {
    case 'ActionExecutionStarted':
      return referenceStatements(s, executionId, typed.data.inputArtifacts, typed.data.startedAt);
    case 'ActionExecutionSucceeded': {
      const { data } = typed;
      const outputs = data.outputArtifacts.filter((output) => isArtifactAddress(output.location));
      return [
        ...referenceStatements(s, executionId, data.outputArtifacts, data.finishedAt),
        ...(data.sourceRevision ? [{ text: `UPDATE ${s}.artifact_executions SET source_revision = $2 WHERE id = $1`, params: [executionId, JSON.stringify(sourceRevisionOf(data.sourceRevision))] }] : []),
        ...outputs.map((output) => ({
          // What the reactor records, with the source revision the execution knows at this event.
          text: `INSERT INTO ${s}.artifact_pending_outputs (action_execution_id, name, position, output)
            SELECT $1, $2, $3::bigint, json_build_object('sha256', $4::text, 'account', e.account, 'name', $2::text, 'pipelineName', e.pipeline_name, 'pipelineExecutionId', e.id,
              'stageName', $5::text, 'actionName', $6::text, 'actionExecutionId', $1::text, 'sourceRevision', e.source_revision::json, 'recordedAt', $7::text)::text
            FROM ${s}.artifact_executions e WHERE e.id = $8
              AND NOT EXISTS (SELECT 1 FROM ${s}.artifact_records r WHERE r.action_execution_id = $1 AND r.name = $2)
            ON CONFLICT DO NOTHING`,
          params: [data.actionExecutionId, output.name, event.position.toString(), output.location, data.stageName, data.actionName, data.finishedAt, executionId],
        })),
      ];
    }
    default:
      if (!TERMINAL.includes(typed.type)) return [];
      return [
        { text: `UPDATE ${s}.artifact_executions SET running = false WHERE id = $1`, params: [executionId] },
        {
          text: `UPDATE ${s}.artifact_entries e SET last_used_at = GREATEST(e.last_used_at, $2::timestamptz) FROM ${s}.artifact_references r WHERE r.execution_id = $1 AND r.sha256 = e.sha256`,
          params: [executionId, event.metadata.occurredAt],
        },
      ];
  }
}

function sourceRevisionOf(revision: SourceRevision): ArtifactSourceRevision {
  return {
    actionName: revision.actionName,
    revisionType: revision.revisionType,
    revisionId: revision.revisionId,
    revisionSummary: revision.revisionSummary,
    revisionUrl: revision.revisionUrl,
  };
}

/** Every projection of the artifacts service, rebuilt in place in `database` (docs/decisions/0022, 0048). */
export function artifactsProjections(database?: ReadModelDatabase): RebuildableProjection[] {
  return database ? [new DurableRebuildable(database, new ArtifactsReadModel(database))] : [];
}
