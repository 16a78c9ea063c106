/**
 * The audit trails as a durable read model (docs/decisions/0048): `npx tsx bench/startup/durable-audit.ts`.
 * Seeds SLUICE_BENCH_AUDIT_EVENTS audit records (default 20,000; 10 accounts) into a fresh schema of the test
 * PostgreSQL (SLUICE_BENCH_POSTGRES_URL, default SLUICE_TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/test),
 * or into an embedded store with SLUICE_BENCH_AUDIT_STORE=embedded, then prints:
 *   - the first start (the read model folds every record: events/s) and the heap after it,
 *   - a restart on the same store: time to caught up, events read, the heap before and after,
 *   - the rebuild in place (`npm run rebuild-projections`' code path): events/s,
 *   - for comparison, the heap the same records take in memory (what AuditReadModel held before decision 0048).
 * Run with `node --expose-gc --import tsx` for heap figures after a collection. Do not run large counts on a shared machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { AUDIT_RECORDED, auditStreamOf } from '@sluice/authz';
import { createPostgresEventStore, DurableRebuildable, openEmbeddedEventStore, readModelDatabaseOf, rebuildProjections, type EventStore, type RecordedEvent } from '@sluice/eventing';
import { dropTestSchema } from '@sluice/testing';
import { AuditReadModel } from '../../services/permissions/src/projections/audit-read-model';
import { PermissionsProjection } from '../../services/permissions/src/projections/permissions-projection';
import { benchAuditRecord } from './audit-record';

const EVENTS = Number(process.env.SLUICE_BENCH_AUDIT_EVENTS ?? 20_000);
const ACCOUNTS = 10;
const url = process.env.SLUICE_BENCH_POSTGRES_URL ?? process.env.SLUICE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const embedded = process.env.SLUICE_BENCH_AUDIT_STORE === 'embedded';
const schema = `bench_audit_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const rate = (events: number, ms: number) => `${Math.round(events / (ms / 1000)).toLocaleString('en-US')} events/s`;

function heap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}


async function seed(store: EventStore): Promise<void> {
  const batch = 250;
  for (let n = 0; n < EVENTS; n += batch) {
    const account = `account-${(n / batch) % ACCOUNTS}`;
    await store.append(auditStreamOf(account), Array.from({ length: Math.min(batch, EVENTS - n) }, (_, k) => ({ type: AUDIT_RECORDED, data: benchAuditRecord(account, n + k) })));
  }
}

async function main(): Promise<void> {
  const dir = embedded ? mkdtempSync(join(tmpdir(), 'sluice-bench-audit-')) : undefined;
  const open = () => (dir ? openEmbeddedEventStore({ dataDir: join(dir, 'events') }) : createPostgresEventStore({ connectionString: url, schema }));
  console.log(`durable audit read model, ${EVENTS.toLocaleString('en-US')} audit events, ${embedded ? 'embedded (PGlite)' : `PostgreSQL (${schema})`}`);
  try {
    let store = await open();
    await seed(store);

    let started = performance.now();
    const first = new PermissionsProjection(store);
    await first.start();
    const firstMs = performance.now() - started;
    console.log(`  first start (folds every record): ${(firstMs / 1000).toFixed(2)} s, ${rate(first.auditProjection.eventsRead, firstMs)}, heap ${mib(heap())}`);
    await first.stop();
    await store.close();

    store = await open();
    const heapBefore = heap();
    started = performance.now();
    const again = new PermissionsProjection(store);
    await again.start();
    const againMs = performance.now() - started;
    const heapAfter = heap();
    const page = await again.audit.lookup('account-3', { operation: 'sluice:StartPipelineExecution' }, 50, null);
    console.log(`  restart: ${(againMs / 1000).toFixed(2)} s to caught up, ${again.auditProjection.eventsRead} events read, heap ${mib(heapBefore)} before, ${mib(heapAfter)} after (a lookup: ${page.records.length} records)`);
    await again.stop();

    const database = readModelDatabaseOf(store)!;
    const rebuilt = await rebuildProjections(store, [new DurableRebuildable(database, new AuditReadModel(database))]);
    console.log(`  rebuild in place: ${(rebuilt.elapsedMs / 1000).toFixed(2)} s, ${rate(rebuilt.events, rebuilt.elapsedMs)}`);

    // What the in-memory AuditReadModel held: every record of every account.
    const baseline = heap();
    const trails = new Map<string, { revision: bigint; position: bigint; record: unknown }[]>();
    for (let from: bigint | 'start' = 'start'; ; ) {
      const events: RecordedEvent[] = await store.readAll({ fromPosition: from, maxCount: 5_000 });
      for (const e of events) {
        if (!trails.has(e.streamId)) trails.set(e.streamId, []);
        trails.get(e.streamId)!.push({ revision: e.revision, position: e.position, record: e.data });
      }
      if (events.length < 5_000) break;
      from = events.at(-1)!.position + 1n;
    }
    console.log(`  for comparison, the records in memory (the model before decision 0048): +${mib(heap() - baseline)} of heap for ${[...trails.values()].reduce((n, t) => n + t.length, 0)} records`);
    await store.close();
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
    else await dropTestSchema(schema, url);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
