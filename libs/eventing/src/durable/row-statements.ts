import type { SqlStatement } from '../sql/sql-executor';

/** The most rows one statement writes: 32 rows of 13 columns are 416 parameters, far below PostgreSQL's 65,535. */
const MOST_ROWS = 32;

/**
 * Rows written as multi-row `VALUES`, each value its own text parameter (JSON columns as their JSON.stringify text):
 * PostgreSQL takes each parameter as the column's text, where `json_to_recordset` over one JSON document of the rows
 * first parsed the whole document (an execution's row is ~80 KB of JSON; decision 0075). `rows` are the columns'
 * values in `columns`' order; `onConflict` is the statement's `ON CONFLICT …` clause. A batch of n rows goes in
 * statements of 32 rows and one per power of two of the rest (n = 20: 16 + 4), so a connection prepares at most six
 * shapes per table and column list, whatever the batches' sizes.
 */
export function insertRows(table: string, columns: readonly string[], rows: readonly (readonly (string | null)[])[], onConflict: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  for (let from = 0; from < rows.length; ) {
    const left = rows.length - from;
    const size = left >= MOST_ROWS ? MOST_ROWS : 2 ** Math.floor(Math.log2(left));
    const chunk = rows.slice(from, from + size);
    const params: (string | null)[] = [];
    const tuples = chunk.map((row) => {
      if (row.length !== columns.length) throw new Error(`A row for ${table} has ${row.length} values for ${columns.length} columns (${columns.join(', ')}).`);
      const start = params.length;
      params.push(...row);
      return `(${row.map((_, i) => `$${start + i + 1}`).join(', ')})`;
    });
    statements.push({ text: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ${onConflict}`, params });
    from += size;
  }
  return statements;
}

/** `ON CONFLICT (key) DO UPDATE` of every column but the key's, to the row just given. */
export function updatingAllBut(key: string, columns: readonly string[]): string {
  return `ON CONFLICT (${key}) DO UPDATE SET ${columns.filter((column) => column !== key).map((column) => `${column} = EXCLUDED.${column}`).join(', ')}`;
}

/**
 * SQL that makes PostgreSQL compress these columns' large values with LZ4 where the server has it (PostgreSQL 14 and
 * later, built with it, as Debian's is) and leaves pglz, the default, where it does not (PGlite): LZ4 compressed an
 * execution's row ~2.5 times as fast (decision 0075). It changes how new values are stored, not the ones stored; the
 * table is altered (a moment's exclusive lock) only while one of the columns is not LZ4 yet. `table` is schema-qualified.
 */
export function preferLz4Sql(table: string, columns: readonly string[]): string {
  // One line: a read model's schema script is split into statements at a semicolon that ends a line.
  const alter = `ALTER TABLE ${table} ${columns.map((column) => `ALTER COLUMN ${column} SET COMPRESSION lz4`).join(', ')}`;
  const notYet = `SELECT 1 FROM pg_attribute WHERE attrelid = '${table}'::regclass AND attname = ANY (ARRAY[${columns.map((column) => `'${column}'`).join(', ')}]) AND attcompression IS DISTINCT FROM 'l'`;
  return `DO $lz4$ BEGIN IF EXISTS (${notYet}) THEN ${alter}; END IF; EXCEPTION WHEN feature_not_supported OR undefined_column THEN NULL; END $lz4$;`;
}
