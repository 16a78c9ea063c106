import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedEventStore } from '../embedded';
import { durableProjectionContract } from './durable-projection.contract';

const dataDir = mkdtempSync(join(tmpdir(), 'sluice-durable-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

durableProjectionContract('PGlite (embedded)', {
  open: () => openEmbeddedEventStore({ dataDir: join(dataDir, 'events') }),
  childStore: { kind: 'embedded', dataDir: join(dataDir, 'events') },
  exclusive: true,
});
