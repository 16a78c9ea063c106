/**
 * Relay throughput, store → bus: `npx tsx bench/eventing/relay.ts` (starts its own Kafka broker).
 * The relay reads a PostgreSQL store from the start and publishes every event; the baseline, in the
 * same process and on the same broker, is a bare kafkajs producer sending the same encoded messages
 * in batches of the relay's size — so the ratio is what the relay itself costs (reading the store,
 * encoding, checkpointing). Medians of SLUICE_BENCH_ROUNDS rounds (default 3).
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { InMemoryCheckpointStore, type PostgresEventStore } from '@sluice/eventing';
import { createKafkaBus, eventToMessage, InProcessBus, startEventRelay, type Bus } from '@sluice/messaging';
import { startKafkaBroker } from '@sluice/testing';
import { data, Figures, rounds, seconds, throwAwayPostgresStore } from './bench-kit';

const EVENTS = Number(process.env.SLUICE_BENCH_RELAY_EVENTS ?? 20_000);
const BATCH = 500; // the relay's default maxBatchSize

async function filledStore(): Promise<{ store: PostgresEventStore; last: bigint; dispose(): Promise<void> }> {
  const { store, dispose } = await throwAwayPostgresStore();
  let last = 0n;
  for (let b = 0; b < EVENTS / 100; b++) {
    const result = await store.append(`execution-${b % 200}`, [...Array(100).keys()].map((n) => ({ type: 'ActionSucceeded', data: data(n) })));
    last = result.position;
  }
  return { store, last, dispose };
}

/** Events/s for the relay to publish the whole store into `bus`. */
async function relayThroughput(store: PostgresEventStore, last: bigint, bus: Bus, topic: string): Promise<number> {
  const started = process.hrtime.bigint();
  const relay = await startEventRelay({ store, checkpoints: new InMemoryCheckpointStore(), bus, subscriberId: `bench-${randomUUID()}`, topicFor: () => topic });
  while ((relay.publishedPosition ?? 0n) < last) await new Promise((r) => setTimeout(r, 2));
  const rate = EVENTS / seconds(started);
  await relay.stop();
  return rate;
}

async function baselineThroughput(store: PostgresEventStore, brokers: string[], topic: string): Promise<number> {
  const events = [];
  for (let from = 1n; ; ) {
    const page = await store.readAll({ fromPosition: from, maxCount: 5000 });
    events.push(...page);
    if (page.length < 5000) break;
    from = page[page.length - 1]!.position + 1n;
  }
  const messages = events.map((e) => {
    const m = eventToMessage(e);
    return { key: m.key, value: JSON.stringify(m.value), headers: m.headers };
  });
  const producer = new Kafka({ clientId: 'bench-baseline', brokers, logLevel: logLevel.NOTHING }).producer({ idempotent: true });
  await producer.connect();
  await producer.send({ topic, messages: messages.slice(0, 1), acks: -1 }); // topic metadata warm, as the relay's
  const started = process.hrtime.bigint();
  for (let i = 0; i < messages.length; i += BATCH) await producer.send({ topic, messages: messages.slice(i, i + BATCH), acks: -1 });
  const rate = messages.length / seconds(started);
  await producer.disconnect();
  return rate;
}

async function main(): Promise<void> {
  const broker = await startKafkaBroker();
  const kafkaBus = createKafkaBus({ brokers: broker.brokers, clientId: 'bench-relay' });
  const figures = new Figures();
  const record = (name: string, value: number) => figures.record(name, value);
  try {
    for (let round = 0; round < rounds; round++) {
      const { store, last, dispose } = await filledStore();
      try {
        const topic = `bench.relay.${round}.${randomUUID().slice(0, 8)}`;
        await kafkaBus.publish(topic, 'warm', { warm: true });
        const relay = await relayThroughput(store, last, kafkaBus, topic);
        const baseline = await baselineThroughput(store, broker.brokers, `${topic}.baseline`);
        record('relay PostgreSQL → Kafka (events/s)', relay);
        record('baseline: bare kafkajs producer, same messages (events/s)', baseline);
        record('ratio relay / baseline', relay / baseline);
        const inProcess = new InProcessBus();
        record('relay PostgreSQL → in-process bus (events/s)', await relayThroughput(store, last, inProcess, 'bench'));
        await inProcess.close();
      } finally {
        await dispose();
      }
    }
  } finally {
    await kafkaBus.close();
    await broker.destroy();
  }
  figures.print(`Relay, ${EVENTS.toLocaleString('en-US')} events of ~250 bytes`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
