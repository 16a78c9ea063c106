import type { PGlite } from '@electric-sql/pglite';
import type { SqlExecutor } from '../sql/sql-executor';

/**
 * PGlite is one connection. Each query() is one statement in its own transaction and PGlite runs
 * them one at a time; runScript uses PGlite's transaction(), which excludes every other query.
 */
export class PGliteExecutor implements SqlExecutor {
  constructor(private readonly db: PGlite) {}

  async query(_name: string, text: string, params: readonly (string | null)[]): Promise<Record<string, string | null>[]> {
    const result = await this.db.query<Record<string, string | null>>(text, [...params]);
    return result.rows;
  }

  async runScript(text: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.exec(text);
    });
  }
}
