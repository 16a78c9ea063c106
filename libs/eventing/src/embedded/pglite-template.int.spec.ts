import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedEventStore } from './embedded-event-store';

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

  it('never uses a template others could have written', async () => {
    const [template] = readdirSync(templates).filter((name) => name.startsWith('pglite-'));
    const path = join(templates, template!);
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
