/**
 * Every statement the SQL adapters run, apart from the schema (schema.ts). Columns come back as
 * text (bigint and json included) so pg and PGlite return identical rows.
 */
import { createHash } from 'node:crypto';

export interface Statement {
  name: string;
  text: string;
}

export interface Statements {
  appendEvents: Statement;
  readStreamForwards: Statement;
  readStreamBackwards: Statement;
  readAll: Statement;
  readAllBetween: Statement;
  readAllBetweenWithPrefixes: Statement;
  /** The events of stream categories (each with the prefix its streams start with), through events_category_position. */
  readAllBetweenInCategories: Statement;
  /** The head and the events after $1 up to it (at most $2): one round trip for the live tail. */
  readTail: Statement;
  headPosition: Statement;
  streamRevision: Statement;
  loadCheckpoint: Statement;
  storeCheckpoint: Statement;
}

// ORDER BY must name e.position / e.revision: a bare name would sort by the text output column.
const eventColumns = `e.position::text AS position, e.stream_id, e.revision::text AS revision, e.event_id::text AS event_id, e.type,
  e.data::text AS data, e.metadata::text AS metadata`;

export function statements(schema: string): Statements {
  const s = `"${schema}"`;
  // PostgreSQL cuts identifiers, prepared statement names too, at 63 bytes: a long schema name would make two
  // statements one name. A short hash of the schema keeps every name distinct and within the limit.
  const prefix = schema.length <= 24 ? schema : `${schema.slice(0, 12)}~${createHash('sha256').update(schema).digest('hex').slice(0, 10)}`;
  const named = (name: string, text: string): Statement => ({ name: `${prefix}.${name}`, text });
  return {
    appendEvents: named(
      'append-events',
      `SELECT r_index::text AS index, r_ok::text AS ok, r_revision::text AS revision, r_position::text AS position
         FROM ${s}.append_events($1::text[], $2::bigint[], $3::int[], $4::uuid[], $5::text[], $6::json[], $7::json[])
        ORDER BY r_index`,
    ),
    readStreamForwards: named(
      'read-stream-forwards',
      `SELECT ${eventColumns} FROM ${s}.events e
        WHERE stream_id = $1 AND revision >= $2::bigint AND revision <= $3::bigint
        ORDER BY e.revision LIMIT $4::bigint`,
    ),
    readStreamBackwards: named(
      'read-stream-backwards',
      `SELECT ${eventColumns} FROM ${s}.events e
        WHERE stream_id = $1 AND revision <= $2::bigint AND revision >= $3::bigint
        ORDER BY e.revision DESC LIMIT $4::bigint`,
    ),
    readAll: named(
      'read-all',
      `SELECT ${eventColumns} FROM ${s}.events e WHERE e.position >= $1::bigint ORDER BY e.position LIMIT $2::bigint`,
    ),
    readAllBetween: named(
      'read-all-between',
      `SELECT ${eventColumns} FROM ${s}.events e
        WHERE position > $1::bigint AND position <= $2::bigint ORDER BY e.position LIMIT $3::bigint`,
    ),
    readAllBetweenWithPrefixes: named(
      'read-all-between-with-prefixes',
      `SELECT ${eventColumns} FROM ${s}.events e
        WHERE position > $1::bigint AND position <= $2::bigint
          AND e.stream_id ^@ ANY($4::text[])
        ORDER BY e.position LIMIT $3::bigint`,
    ),
    // One index range scan per category (LATERAL, each stopping at $3 rows), then the first $3 of them by position:
    // a page costs what it returns, wherever the category's events are in the store (decision 0068).
    readAllBetweenInCategories: named(
      'read-all-between-in-categories',
      `SELECT t.* FROM unnest($4::text[], $5::text[]) AS p(category, prefix)
        CROSS JOIN LATERAL (SELECT ${eventColumns} FROM ${s}.events e
          WHERE split_part(e.stream_id, '-', 1) = p.category AND starts_with(e.stream_id, p.prefix) AND e.position > $1::bigint AND e.position <= $2::bigint
          ORDER BY e.position LIMIT $3::bigint) t
        ORDER BY t.position::bigint LIMIT $3::bigint`,
    ),
    readTail: named(
      'read-tail',
      `SELECT p.last::text AS head, t.* FROM ${s}.positions p
        LEFT JOIN LATERAL (SELECT ${eventColumns} FROM ${s}.events e
          WHERE e.position > $1::bigint AND e.position <= p.last ORDER BY e.position LIMIT $2::bigint) t ON true
        WHERE p.singleton ORDER BY t.position::bigint`,
    ),
    headPosition: named('head-position', `SELECT last::text AS position FROM ${s}.positions WHERE singleton`),
    streamRevision: named(
      'stream-revision',
      `SELECT coalesce(max(revision), -1)::text AS revision FROM ${s}.events WHERE stream_id = $1`,
    ),
    loadCheckpoint: named(
      'load-checkpoint',
      `SELECT position::text AS position FROM ${s}.checkpoints WHERE subscriber_id = $1`,
    ),
    storeCheckpoint: named(
      'store-checkpoint',
      `INSERT INTO ${s}.checkpoints (subscriber_id, position, updated_at) VALUES ($1, $2::bigint, now())
       ON CONFLICT (subscriber_id) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
    ),
  };
}
