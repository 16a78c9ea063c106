import { randomUUID } from 'node:crypto';
import { startKafkaBroker, type KafkaBroker } from '@sluice/testing';
import { eventually } from '../contract/eventually';
import { ReceivedMessages } from '../contract/received-messages';
import { createKafkaBus, type KafkaBus } from './kafka-bus';
import { testKafkaBusOptions } from './test-kafka';

describe('Kafka bus across a broker restart', () => {
  let broker: KafkaBroker;
  let bus: KafkaBus;

  beforeAll(async () => {
    broker = await startKafkaBroker();
    bus = createKafkaBus(testKafkaBusOptions(broker.brokers, 'bus-restart'));
  }, 120_000);

  afterAll(async () => {
    await bus?.close();
    await broker?.destroy();
  }, 60_000);

  it('keeps a subscription alive and publishes again once the broker is back', async () => {
    const topic = `restart-${randomUUID().slice(0, 8)}`;
    const received = new ReceivedMessages<string>();
    await bus.subscribe(topic, 'survivor', received.handler);
    // An idle member sees the broker shut down as "Failed to find group coordinator", a crash
    // kafkajs does not restart by itself: the case the bus must recover from.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await broker.stop();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await expect(bus.publish(topic, 'k', 'while down')).rejects.toThrow();
    await broker.start();
    await bus.publish(topic, 'k', 'after');
    await eventually(
      () => received.values.includes('after'),
      () => `received ${JSON.stringify(received.values)}`,
      60_000,
    );
    expect(received.values).not.toContain('while down');
  }, 180_000);
});
