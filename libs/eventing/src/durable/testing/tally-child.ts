/**
 * A process running one TallyProjection (the durable projection crash test, docs/decisions/0048):
 *   node --import tsx tally-child.ts '<json>'   with { store: { kind: 'postgres', url, schema } | { kind: 'embedded', dataDir }, suffix,
 *   crashAfterCommits?: n, batchSize? }
 * Prints `folding <position> <type>` for each event before its transaction and `folded <position>` after its commit,
 * and `caught-up <eventsRead>` once at the head. With crashAfterCommits it kills itself (SIGKILL) right after the n-th
 * commit: between a read-model write and the next event. Otherwise it runs until killed.
 */
import { createPostgresEventStore } from '../../postgres';
import { openEmbeddedEventStore } from '../../embedded';
import type { EventStore, RecordedEvent } from '../../event-store';
import { DurableProjectionRunner } from '../durable-projection-runner';
import { readModelDatabaseOf } from '../read-model-database';
import { TallyProjection } from './tally-projection';

interface ChildConfig {
  store: { kind: 'postgres'; url: string; schema: string } | { kind: 'embedded'; dataDir: string };
  suffix: string;
  crashAfterCommits?: number;
  batchSize?: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]!) as ChildConfig;
  const store: EventStore =
    config.store.kind === 'postgres'
      ? await createPostgresEventStore({ connectionString: config.store.url, schema: config.store.schema, poolSize: 2 })
      : await openEmbeddedEventStore({ dataDir: config.store.dataDir });
  const tally = new TallyProjection(config.suffix);
  const projection = Object.assign(Object.create(tally) as TallyProjection, {
    fold(events: readonly RecordedEvent[], schema: string) {
      for (const event of events) process.stdout.write(`folding ${event.position} ${event.type}\n`);
      return tally.fold(events, schema);
    },
  });
  let commits = 0;
  const runner = new DurableProjectionRunner(store, readModelDatabaseOf(store)!, projection, {
    onError: (error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
    batchSize: config.batchSize,
    onCommitted: (events) => {
      for (const event of events) process.stdout.write(`folded ${event.position}\n`);
      if (config.crashAfterCommits !== undefined && ++commits >= config.crashAfterCommits) process.kill(process.pid, 'SIGKILL');
    },
  });
  await runner.start();
  process.stdout.write(`caught-up ${runner.eventsRead}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
