import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresEventStore, openEmbeddedEventStore, readModelDatabaseOf, type EventStore, type ReadModelDatabase } from '@sluice/eventing';
import { aesGcmMasterKeyCipher } from '@sluice/runtime';
import { dropTestSchema, ensurePostgres, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { SESSION_MAX_AGE_MS } from './browser-sessions';
import { StoredBrowserSessions, type StoredBrowserSessionsOptions } from './stored-browser-sessions';

// The session store of every gateway (decision 0057), on both databases a gateway's store can be: PGlite (embedded)
// and PostgreSQL (distributed). Each instance stands for a gateway process; they share nothing but the database.
const key = aesGcmMasterKeyCipher(randomBytes(32));
const HOUR = 3600_000;
const TOKEN = 'sluice_tok_aVeryRealLookingSecretToken0123456789';

function storedSessionsContract(name: string, openStore: () => Promise<EventStore>) {
  describe(`browser sessions in the store (${name})`, () => {
    let store: EventStore;
    let database: ReadModelDatabase;
    let now = Date.parse('2026-03-01T08:00:00Z');
    const open = (options: Partial<StoredBrowserSessionsOptions> = {}) => StoredBrowserSessions.open({ database, key, now: () => now, ...options });

    beforeAll(async () => {
      store = await openStore();
      database = readModelDatabaseOf(store)!;
    });
    afterAll(() => store?.close());

    it('stands for the token until it ends, expires with its token or after 12 h, whichever is first', async () => {
      const sessions = await open();
      const short = await sessions.create('tok-short', new Date(now + 60_000), 'acme/alice');
      const long = await sessions.create('tok-long', new Date(now + 30 * 24 * HOUR), 'acme/alice');
      expect([short.maxAgeSeconds, long.maxAgeSeconds]).toEqual([60, SESSION_MAX_AGE_MS / 1000]);
      expect(short.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(short.id).not.toBe(long.id);
      expect([await sessions.tokenOf(short.id), await sessions.tokenOf(long.id), await sessions.tokenOf('unknown')]).toEqual(['tok-short', 'tok-long', undefined]);
      now += 60_000;
      expect([await sessions.tokenOf(short.id), await sessions.tokenOf(long.id)]).toEqual([undefined, 'tok-long']);
      now += SESSION_MAX_AGE_MS;
      expect(await sessions.tokenOf(long.id)).toBeUndefined();
    });

    it('is one set of sessions for every gateway: made on one, read on another and after a restart; ended on one, refused at once on the other', async () => {
      const [gateway1, gateway2] = [await open(), await open()];
      const session = await gateway1.create(TOKEN, new Date(now + HOUR), 'acme/alice');
      expect(await gateway2.tokenOf(session.id)).toBe(TOKEN);
      // A restart: a new instance on the same database, nothing carried over in memory.
      const restarted = await open();
      expect(await restarted.tokenOf(session.id)).toBe(TOKEN);
      await gateway2.end(session.id);
      // No cache anywhere: the very next read on either gateway finds nothing (a kept copy of the cookie is refused).
      expect([await gateway1.tokenOf(session.id), await restarted.tokenOf(session.id)]).toEqual([undefined, undefined]);
      // Ending an unknown or ended session is not an error.
      await expect(gateway1.end(session.id)).resolves.toBeUndefined();
    });

    it('outlives the store closed and opened again (the embedded platform restarting: its PGlite files read anew)', async () => {
      const session = await (await open()).create(TOKEN, new Date(now + HOUR), 'acme/alice');
      await store.close();
      store = await openStore();
      database = readModelDatabaseOf(store)!;
      expect(await (await open()).tokenOf(session.id)).toBe(TOKEN);
    });

    it('stores neither the token nor the cookie in clear, and a sealed token moved to another row does not open', async () => {
      const sessions = await open();
      const session = await sessions.create(TOKEN, new Date(now + HOUR), 'acme/alice');
      const other = await sessions.create('tok-other', new Date(now + HOUR), 'acme/bob');
      const rows = await database.query(`SELECT * FROM "${database.schema}".browser_sessions`);
      const text = JSON.stringify(rows);
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(session.id);
      expect(text).not.toContain('tok-other');
      // Someone who can write the table copies alice's sealed token onto bob's row: it does not open there.
      await database.query(
        `UPDATE "${database.schema}".browser_sessions SET sealed_token = (SELECT sealed_token FROM "${database.schema}".browser_sessions WHERE principal = 'acme/alice' ORDER BY created_at DESC LIMIT 1) WHERE principal = 'acme/bob'`,
      );
      expect(await sessions.tokenOf(other.id)).toBeUndefined();
      expect(await sessions.tokenOf(session.id)).toBe(TOKEN);
    });

    it('refuses a session sealed under another master key (a gateway configured apart), saying why in its log', async () => {
      const session = await (await open()).create(TOKEN, new Date(now + HOUR), 'acme/alice');
      const lines: string[] = [];
      const elsewhere = await open({ key: aesGcmMasterKeyCipher(randomBytes(32)), log: (line) => lines.push(line) });
      expect(await elsewhere.tokenOf(session.id)).toBeUndefined();
      expect(lines.join('\n')).toMatch(/does not open with this gateway's master key .*SLUICE_ACCESS_KEY_MASTER_KEY/);
    });

    it('keeps at most maxSessionsPerPrincipal per principal, dropping its oldest; other principals keep theirs; ended sessions are swept', async () => {
      const sessions = await open({ maxSessionsPerPrincipal: 2 });
      const until = new Date(now + HOUR);
      const carol = await sessions.create('carol-1', until, 'acme/carol');
      const ids: string[] = [];
      for (const token of ['dave-1', 'dave-2', 'dave-3']) {
        now += 1_000;
        ids.push((await sessions.create(token, until, 'acme/dave')).id);
      }
      expect(await Promise.all(ids.map((id) => sessions.tokenOf(id)))).toEqual([undefined, 'dave-2', 'dave-3']);
      expect(await sessions.tokenOf(carol.id)).toBe('carol-1');
      // Past every expiry, the next sign-in deletes the ended rows: the table does not grow with past sessions.
      now += SESSION_MAX_AGE_MS + 1;
      await sessions.create('fresh', new Date(now + HOUR), 'acme/erin');
      const [left] = await database.query(`SELECT count(*)::text AS n FROM "${database.schema}".browser_sessions`);
      expect(left!.n).toBe('1');
      expect(await sessions.count()).toBe(1);
    });

    it('costs one indexed read per request (no cache): measured', async () => {
      const sessions = await open();
      const session = await sessions.create(TOKEN, new Date(now + HOUR), 'acme/alice');
      for (let i = 0; i < 20; i++) await sessions.tokenOf(session.id);
      const n = 300;
      const started = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await sessions.tokenOf(session.id);
      const perLookupMs = Number(process.hrtime.bigint() - started) / 1e6 / n;
      console.log(`browser sessions (${name}): ${perLookupMs.toFixed(3)} ms per session lookup (read + AES-GCM open), ${n} lookups`);
      // Generous: a shared 2-core machine; what matters is that it is a single small read, not a scan.
      expect(perLookupMs).toBeLessThan(20);
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'sluice-sessions-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
storedSessionsContract('PGlite, embedded', () => openEmbeddedEventStore({ dataDir: join(dataDir, 'events') }));

const url = testPostgresUrl();
const schema = newTestSchema('sessions');
storedSessionsContract('PostgreSQL', async () => {
  await ensurePostgres(url);
  return createPostgresEventStore({ connectionString: url, schema, poolSize: 4 });
});
afterAll(() => dropTestSchema(schema, url));

describe('browser sessions on PostgreSQL, opened by several gateways at once', () => {
  const raceSchema = newTestSchema('sessions_race');
  afterAll(() => dropTestSchema(raceSchema, url));

  it('creates the table once when four gateways start together on a new schema', async () => {
    // The stores one after the other (each creates the store's schema), then the sessions' table by all four at once.
    const stores: EventStore[] = [];
    for (let i = 0; i < 4; i++) stores.push(await createPostgresEventStore({ connectionString: url, schema: raceSchema, poolSize: 2 }));
    try {
      const opened = await Promise.allSettled(stores.map((store) => StoredBrowserSessions.open({ database: readModelDatabaseOf(store)!, key })));
      expect(opened.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
