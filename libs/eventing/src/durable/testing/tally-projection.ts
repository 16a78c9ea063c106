import type { RecordedEvent } from '../../event-store';
import type { DurableProjection } from '../durable-projection';
import type { ReadModelDatabase, SqlStatement } from '../read-model-database';

/**
 * A test projection whose fold is not idempotent: a row per event (primary key: position) and a counter per stream
 * (`events + 1`). An event applied twice fails or counts twice; one lost is missing. `Slow` events sleep inside their
 * transaction, after their rows are written, so a test can kill the process mid-transaction; `Poison` events fail.
 */
export class TallyProjection implements DurableProjection {
  readonly name: string;
  readonly streamPrefixes: readonly string[];
  readonly tables: readonly string[];

  constructor(readonly suffix: string) {
    this.name = `test.tally-${suffix}`;
    this.streamPrefixes = [`tally${suffix}-`];
    this.tables = [`tally_${suffix}_events`, `tally_${suffix}_counts`];
  }

  schemaSql(schema: string): string {
    const [events, counts] = this.tables.map((t) => `"${schema}"."${t}"`);
    return `
CREATE TABLE IF NOT EXISTS ${events} (position bigint PRIMARY KEY, stream_id text NOT NULL, type text NOT NULL, n int NOT NULL);
CREATE TABLE IF NOT EXISTS ${counts} (stream_id text PRIMARY KEY, events bigint NOT NULL, total bigint NOT NULL);
`;
  }

  fold(batch: readonly RecordedEvent[], schema: string): SqlStatement[] {
    return batch.flatMap((event) => this.foldOne(event, schema));
  }

  private foldOne(event: RecordedEvent, schema: string): SqlStatement[] {
    const [events, counts] = this.tables.map((t) => `"${schema}"."${t}"`);
    const n = String((event.data as { n?: number }).n ?? 0);
    const statements: SqlStatement[] = [
      { text: `INSERT INTO ${events} (position, stream_id, type, n) VALUES ($1::bigint, $2, $3, $4::int)`, params: [event.position.toString(), event.streamId, event.type, n] },
      {
        text: `INSERT INTO ${counts} (stream_id, events, total) VALUES ($1, 1, $2::bigint)
               ON CONFLICT (stream_id) DO UPDATE SET events = ${counts}.events + 1, total = ${counts}.total + excluded.total`,
        params: [event.streamId, n],
      },
    ];
    if (event.type === 'Slow') statements.push({ text: 'SELECT pg_sleep($1::float8)', params: [String((event.data as { seconds?: number }).seconds ?? 1)] });
    if (event.type === 'Poison') statements.push({ text: `SELECT 1 / 0`, params: [] });
    return statements;
  }

  async contents(database: ReadModelDatabase): Promise<unknown> {
    const [events, counts] = this.tables.map((t) => `"${database.schema}"."${t}"`);
    return {
      events: await database.query(`SELECT e.position::text AS position, e.stream_id, e.type, e.n::text AS n FROM ${events} e ORDER BY e.position`),
      counts: await database.query(`SELECT c.stream_id, c.events::text AS events, c.total::text AS total FROM ${counts} c ORDER BY c.stream_id COLLATE "C"`),
    };
  }
}
