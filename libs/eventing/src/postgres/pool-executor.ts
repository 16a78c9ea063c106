import type { Pool } from 'pg';
import type { SqlExecutor, SqlStatement } from '../sql/sql-executor';
import { statementName } from '../sql/statement-name';

// Every column is selected as text; returning strings untouched skips pg's type parsers.
const asText = { getTypeParser: () => (value: string) => value };

export class PoolExecutor implements SqlExecutor {
  constructor(private readonly pool: Pool) {}

  async query(name: string, text: string, params: readonly (string | null)[]): Promise<Record<string, string | null>[]> {
    const result = await this.pool.query<Record<string, string | null>>({ name, text, values: [...params], types: asText });
    return result.rows;
  }

  async transaction(statements: readonly SqlStatement[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Named by their text's hash: each connection prepares a read model's few statement shapes once.
      for (const { text, params } of statements) await client.query({ name: statementName(text), text, values: [...params], types: asText });
      await client.query('COMMIT');
      client.release();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      throw error;
    }
  }

  async runScript(text: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(text);
      await client.query('COMMIT');
      client.release();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      throw error;
    }
  }
}
