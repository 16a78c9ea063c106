import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedEventStore, type EmbeddedEventStore } from '../embedded/embedded-event-store';

/**
 * For the test file that calls it: a fresh data folder (named after `prefix`) at once, and before its tests the
 * embedded (PGlite) store in its `events` folder, as embedded mode opens it; after them, closed and the folder removed.
 */
export function embeddedStoreForFile(prefix: string): { dataDir: string; store: EmbeddedEventStore } {
  const running = { dataDir: mkdtempSync(join(tmpdir(), prefix)) } as { dataDir: string; store: EmbeddedEventStore };
  beforeAll(async () => {
    running.store = await openEmbeddedEventStore({ dataDir: join(running.dataDir, 'events') });
  });
  afterAll(async () => {
    await running.store?.close();
    rmSync(running.dataDir, { recursive: true, force: true });
  });
  return running;
}
