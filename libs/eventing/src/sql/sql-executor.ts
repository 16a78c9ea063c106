/** What a SQL adapter gives the shared event store: one connection's worth of PostgreSQL. */
export interface SqlExecutor {
  /**
   * One statement, in its own transaction. `name` identifies the statement text so adapters that
   * can prepare statements (pg) do it once per connection. Every column comes back as text.
   */
  query(name: string, text: string, params: readonly (string | null)[]): Promise<Record<string, string | null>[]>;
  /** A script of several statements in one transaction (schema creation). */
  runScript(text: string): Promise<void>;
  /**
   * Several parameterized statements in one transaction, in order: all commit or none (a durable read model's rows
   * and its checkpoint, docs/decisions/0048). The first error rolls the transaction back and is thrown.
   */
  transaction(statements: readonly SqlStatement[]): Promise<void>;
}

/** One parameterized statement; parameters are text (or null), cast in the statement. */
export interface SqlStatement {
  text: string;
  params: readonly (string | null)[];
}
