import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { startKafkaBroker, type KafkaBroker } from './kafka-broker';

// The int project's testTimeout in jest.config.js is not applied (a global-only option in Jest 30).
jest.setTimeout(60_000);

// Its own broker, not the shared one from globalSetup: this spec stops and restarts it.
describe('startKafkaBroker (real broker)', () => {
  let broker: KafkaBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startKafkaBroker();
    kafka = new Kafka({ clientId: 'kafka-broker-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  }, 300_000);

  afterAll(async () => {
    await broker?.destroy();
  });

  it('serves produce and consume in a consumer group on loopback', async () => {
    expect(broker.brokers).toEqual([expect.stringMatching(/^127\.0\.0\.1:\d+$/)]);
    await produce(kafka, 'spec.greetings', ['hello', 'world']);

    expect(await consume(kafka, 'spec.greetings', 'spec-group', 2)).toEqual(['hello', 'world']);
  });

  it('keeps topics, records and group offsets across stop() and start() on the same port', async () => {
    await produce(kafka, 'spec.outage', ['before-stop']);
    expect(await consume(kafka, 'spec.outage', 'outage-group', 1)).toEqual(['before-stop']);
    const [address] = broker.brokers;

    await broker.stop();
    expect(broker.pid).toBeUndefined();
    expect(await portAcceptsConnections(address!)).toBe(false);
    await broker.start();

    expect(broker.brokers).toEqual([address]);
    expect(await consume(kafka, 'spec.outage', 'fresh-group', 1)).toEqual(['before-stop']);
    await produce(kafka, 'spec.outage', ['after-start']);
    // The group resumes from its committed offset: only the new record.
    expect(await consume(kafka, 'spec.outage', 'outage-group', 1)).toEqual(['after-start']);
  });

  it('stop() is idempotent and start() on a running broker is a no-op', async () => {
    const pid = broker.pid;
    await broker.start();
    expect(broker.pid).toBe(pid);

    await Promise.all([broker.stop(), broker.stop()]);
    await broker.stop();

    expect(broker.pid).toBeUndefined();
    expect(processExists(pid!)).toBe(false);
    expect(existsSync(broker.logDir)).toBe(true);
  });
});

async function produce(kafka: Kafka, topic: string, values: string[]): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    // One key so the records land in one partition and come back in order.
    await producer.send({ topic, messages: values.map((value) => ({ key: topic, value })) });
  } finally {
    await producer.disconnect();
  }
}

async function consume(kafka: Kafka, topic: string, groupId: string, count: number, timeoutMs = 30_000): Promise<string[]> {
  const consumer = kafka.consumer({ groupId });
  const received: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`received ${JSON.stringify(received)} of ${count} from ${topic} within ${timeoutMs}ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          received.push(message.value?.toString() ?? '');
          if (received.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect(); // commits the offsets of what eachMessage handled
  }
  return received;
}

function portAcceptsConnections(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
