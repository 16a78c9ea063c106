import { randomUUID } from 'node:crypto';
import { DLQ_HEADERS, dlqTopic, type Bus, type BusSubscription, type DeliveredMessage } from '../bus';
import { eventually } from './eventually';
import { ReceivedMessages } from './received-messages';

interface Numbered {
  key: string;
  n: number;
}

/**
 * The semantics every Bus adapter keeps (see bus.ts). `open` gives a bus for the whole suite;
 * each case uses topics of its own.
 */
export function busContract(name: string, open: () => Promise<Bus>): void {
  describe(`Bus contract: ${name}`, () => {
    let bus: Bus;
    const subscriptions: BusSubscription[] = [];
    const newTopic = (): string => `contract-${randomUUID().slice(0, 8)}`;
    const subscribe = async (...args: Parameters<Bus['subscribe']>): Promise<BusSubscription> => {
      const subscription = await bus.subscribe(...args);
      subscriptions.push(subscription);
      return subscription;
    };
    const publishNumbered = (topic: string, keys: string[], count: number, from = 0): Promise<void> =>
      bus.publishBatch(
        topic,
        Array.from({ length: count }, (_, i) => keys.map((key) => ({ key, value: { key, n: from + i } }))).flat(),
      );

    beforeAll(async () => {
      bus = await open();
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
    });

    afterAll(async () => {
      await bus?.close();
    });

    it('keeps the order of each key', async () => {
      const topic = newTopic();
      const keys = ['order-a', 'order-b', 'order-c'];
      const received = new ReceivedMessages<Numbered>();
      await subscribe(topic, 'g', received.handler);
      for (let chunk = 0; chunk < 4; chunk++) await publishNumbered(topic, keys, 50, chunk * 50);
      await eventually(
        () => received.messages.length >= 600,
        () => `received ${received.messages.length} of 600`,
      );
      for (const key of keys) {
        expect(received.valuesOf(key).map((v) => v.n)).toEqual(Array.from({ length: 200 }, (_, i) => i));
      }
      expect(received.messages.every((m) => m.attempt === 1)).toBe(true);
    });

    it('splits the partitions of a topic between the members of a group', async () => {
      const topic = newTopic();
      const first = new ReceivedMessages<Numbered>();
      const second = new ReceivedMessages<Numbered>();
      await subscribe(topic, 'shared', first.handler);
      await subscribe(topic, 'shared', second.handler);
      const keys = Array.from({ length: 30 }, (_, i) => `split-${i}`);
      await publishNumbered(topic, keys, 2);
      const all = (): Array<DeliveredMessage<Numbered>> => [...first.messages, ...second.messages];
      await eventually(
        () => all().length >= 60,
        () => `received ${all().length} of 60`,
      );
      await quietFor(300);
      expect(first.messages.length).toBeGreaterThan(0);
      expect(second.messages.length).toBeGreaterThan(0);
      const ids = all().map((m) => `${m.value.key}/${m.value.n}`);
      expect(new Set(ids).size).toBe(60);
      expect(ids).toHaveLength(60);
      const firstKeys = new Set(first.messages.map((m) => m.key));
      expect(second.messages.some((m) => firstKeys.has(m.key))).toBe(false);
    });

    it('gives every message to each of two groups', async () => {
      const topic = newTopic();
      const billing = new ReceivedMessages<Numbered>();
      const audit = new ReceivedMessages<Numbered>();
      await subscribe(topic, 'billing', billing.handler);
      await subscribe(topic, 'audit', audit.handler);
      await publishNumbered(topic, ['g-1', 'g-2', 'g-3', 'g-4'], 10);
      await eventually(
        () => billing.messages.length >= 40 && audit.messages.length >= 40,
        () => `billing ${billing.messages.length}, audit ${audit.messages.length} of 40`,
      );
      const sorted = (r: ReceivedMessages<Numbered>): string[] => r.values.map((v) => `${v.key}/${v.n}`).sort();
      expect(sorted(billing)).toEqual(sorted(audit));
      expect(new Set(sorted(billing)).size).toBe(40);
    });

    it('lets the remaining member take over the partitions of a member that left', async () => {
      const topic = newTopic();
      const staying = new ReceivedMessages<Numbered>();
      const leaving = new ReceivedMessages<Numbered>();
      await subscribe(topic, 'shared', staying.handler);
      const leaver = await subscribe(topic, 'shared', leaving.handler);
      await leaver.stop();
      const keys = Array.from({ length: 12 }, (_, i) => `leave-${i}`);
      await publishNumbered(topic, keys, 1);
      await eventually(
        () => staying.messages.length >= 12,
        () => `received ${staying.messages.length} of 12`,
      );
      expect(leaving.messages).toHaveLength(0);
    });

    it('redelivers a message whose handler failed, with the attempt number', async () => {
      const topic = newTopic();
      const attempts: number[] = [];
      const processed: unknown[] = [];
      await subscribe(
        topic,
        'g',
        (message) => {
          attempts.push(message.attempt);
          if (message.attempt < 3) throw new Error(`transient failure ${message.attempt}`);
          processed.push(message.value);
        },
        { maxAttempts: 5, retryBackoffMs: 20 },
      );
      await bus.publish(topic, 'k', { n: 1 });
      await eventually(
        () => processed.length >= 1,
        () => `attempts so far ${JSON.stringify(attempts)}`,
      );
      await quietFor(200);
      expect(attempts).toEqual([1, 2, 3]);
      expect(processed).toEqual([{ n: 1 }]);
    });

    it('sends a message that keeps failing to <topic>.dlq with the error, then goes on', async () => {
      const topic = newTopic();
      const processed: Numbered[] = [];
      const attemptsOfPoison: number[] = [];
      await subscribe(
        topic,
        'g',
        (message) => {
          const value = message.value as Numbered;
          if (value.n === 1) {
            attemptsOfPoison.push(message.attempt);
            throw new Error('cannot digest message 1');
          }
          processed.push(value);
        },
        { maxAttempts: 3, retryBackoffMs: 10 },
      );
      const dead = new ReceivedMessages<Numbered>();
      await subscribe(dlqTopic(topic), 'dlq-reader', dead.handler);
      await bus.publishBatch(
        topic,
        [0, 1, 2].map((n) => ({ key: 'poison', value: { key: 'poison', n }, headers: { 'sluice-test': `m${n}` } })),
      );
      await eventually(
        () => processed.length >= 2 && dead.messages.length >= 1,
        () => `processed ${JSON.stringify(processed)}, dead ${dead.messages.length}`,
      );
      expect(processed.map((v) => v.n)).toEqual([0, 2]);
      expect(attemptsOfPoison).toEqual([1, 2, 3]);
      const [letter] = dead.messages;
      expect(letter!.key).toBe('poison');
      expect(letter!.value).toEqual({ key: 'poison', n: 1 });
      expect(letter!.headers).toMatchObject({
        'sluice-test': 'm1',
        [DLQ_HEADERS.error]: 'Error: cannot digest message 1',
        [DLQ_HEADERS.originalTopic]: topic,
        [DLQ_HEADERS.attempts]: '3',
        [DLQ_HEADERS.group]: 'g',
      });
      expect(letter!.headers[DLQ_HEADERS.originalOffset]).toMatch(/^\d+$/);
      expect(letter!.headers[DLQ_HEADERS.originalPartition]).toMatch(/^\d+$/);
    });

    it('redelivers to a new member what a stopped member had not finished (at least once)', async () => {
      const topic = newTopic();
      const stuckAt = 3;
      const before: number[] = [];
      let stuck = false;
      const first = await subscribe(
        topic,
        'workers',
        (message) => {
          const n = (message.value as Numbered).n;
          if (n === stuckAt) {
            stuck = true;
            return new Promise<void>(() => undefined);
          }
          before.push(n);
        },
        { stopGraceMs: 100 },
      );
      await publishNumbered(topic, ['one-key'], 10);
      await eventually(
        () => stuck,
        () => `first member got ${JSON.stringify(before)}`,
      );
      await first.stop();
      expect(before).toEqual([0, 1, 2]);
      const after = new ReceivedMessages<Numbered>();
      await subscribe(topic, 'workers', after.handler);
      await eventually(
        () => after.values.some((v) => v.n === 9),
        () => `second member got ${JSON.stringify(after.values.map((v) => v.n))}`,
      );
      const redelivered = after.values.map((v) => v.n);
      // What the first member committed may come again too; what it did not finish must.
      expect(redelivered.slice(redelivered.indexOf(stuckAt))).toEqual([3, 4, 5, 6, 7, 8, 9]);
      expect(redelivered[0]).toBeLessThanOrEqual(stuckAt);
    });

    it('starts a new group at the oldest message, or at the end with fromBeginning: false', async () => {
      const topic = newTopic();
      await publishNumbered(topic, ['late-a', 'late-b'], 3);
      const fromStart = new ReceivedMessages<Numbered>();
      const fromNow = new ReceivedMessages<Numbered>();
      await subscribe(topic, 'from-start', fromStart.handler);
      await subscribe(topic, 'from-now', fromNow.handler, { fromBeginning: false });
      await bus.publish(topic, 'late-a', { key: 'late-a', n: 99 });
      await eventually(
        () => fromStart.messages.length >= 7 && fromNow.messages.length >= 1,
        () => `from start ${fromStart.messages.length} of 7, from now ${fromNow.messages.length} of 1`,
      );
      await quietFor(200);
      expect(fromNow.values).toEqual([{ key: 'late-a', n: 99 }]);
      expect(fromStart.valuesOf('late-a').map((v) => v.n)).toEqual([0, 1, 2, 99]);
    });

    it('rejects a value that is not JSON, as every adapter encodes values as JSON', async () => {
      await expect(bus.publish(newTopic(), 'k', { big: 1n })).rejects.toThrow(TypeError);
    });
  });
}

/** Lets duplicates, if an adapter were to send any, arrive before the assertions. */
const quietFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
