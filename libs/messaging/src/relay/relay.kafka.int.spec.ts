import { randomUUID } from 'node:crypto';
import { InMemoryCheckpointStore, openEmbeddedEventStore, type EmbeddedEventStore, type NewEvent, type RecordedEvent } from '@sluice/eventing';
import { startKafkaBroker, type KafkaBroker } from '@sluice/testing';
import type { Bus, BusSubscription } from '../bus';
import { eventually } from '../contract/eventually';
import { idempotentHandler, InMemoryProcessedEvents } from '../idempotent';
import { createKafkaBus } from '../kafka/kafka-bus';
import { testKafkaBrokers, testKafkaBusOptions } from '../kafka/test-kafka';
import { eventFromMessage } from './event-message';
import { startEventRelay, type EventRelay } from './event-relay';

const events = (type: string, count: number): NewEvent[] => Array.from({ length: count }, (_, i) => ({ type, data: { i } }));

/** A consumer that dedupes by event id and records what it processed and how many deliveries it saw. */
async function consume(bus: Bus, topic: string, group: string): Promise<{ processed: RecordedEvent[]; deliveries: () => number; subscription: BusSubscription }> {
  const processed: RecordedEvent[] = [];
  let deliveries = 0;
  const handler = idempotentHandler((message) => void processed.push(eventFromMessage(message)), new InMemoryProcessedEvents(100_000));
  const subscription = await bus.subscribe(topic, group, (message) => {
    deliveries += 1;
    return handler(message);
  });
  return { processed, deliveries: () => deliveries, subscription };
}

function expectStreamOrder(processed: RecordedEvent[]): void {
  const byStream = new Map<string, bigint[]>();
  for (const event of processed) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event.revision]);
  for (const [streamId, revisions] of byStream) {
    expect([streamId, revisions]).toEqual([streamId, revisions.map((_, i) => BigInt(i))]);
  }
}

describe('event relay to Kafka', () => {
  let store: EmbeddedEventStore;
  const relays: EventRelay[] = [];
  const buses: Bus[] = [];

  beforeAll(async () => {
    store = await openEmbeddedEventStore({ dataDir: 'memory' });
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  afterAll(async () => {
    await store?.close();
  });

  it('delivers every stored event once after dedupe, in stream order, even when a relay publishes again', async () => {
    const run = randomUUID().slice(0, 8);
    const topic = `relay-e2e-${run}`;
    const bus = createKafkaBus(testKafkaBusOptions(testKafkaBrokers(), 'relay-e2e'));
    buses.push(bus);
    const streams = Array.from({ length: 5 }, (_, i) => `execution-${run}.${i}`);
    const relayOptions = { store, bus, topicFor: () => topic, streamPrefixes: [`execution-${run}.`] };
    for (const streamId of streams) await store.append(streamId, events('Before', 20));
    const consumer = await consume(bus, topic, 'projection');
    relays.push(await startEventRelay({ ...relayOptions, checkpoints: store.checkpoints, subscriberId: `relay-${run}` }));
    for (let round = 0; round < 4; round++) {
      for (const streamId of streams) await store.append(streamId, events('After', 5));
    }
    await eventually(
      () => consumer.processed.length >= 200,
      () => `processed ${consumer.processed.length} of 200`,
      60_000,
    );
    // A relay that lost its checkpoint (a crash before storing it) publishes everything again.
    relays.push(await startEventRelay({ ...relayOptions, checkpoints: new InMemoryCheckpointStore(), subscriberId: `relay-${run}` }));
    await eventually(
      () => consumer.deliveries() >= 400,
      () => `deliveries ${consumer.deliveries()} of 400`,
      60_000,
    );
    const stored = (await store.readAll()).filter((e) => e.streamId.startsWith(`execution-${run}.`));
    expect(consumer.processed.map((e) => e.id).sort()).toEqual(stored.map((e) => e.id).sort());
    expect(consumer.processed).toHaveLength(200);
    expectStreamOrder(consumer.processed);
  });

  describe('with a broker of its own that goes down', () => {
    let broker: KafkaBroker;

    beforeAll(async () => {
      broker = await startKafkaBroker();
    }, 120_000);

    afterAll(async () => {
      await broker?.destroy();
    }, 60_000);

    it('loses none of 1,000 events appended while Kafka is down', async () => {
      const run = randomUUID().slice(0, 8);
      const topic = `relay-outage-${run}`;
      const bus = createKafkaBus(testKafkaBusOptions(broker.brokers, 'relay-outage'));
      buses.push(bus);
      const consumer = await consume(bus, topic, 'outage-consumer');
      const publishErrors: unknown[] = [];
      relays.push(
        await startEventRelay({
          store,
          checkpoints: store.checkpoints,
          bus,
          subscriberId: `relay-${run}`,
          topicFor: () => topic,
          streamPrefixes: [`pipeline-${run}.`],
          retry: { initialDelayMs: 200, maxDelayMs: 2_000 },
          onError: (error, during) => {
            if (during === 'publish') publishErrors.push(error);
          },
        }),
      );
      const streams = Array.from({ length: 10 }, (_, i) => `pipeline-${run}.${i}`);
      await store.append(streams[0]!, events('BeforeOutage', 10));
      await eventually(
        () => consumer.processed.length >= 10,
        () => `processed ${consumer.processed.length} of 10 before the outage`,
      );

      await broker.stop();
      for (let round = 0; round < 10; round++) {
        for (const streamId of streams) await store.append(streamId, events('DuringOutage', 10));
      }
      await eventually(
        () => publishErrors.length > 0,
        () => 'the relay never failed to publish: was the broker down?',
        60_000,
      );
      await broker.start();

      const expected = (await store.readAll()).filter((e) => e.streamId.startsWith(`pipeline-${run}.`)).map((e) => e.id);
      expect(expected).toHaveLength(1_010);
      await eventually(
        () => consumer.processed.length >= 1_010,
        () => `processed ${consumer.processed.length} of 1010 after the outage`,
        120_000,
      );
      expect(new Set(consumer.processed.map((e) => e.id))).toEqual(new Set(expected));
      expect(consumer.processed).toHaveLength(1_010);
      expectStreamOrder(consumer.processed);
    }, 240_000);
  });
});
