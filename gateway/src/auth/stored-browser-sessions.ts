import { createHash, randomBytes } from 'node:crypto';
import type { ReadModelDatabase } from '@sluice/eventing';
import type { MasterKeyCipher } from '@sluice/runtime';
import { SESSION_MAX_AGE_MS, type BrowserSessions, type CreatedSession } from './browser-sessions';

/** Sessions one principal may hold at once; a new sign-in beyond it ends that principal's oldest session. */
export const MAX_SESSIONS_PER_PRINCIPAL = 100;

export interface StoredBrowserSessionsOptions {
  /** The store's own database (decision 0057): every gateway of an installation reads and writes the same table. */
  database: ReadModelDatabase;
  /** The server's master key (SLUICE_ACCESS_KEY_MASTER_KEY, else the file in SLUICE_DATA_DIR): every gateway must hold the same. */
  key: MasterKeyCipher;
  maxSessionsPerPrincipal?: number;
  now?: () => number;
  /** Where a session that no longer opens (sealed under another key) is reported. */
  log?: (line: string) => void;
}

/** The stored key of a session: its id's SHA-256, so what the table holds cannot be sent back as a cookie. */
const digestOf = (id: string): string => createHash('sha256').update(id).digest('base64url');
/** The associated data the token is sealed with: a sealed token copied onto another row does not open. */
const bindingOf = (digest: string): string => `browser-session:${digest}`;

/**
 * Browser sessions in the event store's own database (decision 0057): PostgreSQL in the distributed mode, PGlite
 * in the embedded one, so every gateway knows every session and a gateway's death or restart signs nobody out.
 * A row per session: the SHA-256 of its id (never the id), the token sealed with AES-256-GCM under the master key and
 * bound to that digest, its principal, and when it ends. Every use reads the row (no cache): a sign-out on any gateway
 * deletes it, and the next request anywhere finds nothing.
 */
export class StoredBrowserSessions implements BrowserSessions {
  private readonly table: string;

  private constructor(private readonly options: StoredBrowserSessionsOptions) {
    this.table = `"${options.database.schema}".browser_sessions`;
  }

  /** The table (created once, under an advisory lock, when several gateways start together) and the sessions in it. */
  static async open(options: StoredBrowserSessionsOptions): Promise<StoredBrowserSessions> {
    // The key is loaded now: a bad or missing master key stops the gateway at start, not at the first sign-in.
    await options.key.seal('', bindingOf('start'));
    const sessions = new StoredBrowserSessions(options);
    const { database } = options;
    const s = `"${database.schema}"`;
    await database.transaction([
      { text: `SELECT pg_advisory_xact_lock(hashtext('sluice.browser-sessions'), hashtext($1))`, params: [database.schema] },
      { text: `CREATE SCHEMA IF NOT EXISTS ${s}`, params: [] },
      {
        text: `CREATE TABLE IF NOT EXISTS ${sessions.table} (
          id_digest text PRIMARY KEY,
          sealed_token text NOT NULL,
          principal text NOT NULL,
          created_at timestamptz NOT NULL,
          expires_at timestamptz NOT NULL)`,
        params: [],
      },
      { text: `CREATE INDEX IF NOT EXISTS browser_sessions_expiry ON ${sessions.table} (expires_at)`, params: [] },
      { text: `CREATE INDEX IF NOT EXISTS browser_sessions_principal ON ${sessions.table} (principal, created_at)`, params: [] },
    ]);
    return sessions;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  async create(token: string, tokenExpiresAt: Date, principal: string): Promise<CreatedSession> {
    const now = this.now();
    const expiresAt = Math.min(tokenExpiresAt.getTime(), now + SESSION_MAX_AGE_MS);
    const id = randomBytes(32).toString('base64url');
    const digest = digestOf(id);
    const sealed = await this.options.key.seal(token, bindingOf(digest));
    const at = new Date(now).toISOString();
    // One transaction: the ended sessions swept, the new one stored, the principal's oldest beyond the bound dropped.
    await this.options.database.transaction([
      { text: `DELETE FROM ${this.table} WHERE expires_at <= $1::timestamptz`, params: [at] },
      {
        text: `INSERT INTO ${this.table} (id_digest, sealed_token, principal, created_at, expires_at) VALUES ($1, $2, $3, $4::timestamptz, $5::timestamptz)`,
        params: [digest, sealed, principal, at, new Date(expiresAt).toISOString()],
      },
      {
        text: `DELETE FROM ${this.table} WHERE id_digest IN (
          SELECT id_digest FROM ${this.table} WHERE principal = $1 ORDER BY created_at DESC, id_digest OFFSET $2::int)`,
        params: [principal, String(this.options.maxSessionsPerPrincipal ?? MAX_SESSIONS_PER_PRINCIPAL)],
      },
    ]);
    return { id, maxAgeSeconds: Math.max(0, Math.floor((expiresAt - now) / 1000)) };
  }

  async tokenOf(id: string): Promise<string | undefined> {
    const digest = digestOf(id);
    const [row] = await this.options.database.query(`SELECT sealed_token FROM ${this.table} WHERE id_digest = $1 AND expires_at > $2::timestamptz`, [digest, new Date(this.now()).toISOString()]);
    if (!row?.sealed_token) return undefined;
    try {
      return await this.options.key.open(row.sealed_token, bindingOf(digest));
    } catch (error) {
      // Sealed under another master key (a gateway configured apart from the others): not a session here, said once per use.
      this.options.log?.(`gateway: a browser session's token does not open with this gateway's master key (is SLUICE_ACCESS_KEY_MASTER_KEY the same on every gateway?): ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  async end(id: string): Promise<void> {
    await this.options.database.query(`DELETE FROM ${this.table} WHERE id_digest = $1`, [digestOf(id)]);
  }

  /** Live sessions (those not expired yet), for operators and tests. */
  async count(): Promise<number> {
    const [row] = await this.options.database.query(`SELECT count(*)::text AS n FROM ${this.table} WHERE expires_at > $1::timestamptz`, [new Date(this.now()).toISOString()]);
    return Number(row?.n ?? 0);
  }
}
