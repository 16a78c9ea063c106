import { type PipelineDeclaration } from '@sluice/domain';
import { PIPELINE_EVENTS_TOPIC, pipelineStreamId, type PipelineEvent } from '@sluice/contracts';
import { InMemoryCheckpointStore, type EventStore } from '@sluice/eventing';
import { startEventRelay, type Bus, type EventRelay } from '@sluice/messaging';

/**
 * Writes pipeline events to the store as the pipelines service does (one stream per pipeline, expected
 * revisions, metadata with the account), without importing it; the relay carries them to the bus.
 */
export class PipelinePublisher {
  constructor(
    private readonly store: EventStore,
    private readonly account = 'acme',
    private readonly actor = 'alice',
  ) {}

  /** Creates or updates: returns the version now current. */
  async publish(declaration: PipelineDeclaration): Promise<number> {
    const history = await this.history(declaration.name);
    const version = history.reduce((latest, event) => ('version' in event.data ? Math.max(latest, event.data.version) : latest), 0) + 1;
    const now = new Date().toISOString();
    const accepted = { ...declaration, version };
    const event: PipelineEvent =
      version === 1
        ? { type: 'PipelineCreated', data: { name: declaration.name, version, declaration: accepted, tags: [], created: now, createdBy: this.actor } }
        : { type: 'PipelineUpdated', data: { name: declaration.name, version, declaration: accepted, updated: now, updatedBy: this.actor } };
    await this.append(declaration.name, event, history.length);
    return version;
  }

  async disableStageTransition(name: string, stageName: string, reason: string): Promise<void> {
    const history = await this.history(name);
    const data = { name, stageName, transitionType: 'Inbound' as const, reason, disabledBy: this.actor, disabledAt: new Date().toISOString() };
    await this.append(name, { type: 'StageTransitionDisabled', data }, history.length);
  }

  async enableStageTransition(name: string, stageName: string): Promise<void> {
    const history = await this.history(name);
    const data = { name, stageName, transitionType: 'Inbound' as const, enabledBy: this.actor, enabledAt: new Date().toISOString() };
    await this.append(name, { type: 'StageTransitionEnabled', data }, history.length);
  }

  private async history(name: string): Promise<PipelineEvent[]> {
    return (await this.store.readStream(pipelineStreamId(this.account, name))).map((event) => ({ type: event.type, data: event.data }) as PipelineEvent);
  }

  private async append(name: string, event: PipelineEvent, length: number): Promise<void> {
    const metadata = { correlationId: `test-${name}`, causationId: null, actor: this.actor, account: this.account, occurredAt: new Date().toISOString() };
    await this.store.append(pipelineStreamId(this.account, name), [{ type: event.type, data: event.data, metadata }], {
      expectedRevision: length === 0 ? 'no_stream' : BigInt(length - 1),
    });
  }
}

/** The store -> bus relay for pipeline events, as the platform runs it over an in-process bus (from the start, checkpoint in memory). */
export function startPipelineEventsRelay(store: EventStore, bus: Bus, topic = PIPELINE_EVENTS_TOPIC): Promise<EventRelay> {
  return startEventRelay({
    store,
    checkpoints: new InMemoryCheckpointStore(),
    bus,
    subscriberId: 'executions-test-relay',
    streamPrefixes: ['pipeline-'],
    topicFor: () => topic,
  });
}
