import { type CommandMetadata } from '@sluice/domain';
import { PIPELINE_EVENTS_TOPIC, isPipelineEvent } from '@sluice/contracts';
import type { RecordedEvent } from '@sluice/eventing';
import { eventFromMessage, idempotentHandler, InMemoryProcessedEvents, type Bus, type BusSubscription, type ProcessedEventsStore } from '@sluice/messaging';
import type { AggregateCommands } from '../../application/aggregate-commands';
import type { PipelineCatalog } from './pipeline-catalog';

/** The consumer group of the executions service: work done once for the whole service. */
export const EXECUTIONS_GROUP = 'executions';

export interface PipelineEventsSubscriptionOptions {
  bus: Bus;
  catalog: PipelineCatalog;
  commands: AggregateCommands;
  /** Names this instance's own catalog group. */
  instanceId: string;
  /** Event ids the transition feed has applied; in memory by default (docs/decisions/0010). */
  processedEvents?: ProcessedEventsStore;
  /** Where the relay publishes the pipelines service's events (default PIPELINE_EVENTS_TOPIC). */
  topic?: string;
}

/**
 * Two subscriptions to the pipelines service's events. The catalog is a read model every instance needs
 * whole, so each instance reads the topic in a group of its own. Feeding transitions into the lanes is a
 * write to do once, so it goes through the service's shared group `executions`, deduplicated by event id.
 */
export async function subscribeToPipelineEvents(options: PipelineEventsSubscriptionOptions): Promise<BusSubscription> {
  const topic = options.topic ?? PIPELINE_EVENTS_TOPIC;
  const catalogGroup = `${EXECUTIONS_GROUP}.catalog.${options.instanceId}`;
  const catalog = await options.bus.subscribe(
    topic,
    catalogGroup,
    idempotentHandler((message) => {
      const event = eventFromMessage(message);
      if (isPipelineEvent(event)) options.catalog.apply(event.metadata.account, event);
    }, new InMemoryProcessedEvents()),
  );
  const transitions = await options.bus.subscribe(
    topic,
    EXECUTIONS_GROUP,
    idempotentHandler((message) => feedTransition(options.commands, eventFromMessage(message)), options.processedEvents ?? new InMemoryProcessedEvents()),
  );
  return {
    async stop() {
      await Promise.all([catalog.stop(), transitions.stop()]);
    },
  };
}

/** StageTransitionDisabled/Enabled (decided and validated by the pipelines service) become the lanes' copy that admission reads. */
async function feedTransition(commands: AggregateCommands, event: RecordedEvent): Promise<void> {
  if (!isPipelineEvent(event)) return;
  const pipeline = { account: event.metadata.account, name: event.data.name };
  const metadata = (now: string, actor: string): CommandMetadata => ({ now, actor, account: pipeline.account, correlationId: event.metadata.correlationId });
  switch (event.type) {
    case 'StageTransitionDisabled': {
      const { stageName, reason, disabledBy, disabledAt } = event.data;
      await commands.lanes({ type: 'DisableInboundTransition', pipeline, stageName, reason, metadata: metadata(disabledAt, disabledBy) });
      return;
    }
    case 'StageTransitionEnabled': {
      const { stageName, enabledBy, enabledAt } = event.data;
      await commands.lanes({ type: 'EnableInboundTransition', pipeline, stageName, metadata: metadata(enabledAt, enabledBy) });
      return;
    }
    default:
      return;
  }
}
