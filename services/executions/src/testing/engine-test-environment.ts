import { createPostgresEventStore, type PostgresEventStore, type RecordedEvent } from '@sluice/eventing';
import { InProcessBus, type EventRelay } from '@sluice/messaging';
import { testPostgresUrl } from '@sluice/testing';
import { createExecutionsEngine, type ExecutionsEngine, type ExecutionsEngineOptions } from '../executions-engine';
import { PipelinePublisher, startPipelineEventsRelay } from './pipeline-publisher';
import { dropTestSchema, newTestSchema } from './test-schema';

/** A real PostgreSQL store in a fresh schema, an in-process bus with the pipeline-events relay, and engines on them. */
export interface EngineTestEnvironment {
  schema: string;
  store: PostgresEventStore;
  bus: InProcessBus;
  publisher: PipelinePublisher;
  errors: Array<{ error: unknown; context: string }>;
  startEngine(options?: Partial<ExecutionsEngineOptions>): Promise<ExecutionsEngine>;
  /** Every stored event of streams with this prefix. */
  eventsOf(prefix: string): Promise<RecordedEvent[]>;
  stop(): Promise<void>;
}

export async function startEngineTestEnvironment(): Promise<EngineTestEnvironment> {
  const schema = newTestSchema();
  const store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  const bus = new InProcessBus();
  const relay: EventRelay = await startPipelineEventsRelay(store, bus);
  const engines: ExecutionsEngine[] = [];
  const errors: Array<{ error: unknown; context: string }> = [];
  return {
    schema,
    store,
    bus,
    errors,
    publisher: new PipelinePublisher(store),
    async startEngine(options = {}) {
      const engine = await createExecutionsEngine({ store, bus, onError: (error, context) => void errors.push({ error, context }), ...options });
      engines.push(engine);
      return engine;
    },
    async eventsOf(prefix) {
      const all: RecordedEvent[] = [];
      for (let from: bigint | 'start' = 'start'; ; ) {
        const page = await store.readAll({ fromPosition: from, maxCount: 5_000 });
        all.push(...page);
        if (page.length < 5_000) break;
        from = page[page.length - 1]!.position + 1n;
      }
      return all.filter((event) => event.streamId.startsWith(prefix));
    },
    async stop() {
      await Promise.all(engines.splice(0).map((engine) => engine.stop()));
      await relay.stop();
      await bus.close();
      await store.close();
      await dropTestSchema(schema);
    },
  };
}
