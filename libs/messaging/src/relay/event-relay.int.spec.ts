import { openEmbeddedEventStore, type EmbeddedEventStore, type NewEvent, type RecordedEvent } from '@sluice/eventing';
import type { Bus, DeliveredMessage } from '../bus';
import { eventually } from '../contract/eventually';
import { InProcessBus } from '../in-process';
import { EVENT_HEADERS, eventFromMessage } from './event-message';
import { startEventRelay, type EventRelay } from './event-relay';

const events = (type: string, count: number): NewEvent[] => Array.from({ length: count }, (_, i) => ({ type, data: { i } }));

/** A real bus whose publishes fail while `down` is set: a broker outage without a broker. */
class BusWithOutage implements Bus {
  down = false;
  failedPublishes = 0;
  constructor(private readonly bus: Bus) {}
  async publish(...args: Parameters<Bus['publish']>): Promise<void> {
    await this.publishBatch(args[0], [{ key: args[1], value: args[2], headers: args[3] }]);
  }
  async publishBatch(...args: Parameters<Bus['publishBatch']>): Promise<void> {
    if (this.down) {
      this.failedPublishes += 1;
      throw new Error('bus unavailable');
    }
    await this.bus.publishBatch(...args);
  }
  subscribe(...args: Parameters<Bus['subscribe']>): ReturnType<Bus['subscribe']> {
    return this.bus.subscribe(...args);
  }
  close(): Promise<void> {
    return this.bus.close();
  }
}

