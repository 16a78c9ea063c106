/** What a SQL adapter gives the shared event store: one connection's worth of PostgreSQL. */
export interface SqlExecutor {
  /**
   * One statement, in its own transaction. `name` identifies the statement text so adapters that
   * can prepare statements (pg) do it once per connection. Every column comes back as text.
   */
  query(name: string, text: string, params: readonly (string | null)[]): Promise<Record<string, string | null>[]>;
  /** A script of several statements in one transaction (schema creation). */
  runScript(text: string): Promise<void>;
}
