import { accountOfAuditStream, AUDIT_OUTCOME_RECORDED, AUDIT_RECORDED, AUDIT_STREAM_PREFIX, auditRecordOf, KEYED_CHAIN, SLUICE_ACTIONS, type ChainedAuditRecord, type DecisionKind } from '@sluice/authz';
import { toArrayLiteral, type DurableProjection, type ReadModelDatabase, type RecordedEvent, type Row, type SqlStatement } from '@sluice/eventing';
import { ValidationError } from '@sluice/domain';

export interface AuditFilter {
  /** A principal id: matches the original principal or the role it acted through. */
  principal?: string | null;
  /** A catalogue action; compared case-insensitively. */
  operation?: string | null;
  /** A resource name, exactly, or a prefix ending in `*`. */
  resource?: string | null;
  decision?: DecisionKind | null;
  /** Inclusive bounds on the record's time. */
  from?: Date | null;
  to?: Date | null;
  /** True: leave out the calls of read-only catalogue actions (they are most of a trail), denied ones included. */
  excludeReads?: boolean | null;
}

/** The catalogue's read-only actions, lower-cased as the table keeps operations (`excludeReads`). */
const READ_OPERATIONS = SLUICE_ACTIONS.filter((action) => action.readOnly).map((action) => action.name.toLowerCase());

export interface StoredAuditRecord {
  /** Revision in the account's audit stream: the record's place in the chain. */
  revision: bigint;
  position: bigint;
  record: ChainedAuditRecord;
}