describe('event relay (embedded store, in-process bus)', () => {
  // One store for the suite (PGlite takes seconds to open); each case has its own streams, relay and bus.
  let store: EmbeddedEventStore;
  let bus: InProcessBus;
  let tag = 0;
  let subscriberId: string;
  const relays: EventRelay[] = [];
  /** A stream of this case: `execution-1` -> `execution-t3.1`. */
  const stream = (name: string): string => name.replace('-', `-t${tag}.`);
  const start = async (options: Partial<Parameters<typeof startEventRelay>[0]> = {}): Promise<EventRelay> => {
    const relay = await startEventRelay({
      store,
      checkpoints: store.checkpoints,
      bus,
      subscriberId,
      streamPrefixes: ['execution-', 'pipeline-'].map(stream),
      ...options,
    });
    relays.push(relay);
    return relay;
  };
  const receive = async (topic: string): Promise<DeliveredMessage[]> => {
    const received: DeliveredMessage[] = [];
    await bus.subscribe(topic, 'test', (m) => void received.push(m));
    return received;
  };
  const storedEvents = async (): Promise<RecordedEvent[]> => (await store.readAll()).filter((e) => e.streamId.includes(`-t${tag}.`));

  beforeAll(async () => {
    store = await openEmbeddedEventStore({ dataDir: 'memory' });
  });

  beforeEach(() => {
    tag += 1;
    subscriberId = `relay-${tag}`;
    bus = new InProcessBus();
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await bus.close();
  });

  afterAll(async () => {
    await store?.close();
  });

  it('publishes stored and new events to the topic of their category, keyed by stream, in stream order', async () => {
    await store.append(stream('execution-1'), events('StageEntered', 3));
    await store.append(stream('pipeline-acme.web'), events('PipelineCreated', 1));
    const executions = await receive('sluice.execution.events');
    const pipelines = await receive('sluice.pipeline.events');
    await start();
    await store.append(stream('execution-2'), events('StageEntered', 2));
    await store.append(stream('execution-1'), events('StageSucceeded', 2));
    await eventually(
      () => executions.length >= 7 && pipelines.length >= 1,
      () => `executions ${executions.length} of 7, pipelines ${pipelines.length} of 1`,
    );
    const revisionsOf = (streamId: string): bigint[] =>
      executions.filter((m) => m.key === stream(streamId)).map((m) => eventFromMessage(m).revision);
    expect(revisionsOf('execution-1')).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(revisionsOf('execution-2')).toEqual([0n, 1n]);
    const [created] = pipelines;
    const stored = (await store.readStream(stream('pipeline-acme.web')))[0]!;
    expect(created!.key).toBe(stream('pipeline-acme.web'));
    expect(created!.headers).toMatchObject({
      [EVENT_HEADERS.id]: stored.id,
      [EVENT_HEADERS.type]: 'PipelineCreated',
      [EVENT_HEADERS.streamId]: stream('pipeline-acme.web'),
      [EVENT_HEADERS.position]: stored.position.toString(),
    });
    expect(created!.value).toMatchObject({ id: stored.id, revision: '0', position: stored.position.toString() });
    expect(eventFromMessage(created!)).toEqual(stored);
  });

  it('never publishes a stream holding a secret of the platform (key-…), whatever prefixes it relays', async () => {
    const keys = await receive('sluice.key.events');
    const executions = await receive('sluice.execution.events');
    await start({ streamPrefixes: undefined });
    await store.append(`key-t${tag}.execution-ids`, [{ type: 'ExecutionIdKeyCreated', data: { key: 'k'.repeat(43) } }]);
    await store.append(stream('execution-9'), events('StageEntered', 1));
    await eventually(() => executions.some((m) => m.key === stream('execution-9')), () => `executions ${executions.length}`);
    expect(keys).toEqual([]);
  });

  it('goes on from its checkpoint after a restart, publishing nothing twice', async () => {
    const received = await receive('sluice.execution.events');
    const first = await start();
    await store.append(stream('execution-1'), events('A', 5));
    await eventually(
      () => received.length >= 5,
      () => `received ${received.length} of 5`,
    );
    await first.stop();
    expect(await store.checkpoints.load(subscriberId)).toBe(first.publishedPosition);
    await store.append(stream('execution-1'), events('B', 3));
    await start();
    await eventually(
      () => received.length >= 8,
      () => `received ${received.length} of 8`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received.map((m) => eventFromMessage(m).revision)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]);
  });

  it('holds its checkpoint while the bus is down, retries, and loses nothing', async () => {
    const flaky = new BusWithOutage(bus);
    const received = await receive('sluice.execution.events');
    const errors: unknown[] = [];
    await start({ bus: flaky, retry: { initialDelayMs: 10, maxDelayMs: 50 }, onError: (e) => void errors.push(e) });
    await store.append(stream('execution-1'), events('Before', 2));
    await eventually(
      () => received.length >= 2,
      () => `received ${received.length} of 2`,
    );
    await eventually(
      () => relays[0]!.publishedPosition !== undefined,
      () => 'nothing published',
    );
    // The checkpoint of what the bus acknowledged, stored within the interval after the publish.
    await eventually(
      async () => (await store.checkpoints.load(subscriberId)) === relays[0]!.publishedPosition,
      () => 'the checkpoint of the first publish not stored',
    );
    flaky.down = true;
    const checkpointBefore = await store.checkpoints.load(subscriberId);
    for (let i = 0; i < 10; i++) await store.append(stream(`execution-${i % 3}`), events('During', 10));
    await eventually(
      () => flaky.failedPublishes >= 3,
      () => `failed publishes ${flaky.failedPublishes}`,
    );
    expect(received).toHaveLength(2);
    expect(await store.checkpoints.load(subscriberId)).toBe(checkpointBefore);
    flaky.down = false;
    await eventually(
      () => received.length >= 102,
      () => `received ${received.length} of 102`,
    );
    const ids = received.map((m) => eventFromMessage(m).id);
    const stored = (await storedEvents()).map((e) => e.id);
    expect(new Set(ids)).toEqual(new Set(stored));
    expect(errors.length).toBe(flaky.failedPublishes);
    const lastPosition = (await storedEvents()).at(-1)!.position;
    await eventually(
      async () => (await store.checkpoints.load(subscriberId)) === lastPosition,
      () => `checkpoint not at ${lastPosition}`,
    );
  });

  it('caught up, stores its checkpoint once per interval however many batches it publishes, then within the interval after the last', async () => {
    const intervalMs = 2_000;
    const stored: bigint[] = [];
    const counting = {
      load: (id: string) => store.checkpoints.load(id),
      store: async (id: string, position: bigint) => {
        stored.push(position);
        await store.checkpoints.store(id, position);
      },
    };
    const received = await receive('sluice.execution.events');
    await start({ checkpoints: counting, checkpointIntervalMs: intervalMs });
    const started = Date.now();
    for (let i = 1; i <= 10; i++) {
      await store.append(stream(`execution-${i}`), events('E', 1));
      await eventually(
        () => received.length >= i,
        () => `received ${received.length} of ${i}`,
      );
    }
    const publishingMs = Date.now() - started;
    const last = (await storedEvents()).at(-1)!.position;
    await eventually(
      async () => (await store.checkpoints.load(subscriberId)) === last,
      () => `checkpoint not at ${last}`,
    );
    // Ten batches, each caught up: a store per interval begun, not one per batch (ten before).
    expect(stored.length).toBeLessThanOrEqual(Math.ceil(publishingMs / intervalMs) + 1);
    expect(stored).toEqual([...stored].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('publishes in batches when events are waiting', async () => {
    for (let i = 0; i < 5; i++) await store.append(stream(`execution-${i}`), events('E', 100));
    const batchSizes: number[] = [];
    const counting: Bus = {
      publish: (...args) => bus.publish(...args),
      publishBatch: async (topic, messages) => {
        batchSizes.push(messages.length);
        await bus.publishBatch(topic, messages);
      },
      subscribe: (...args) => bus.subscribe(...args),
      close: () => bus.close(),
    };
    const received = await receive('sluice.execution.events');
    await start({ bus: counting, maxBatchSize: 200 });
    await eventually(
      () => received.length >= 500,
      () => `received ${received.length} of 500`,
    );
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
    expect(Math.max(...batchSizes)).toBeLessThanOrEqual(200);
    expect(batchSizes.length).toBeLessThan(500);
  });

  it('fails (done rejects) when an event cannot be routed, instead of skipping it', async () => {
    await store.append(stream('execution-1'), events('E', 1));
    const relay = await start({
      topicFor: () => {
        throw new TypeError('no topic for this event');
      },
    });
    await expect(relay.done).rejects.toThrow('no topic for this event');
    expect(await store.checkpoints.load(subscriberId)).toBeUndefined();
  });
});
