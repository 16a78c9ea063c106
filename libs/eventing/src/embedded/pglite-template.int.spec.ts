import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaSql } from '../sql/schema';
import { openEmbeddedEventStore } from './embedded-event-store';
import { PGliteThread } from './pglite-thread';

describe('new embedded stores start from an empty cluster made once (PGlite template)', () => {
  const root = mkdtempSync(join(tmpdir(), 'sluice-pglite-template-'));
  const templates = join(root, 'templates');
  const saved = process.env.SLUICE_PGLITE_TEMPLATES;
  beforeAll(() => (process.env.SLUICE_PGLITE_TEMPLATES = templates));
  afterAll(() => {
    if (saved === undefined) delete process.env.SLUICE_PGLITE_TEMPLATES;
    else process.env.SLUICE_PGLITE_TEMPLATES = saved;
    rmSync(root, { recursive: true, force: true });
  });

  /** The template the stores are made from (the first test makes it). */
  let storeTemplate: string | undefined;

  const roundTrip = async (dataDir: string): Promise<void> => {
    const store = await openEmbeddedEventStore({ dataDir });
    await store.append('s-1', [{ type: 'Happened', data: { n: 1 } }]);
    expect((await store.readStream('s-1')).map((event) => event.data)).toEqual([{ n: 1 }]);
    await store.close();
  };

  it('makes the template at the first open, private to its user, and copies it for the next folders', async () => {
    await roundTrip(join(root, 'first'));
    const [template] = readdirSync(templates).filter((name) => name.startsWith('pglite-') && !name.includes('.making-'));
    expect(template).toBeDefined();
    storeTemplate = template;
    expect(statSync(join(templates, template!)).mode & 0o777).toBe(0o700);
    expect(existsSync(join(templates, template!, 'PG_VERSION'))).toBe(true);
    // The template is an empty cluster: a store's events are never in it.
    await roundTrip(join(root, 'second'));
    const again = await openEmbeddedEventStore({ dataDir: join(root, 'second') });
    expect((await again.readStream('s-1')).length).toBe(1);
    await again.close();
    // No half-made template is left behind.
    expect(readdirSync(templates).filter((name) => name.includes('.making-'))).toEqual([]);
  });

  it('has the store\'s tables in its template, so a new folder runs no DDL of its own; another script, another template', async () => {
    const before = readdirSync(templates).filter((name) => name.startsWith('pglite-'));
    // Not through the store, which would run its DDL: the tables are there, from the copy alone.
    const raw = await PGliteThread.open(join(root, 'raw'), { setupScript: schemaSql('sluice') });
    expect(await raw.query('probe', "SELECT to_regclass('sluice.events')::text AS events, (SELECT count(*) FROM sluice.events)::text AS count", [])).toEqual([{ events: 'sluice.events', count: '0' }]);
    await raw.close();
    expect(readdirSync(templates).filter((name) => name.startsWith('pglite-'))).toEqual(before);
    const other = await PGliteThread.open(join(root, 'other'), { setupScript: 'CREATE TABLE kept (n int);' });
    expect(await other.query('probe', "SELECT to_regclass('sluice.events')::text AS events, to_regclass('kept')::text AS kept", [])).toEqual([{ events: null, kept: 'kept' }]);
    await other.close();
    expect(readdirSync(templates).filter((name) => name.startsWith('pglite-')).length).toBe(before.length + 1);
  });

  it('never uses a template others could have written', async () => {
    const path = join(templates, storeTemplate!);
    writeFileSync(join(path, 'PLANTED'), 'not ours');
    chmodSync(path, 0o777);
    await roundTrip(join(root, 'third'));
    expect(existsSync(join(root, 'third', 'PLANTED'))).toBe(false);
    // Made private again, it is used again.
    chmodSync(path, 0o700);
    await roundTrip(join(root, 'fourth'));
    expect(existsSync(join(root, 'fourth', 'PLANTED'))).toBe(true);
  });
});
