import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract, type ContractStore } from '../contract/event-store.contract';
import { sqlEventStoreContract } from '../contract/sql-event-store.contract';
import { openEmbeddedEventStore } from './embedded-event-store';

const dataDir = mkdtempSync(join(tmpdir(), 'sluice-events-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function open(): Promise<ContractStore> {
  const store = await openEmbeddedEventStore({ dataDir });
  return { store, checkpoints: store.checkpoints, reopen: open };
}

eventStoreContract('embedded (PGlite)', open);
sqlEventStoreContract('embedded (PGlite)', () => openEmbeddedEventStore({ dataDir: 'memory' }));
