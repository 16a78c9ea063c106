// The executions service alone (distributed mode): configured by environment variables (libs/runtime), JSON logs.
import { InMemoryCheckpointStore } from '@sluice/eventing';
import { createPostgresProcessedEvents, startEventRelay, type EventRelay, type ProcessedEventsStore } from '@sluice/messaging';
import {
  busCheck,
  checkReadiness,
  ConfigError,
  createLogger,
  eventStoreCheck,
  loadRuntimeConfig,
  logConfigFrom,
  openBus,
  openEventStore,
  runUntilSignal,
  type ConfigProblems,
} from '@sluice/runtime';
import { subgraphServeConfigFrom } from '@sluice/graphql-service';
import { createExecutionsApp, relayConfigFrom } from './executions-app';
import { executionsEnvFrom, prefixedTopics } from './executions-env';

const problems: ConfigProblems = [];
const logger = createLogger({ service: 'executions', ...logConfigFrom(process.env, problems) });

runUntilSignal(
  async () => {
    const own = executionsEnvFrom(process.env, problems);
    if (problems.length > 0) throw new ConfigError(problems);
    const config = loadRuntimeConfig(process.env);
    const relayConfig = relayConfigFrom(process.env, config.bus);
    const topics = prefixedTopics(own.topicPrefix);
    const eventStore = await openEventStore(config.eventStore);
    const { bus, description: busDescription } = openBus(config.bus);
    const relayLog = logger.child({ component: 'relay' });
    const relay: EventRelay | null =
      relayConfig.kind === 'off'
        ? null
        : await startEventRelay({
            store: eventStore.store,
            // The in-process bus forgets everything when the process ends: its relay starts from the beginning each time.
            checkpoints: config.bus.kind === 'in-process' ? new InMemoryCheckpointStore() : eventStore.checkpoints,
            bus,
            subscriberId: relayConfig.kind === 'all-events' ? 'sluice-relay' : 'executions-relay',
            topicFor: topics.topicFor,
            ...(relayConfig.kind === 'pipeline-events' ? { streamPrefixes: ['pipeline-'] } : {}),
            onError: (error, during) => relayLog.warn(`relay: ${during} failed, retrying`, { error }),
          });
    // On Kafka a redelivery may reach another instance: the transition feed's dedupe must be shared (decision 0010).
    const processedEvents: (ProcessedEventsStore & { close(): Promise<void> }) | undefined =
      config.bus.kind === 'kafka' && config.eventStore.kind === 'postgres'
        ? await createPostgresProcessedEvents({ connectionString: config.eventStore.connectionString, schema: config.eventStore.schema, consumer: 'executions' })
        : undefined;
    const checks = { store: eventStoreCheck(eventStore.store), bus: busCheck(config.bus) };
    const app = await createExecutionsApp({
      store: eventStore.store,
      bus,
      serve: subgraphServeConfigFrom(process.env, config.port),
      processedEvents,
      jobQueuePolicy: own.jobQueuePolicy,
      pipelineEventsTopic: topics.pipelineEventsTopic,
      log: logger.line,
      readiness: () => checkReadiness(checks),
    });
    logger.info(`executions service listening at ${app.url}/graphql — event store: ${eventStore.description}; bus: ${busDescription}; relay: ${relayConfig.kind}`, {
      url: app.url,
      pid: process.pid,
      jobQueuePolicy: own.jobQueuePolicy,
    });
    return async () => {
      // Long polls end and in-flight requests finish (the app's stop), then the relay stores its checkpoint.
      await app.stop();
      await relay?.stop();
      await processedEvents?.close();
      await bus.close();
      await eventStore.store.close();
    };
  },
  { logger },
);