export interface AuditPage {
  records: StoredAuditRecord[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export const AUDIT_PAGE_SIZE = { default: 50, max: 500 } as const;

const TABLE = 'audit_records';


/**
 * Every audit record of every account, in chain order, as appended (and so as hashed): a durable read model, one row
 * a record in the store's database (docs/decisions/0048), no longer a list per account in the service's heap. Also
 * what verification compares the store with: the hashes this service saw appended.
 */
export class AuditReadModel implements DurableProjection {
  readonly name = 'permissions.audit';
  readonly streamPrefixes = [AUDIT_STREAM_PREFIX];
  readonly tables = [TABLE];

  constructor(private readonly database: ReadModelDatabase) {}

  schemaSql(schema: string): string {
    const t = `"${schema}".${TABLE}`;
    // Texts compared by order (resource prefixes, ISO instants) use the C collation: byte order, as in JavaScript.
    return `
CREATE TABLE IF NOT EXISTS ${t} (
  account text NOT NULL,
  revision bigint NOT NULL,
  position bigint NOT NULL,
  id text NOT NULL,
  hash text,
  chain text,
  result_of text,
  principal_id text,
  via_role_id text,
  operation_lower text NOT NULL,
  resource text COLLATE "C" NOT NULL,
  decision text,
  time text COLLATE "C" NOT NULL,
  record text NOT NULL,
  PRIMARY KEY (account, revision)
);
CREATE INDEX IF NOT EXISTS ${TABLE}_outcomes ON ${t} (account, result_of) WHERE result_of IS NOT NULL;
`;
  }

  /**
   * One INSERT for the whole batch: a round trip per batch, however many records. The columns the filters read go
   * as arrays (one text parameter each); the records go as one JSON array, made by one native JSON.stringify, where
   * a 14th array literal escaped record by record cost Node 3 times as much CPU, and `json_to_recordset` for every
   * column cost PostgreSQL 3 times as much (bench/startup/durable-rebuild.ts, decision 0059). `json` keeps text
   * verbatim, so `record` holds each record's JSON.stringify text, as before.
   */
  fold(events: readonly RecordedEvent[], schema: string): SqlStatement[] {
    const columns: (string | null)[][] = Array.from({ length: 13 }, () => []);
    const records: ChainedAuditRecord[] = [];
    // A column holds the record's value when it is a string, else NULL ('' where the column is NOT NULL), as
    // rebuildSql does: records are written with strings there; anything else is not a value to filter by.
    const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
    for (const event of events) {
      const account = accountOfAuditStream(event.streamId);
      if (account === undefined || (event.type !== AUDIT_RECORDED && event.type !== AUDIT_OUTCOME_RECORDED)) continue;
      const record = auditRecordOf(event);
      const row = [
        account,
        event.revision.toString(),
        event.position.toString(),
        text(record.id) ?? '',
        text(record.hash),
        text(record.chain),
        text(record.resultOf),
        text(record.principal?.id),
        text(record.viaRole?.id),
        text(record.operation)?.toLowerCase() ?? '',
        text(record.resource) ?? '',
        text(record.decision),
        text(record.time) ?? '',
      ];
      row.forEach((value, i) => columns[i]!.push(value));
      records.push(record);
    }
    if (records.length === 0) return [];
    return [
      {
        // The n-th record joins the n-th element of the arrays (WITH ORDINALITY on both sides).
        text: `INSERT INTO "${schema}".${TABLE} (account, revision, position, id, hash, chain, result_of, principal_id, via_role_id, operation_lower, resource, decision, time, record)
               SELECT c.account, c.revision, c.position, c.id, c.hash, c.chain, c.result_of, c.principal_id, c.via_role_id, c.operation_lower, c.resource, c.decision, c.time, r.record::text
                 FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
                        WITH ORDINALITY AS c(account, revision, position, id, hash, chain, result_of, principal_id, via_role_id, operation_lower, resource, decision, time, n)
                 JOIN json_array_elements($14::json) WITH ORDINALITY AS r(record, n) USING (n)`,
        params: [...columns.map(toArrayLiteral), JSON.stringify(records)],
      },
    ];
  }

  /**
   * The same fold, run by the database on the store's own events (a rebuild on the store's database, decision 0059):
   * one parse of each record's JSON (`json_to_record`), the record's text copied as stored — the store stores
   * JSON.stringify's text, which is what `fold` writes. `lower` is PostgreSQL's, `toLowerCase` JavaScript's: they agree
   * on the catalogue's action names (ASCII); permissions-rebuild.int.spec.ts compares the two folds.
   */
  rebuildSql(schema: string, events: string): string {
    const text = (json: string) => `CASE WHEN json_typeof(${json}) = 'string' THEN ${json} #>> '{}' END`;
    return `INSERT INTO "${schema}".${TABLE} (account, revision, position, id, hash, chain, result_of, principal_id, via_role_id, operation_lower, resource, decision, time, record)
      SELECT substr(e.stream_id, ${AUDIT_STREAM_PREFIX.length + 1}), e.revision, e.position, coalesce(${text('r.id')}, ''), ${text('r.hash')}, ${text('r.chain')},
             ${text('r."resultOf"')}, ${text(`(r.principal -> 'id')`)}, ${text(`(r."viaRole" -> 'id')`)}, coalesce(lower(${text('r.operation')}), ''),
             coalesce(${text('r.resource')}, ''), ${text('r.decision')}, coalesce(${text('r.time')}, ''), e.data::text
        FROM ${events} e
        -- Data that is not an object has none of the fields (json_to_record would fail on it); fold reads them as undefined.
        CROSS JOIN LATERAL json_to_record(CASE WHEN json_typeof(e.data) = 'object' THEN e.data ELSE '{}' END) AS r(id json, hash json, chain json, "resultOf" json, principal json, "viaRole" json, operation json, resource json,
                                                       decision json, time json)
       WHERE e.position > $1::bigint AND e.position <= $2::bigint AND starts_with(e.stream_id, '${AUDIT_STREAM_PREFIX}')
         AND e.type IN ('${AUDIT_RECORDED}', '${AUDIT_OUTCOME_RECORDED}')`;
  }

  /** Every account's trail, accounts sorted: rebuilt and live copies compare deep-equal. Reads the whole table (tests, rebuilds). */
  async contents(database: ReadModelDatabase = this.database): Promise<Map<string, StoredAuditRecord[]>> {
    const rows = await database.query(`SELECT a.account, a.revision::text AS revision, a.position::text AS position, a.record FROM "${database.schema}".${TABLE} a ORDER BY a.account COLLATE "C", a.revision`);
    const trails = new Map<string, StoredAuditRecord[]>();
    for (const row of rows) {
      let trail = trails.get(row.account!);
      if (!trail) trails.set(row.account!, (trail = []));
      trail.push(storedOf(row));
    }
    return trails;
  }

  /**
   * Newest first (the order an investigation reads in, like CloudTrail's LookupEvents). The cursor is
   * the chain revision of the last record returned, so pages stay stable while new records arrive. A call
   * recorded before it ran shows once: by its outcome record (`resultOf` names the attempt), or by its
   * attempt while no outcome is recorded. `verifyAuditTrail` checks every record of the chain.
   * One indexed range read of the table, however long the trail.
   */
  async lookup(account: string, filter: AuditFilter, first: number | null | undefined, after: string | null | undefined): Promise<AuditPage> {
    const size = first ?? AUDIT_PAGE_SIZE.default;
    if (!Number.isInteger(size) || size < 1 || size > AUDIT_PAGE_SIZE.max) {
      throw new ValidationError([{ path: 'first', code: 'out_of_range', message: `first must be from 1 to ${AUDIT_PAGE_SIZE.max}.` }], 'The page is not valid');
    }
    const before = after === null || after === undefined ? null : revisionOfCursor(after).toString();
    const resource = filter.resource || null;
    const prefix = resource?.endsWith('*') ? resource.slice(0, -1) : null;
    const s = `"${this.database.schema}"`;
    const rows = await this.database.query(
      `SELECT a.account, a.revision::text AS revision, a.position::text AS position, a.record FROM ${s}.${TABLE} a
        WHERE a.account = $1 AND ($2::bigint IS NULL OR a.revision < $2::bigint)
          AND ($3::text IS NULL OR a.principal_id = $3 OR a.via_role_id = $3)
          AND ($4::text IS NULL OR a.operation_lower = $4)
          AND ($5::text IS NULL OR a.resource = $5)
          AND ($6::text IS NULL OR starts_with(a.resource, $6))
          AND ($7::text IS NULL OR a.decision = $7)
          AND ($8::text IS NULL OR a.time >= $8)
          AND ($9::text IS NULL OR a.time <= $9)
          AND ($11::text[] IS NULL OR NOT (a.operation_lower = ANY($11::text[])))
          AND NOT EXISTS (SELECT 1 FROM ${s}.${TABLE} o WHERE o.account = a.account AND o.result_of = a.id)
        ORDER BY a.revision DESC LIMIT $10::bigint`,
      [
        account,
        before,
        filter.principal || null,
        filter.operation ? filter.operation.toLowerCase() : null,
        prefix === null ? resource : null,
        prefix,
        filter.decision || null,
        filter.from?.toISOString() ?? null,
        filter.to?.toISOString() ?? null,
        String(size + 1),
        filter.excludeReads ? toArrayLiteral(READ_OPERATIONS) : null,
      ],
    );
    const records = rows.map(storedOf);
    const hasNextPage = records.length > size;
    const page = records.slice(0, size);
    return { records: page, hasNextPage, endCursor: page.length > 0 ? auditCursorOf(page[page.length - 1]!.revision) : null };
  }

  /** How many records of `account` this service saw appended. */
  async count(account: string): Promise<number> {
    const [row] = await this.database.query(`SELECT count(*)::text AS n FROM "${this.database.schema}".${TABLE} WHERE account = $1`, [account]);
    return Number(row!.n);
  }

  /** The hashes of `account`'s records at revisions from `from` (inclusive) to `to` (exclusive), by revision. */
  async hashes(account: string, from: number, to: number): Promise<Map<number, string | null>> {
    const rows = await this.database.query(
      `SELECT revision::text AS revision, hash FROM "${this.database.schema}".${TABLE} WHERE account = $1 AND revision >= $2::bigint AND revision < $3::bigint`,
      [account, String(from), String(to)],
    );
    return new Map(rows.map((row) => [Number(row.revision), row.hash]));
  }

  /** Per account, where its unkeyed records end: the revision of its first keyed record, else its length (legacyEndOf, decision 0028). */
  async legacyEnds(): Promise<Map<string, number>> {
    const rows = await this.database.query(
      `SELECT account, coalesce(min(revision) FILTER (WHERE chain = $1), count(*))::text AS legacy_end FROM "${this.database.schema}".${TABLE} GROUP BY account`,
      [KEYED_CHAIN],
    );
    return new Map(rows.map((row) => [row.account!, Number(row.legacy_end)]));
  }
}

function storedOf(row: Row): StoredAuditRecord {
  return { revision: BigInt(row.revision!), position: BigInt(row.position!), record: JSON.parse(row.record!) as ChainedAuditRecord };
}

/** The cursor after a record: pass it as `after` to read the records older than it. */
export const auditCursorOf = (revision: bigint) => Buffer.from(`audit:${revision}`).toString('base64url');

function revisionOfCursor(cursor: string): bigint {
  const match = /^audit:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new ValidationError([{ path: 'after', code: 'invalid_cursor', message: 'after is not a cursor returned by lookupAuditEvents.' }], 'The page is not valid', 'INVALID_CURSOR');
  return BigInt(match[1]!);
}
