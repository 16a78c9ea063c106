/**
 * A process folding the executions read model (decision 0069) on a PostgreSQL store, for the crash test:
 *   node --import tsx read-model-child.ts '<json>'   with { url, schema, batchSize, crashAfterCommits? }
 * Prints `folded <position>` after each commit; with crashAfterCommits it kills itself (SIGKILL) right after the n-th
 * commit, between a read-model write and the next batch. Otherwise it prints `caught-up <eventsRead>` at the head and exits.
 */
import { createPostgresEventStore, DurableProjectionRunner, readModelDatabaseOf } from '@sluice/eventing';
import { ExecutionsReadModel } from '../projections/executions-read-model';

interface ChildConfig {
  url: string;
  schema: string;
  batchSize: number;
  crashAfterCommits?: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]!) as ChildConfig;
  const store = await createPostgresEventStore({ connectionString: config.url, schema: config.schema, poolSize: 2 });
  const database = readModelDatabaseOf(store)!;
  let commits = 0;
  const runner = new DurableProjectionRunner(store, database, new ExecutionsReadModel(database), {
    batchSize: config.batchSize,
    onError: (error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
    onCommitted: (events) => {
      process.stdout.write(`folded ${events.at(-1)!.position}\n`);
      if (config.crashAfterCommits !== undefined && ++commits >= config.crashAfterCommits) process.kill(process.pid, 'SIGKILL');
    },
  });
  await runner.start();
  process.stdout.write(`caught-up ${runner.eventsRead}\n`);
  await runner.stop();
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
