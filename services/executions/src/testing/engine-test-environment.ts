import { randomUUID } from 'node:crypto';
import { PIPELINE_EVENTS_TOPIC } from '@sluice/contracts';
import { createPostgresEventStore, type PostgresEventStore, type RecordedEvent } from '@sluice/eventing';
import { createKafkaBus, createPostgresProcessedEvents, InProcessBus, type Bus, type EventRelay, type PostgresProcessedEvents } from '@sluice/messaging';
import { testPostgresUrl } from '@sluice/testing';
// As bench/executions does: the shared broker's address and fast-rebalance timings are test helpers kept out of the library's entry point.
import { testKafkaBrokers, testKafkaBusOptions } from '@sluice/messaging/testing';
import { createExecutionsEngine, type ExecutionsEngine, type ExecutionsEngineOptions } from '../executions-service';
import { PipelinePublisher, startPipelineEventsRelay } from './pipeline-publisher';
import { dropTestSchema, newTestSchema } from './test-schema';

export interface EngineTestEnvironmentOptions {
  /**
   * `in-process` (default), or `kafka`: the broker the jest globalSetup started, a pipeline-events topic of
   * this environment's own (so runs on the shared broker never see each other), and the transition feed
   * deduplicated in PostgreSQL, as decision 0010 asks of distributed mode.
   */
  bus?: 'in-process' | 'kafka';
}

/** A real PostgreSQL store in a fresh schema, a bus with the pipeline-events relay, and engines on them. */
export interface EngineTestEnvironment {
  schema: string;
  store: PostgresEventStore;
  bus: Bus;
  /** The topic the relay publishes pipeline events to and the engines read. */
  pipelineEventsTopic: string;
  publisher: PipelinePublisher;
  errors: Array<{ error: unknown; context: string }>;
  startEngine(options?: Partial<ExecutionsEngineOptions>): Promise<ExecutionsEngine>;
  /** Every stored event of streams with this prefix. */
  eventsOf(prefix: string): Promise<RecordedEvent[]>;
  stop(): Promise<void>;
}

export async function startEngineTestEnvironment(options: EngineTestEnvironmentOptions = {}): Promise<EngineTestEnvironment> {
  const schema = newTestSchema();
  const store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  const kafka = options.bus === 'kafka';
  const runId = randomUUID().slice(0, 8);
  const pipelineEventsTopic = kafka ? `${PIPELINE_EVENTS_TOPIC}.test-${runId}` : PIPELINE_EVENTS_TOPIC;
  const bus: Bus = kafka ? createKafkaBus(testKafkaBusOptions(testKafkaBrokers(), `executions-test-${runId}`)) : new InProcessBus();
  const relay: EventRelay = await startPipelineEventsRelay(store, bus, pipelineEventsTopic);
  const engines: ExecutionsEngine[] = [];
  const dedupeStores: PostgresProcessedEvents[] = [];
  const errors: Array<{ error: unknown; context: string }> = [];
  return {
    schema,
    store,
    bus,
    pipelineEventsTopic,
    errors,
    publisher: new PipelinePublisher(store),
    async startEngine(engineOptions = {}) {
      let processedEvents = engineOptions.processedEvents;
      if (kafka && !processedEvents) {
        const dedupe = await createPostgresProcessedEvents({ connectionString: testPostgresUrl(), schema, consumer: 'executions' });
        dedupeStores.push(dedupe);
        processedEvents = dedupe;
      }
      const engine = await createExecutionsEngine({
        store,
        bus,
        pipelineEventsTopic,
        onError: (error, context) => void errors.push({ error, context }),
        ...engineOptions,
        processedEvents,
      });
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
      await Promise.all(dedupeStores.splice(0).map((dedupe) => dedupe.close()));
      await relay.stop();
      await bus.close();
      await store.close();
      await dropTestSchema(schema);
    },
  };
}
