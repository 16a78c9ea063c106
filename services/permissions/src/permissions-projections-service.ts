import type { SubgraphServeConfig } from '@sluice/graphql-service/caller';
import { DurableProjectionRunner, openReadModelDatabase, type EventStore } from '@sluice/eventing';
import { serveReadModelHttp, type ReadModelStatus } from './api/read-model-http';
import type { AuditCheckpoints } from './application/audit-checkpoints';
import { AuditReadModel } from './projections/audit-read-model';

export interface PermissionsProjectionsOptions {
  eventStore: EventStore;
  serve: SubgraphServeConfig;
  readiness?: () => Promise<{ ready: boolean; checks?: Record<string, string> }>;
  /** Where the legacy mark of the audit chain is made, once the trails are caught up (decision 0028). */
  auditCheckpoints: AuditCheckpoints;
  log?: (line: string) => void;
  clock?: () => Date;
}

export interface PermissionsProjections {
  url: string;
  runner: DurableProjectionRunner;
  stop(): Promise<void>;
}

/**
 * The permissions service's durable read models folded by a process of their own (SLUICE_PERMISSIONS_ROLE=projections,
 * docs/decisions/0061): the audit trails resumed after their checkpoint, the legacy mark made once caught up (the API
 * processes, which only read the trails, never make it), then /healthz, /readyz and /metrics. The in-memory models
 * (identities, access keys) stay in the API processes: they answer every request.
 */
export async function startPermissionsProjections(options: PermissionsProjectionsOptions): Promise<PermissionsProjections> {
  const log = options.log ?? ((line: string) => console.log(line));
  const opened = await openReadModelDatabase(options.eventStore);
  if (!opened.durable) {
    await opened.close();
    throw new Error('A projections process needs a SQL store (postgres://…): the read models it folds must outlive it, in the tables the API processes read.');
  }
  const audit = new AuditReadModel(opened.database);
  let failure: string | undefined;
  const runner = new DurableProjectionRunner(options.eventStore, opened.database, audit, {
    onError: (error) => {
      failure = error.message;
      log(`read model ${audit.name} stopped folding: ${error.message}`);
    },
  });
  const startedAt = Date.now();
  await runner.start();
  log(`read model ${audit.name} caught up at position ${runner.checkpoint} in ${Date.now() - startedAt} ms (${runner.eventsRead} events read after its checkpoint)`);
  try {
    await options.auditCheckpoints.markLegacyEnds(await audit.legacyEnds(), (options.clock ?? (() => new Date()))());
    const status = (): ReadModelStatus[] => [{ name: audit.name, checkpoint: runner.checkpoint, eventsRead: runner.eventsRead, eventsFolded: runner.eventsFolded, ...(failure ? { failure } : {}) }];
    const http = await serveReadModelHttp({ serve: options.serve, ...(options.readiness ? { readiness: options.readiness } : {}), readModels: status });
    return {
      url: http.url,
      runner,
      async stop() {
        await http.close();
        await runner.stop();
        await opened.close();
      },
    };
  } catch (error) {
    await runner.stop();
    await opened.close();
    throw error;
  }
}
