// The executions service alone (distributed mode): configured by its environment (executions-config.ts), JSON logs.
import { openLogStore } from '@sluice/artifact-store';
import { InMemoryCheckpointStore } from '@sluice/eventing';
import { createPostgresProcessedEvents, startEventRelay, startLeadingRelay, type ProcessedEventsStore } from '@sluice/messaging';
import { busCheck, checkReadiness, eventStoreCheck, openBus, serviceMainOnStore } from '@sluice/runtime';
import { loadExecutionsConfig, prefixedTopics } from './executions-config';
import { createExecutionsService } from './executions-service';

serviceMainOnStore({
  service: 'executions',
  env: process.env,
  loadConfig: loadExecutionsConfig,
  async start(config, { logger, eventStore }) {
    const { runtime, relay: relayConfig } = config;
    const topics = prefixedTopics(config.topicPrefix);
    const { bus, description: busDescription } = openBus(runtime.bus);
    const relayLog = logger.child({ component: 'relay' });
    const subscriberId = relayConfig.kind === 'all-events' ? 'sluice-relay' : 'executions-relay';
    const startRelay = () =>
      startEventRelay({
        store: eventStore.store,
        // The in-process bus forgets everything when the process ends: its relay starts from the beginning each time.
        checkpoints: runtime.bus.kind === 'in-process' ? new InMemoryCheckpointStore() : eventStore.checkpoints,
        bus,
        subscriberId,
        topicFor: topics.topicFor,
        ...(relayConfig.kind === 'pipeline-events' ? { streamPrefixes: ['pipeline-'] } : {}),
        onError: (error, during) => relayLog.warn(`relay: ${during} failed, retrying`, { error }),
      });
    // On Kafka with the store on PostgreSQL, the engine instances relay one at a time, the others standing by (decision 0079).
    const relay: { stop(): Promise<void> } | null =
      relayConfig.kind === 'off'
        ? null
        : runtime.bus.kind === 'kafka' && runtime.eventStore.kind === 'postgres'
          ? await startLeadingRelay({
              connectionString: runtime.eventStore.connectionString,
              lockName: `${runtime.eventStore.schema}/${subscriberId}`,
              start: startRelay,
              onError: (error) => relayLog.warn('relay: its lock failed, trying again', { error }),
            })
          : await startRelay();
    // On Kafka a redelivery may reach another instance: the transition feed's dedupe must be shared (decision 0010).
    const processedEvents: (ProcessedEventsStore & { close(): Promise<void> }) | undefined =
      runtime.bus.kind === 'kafka' && runtime.eventStore.kind === 'postgres'
        ? await createPostgresProcessedEvents({ connectionString: runtime.eventStore.connectionString, schema: runtime.eventStore.schema, consumer: 'executions' })
        : undefined;
    const checks = { store: eventStoreCheck(eventStore.store), bus: busCheck(runtime.bus) };
    // The text of action logs, in chunks the log events reference (docs/decisions/0049).
    const logs = await openLogStore(config.logs);
    const service = await createExecutionsService({
      store: eventStore.store,
      bus,
      serve: config.serve,
      processedEvents,
      jobQueuePolicy: config.jobQueuePolicy,
      masterKeyCipher: config.masterKeyCipher,
      auditKey: config.auditKey,
      retentionSweepIntervalMs: config.retentionSweepIntervalMs,
      pipelineEventsTopic: topics.pipelineEventsTopic,
      actionLogStore: logs.store,
      log: logger.line,
      readiness: () => checkReadiness(checks),
    });
    return {
      message: `executions service listening at ${service.url}/graphql — event store: ${eventStore.description}; bus: ${busDescription}; relay: ${relayConfig.kind}; logs: ${logs.description}`,
      fields: { url: service.url, jobQueuePolicy: config.jobQueuePolicy },
      async stop() {
        // Long polls end and in-flight requests finish (the service's stop), then the relay stores its checkpoint.
        await service.stop();
        await relay?.stop();
        await processedEvents?.close();
        await bus.close();
        await logs.store.close();
      },
    };
  },
});
