import type { KafkaBusOptions } from './kafka-bus';

/** The shared test broker that the jest globalSetup started (libs/testing). */
export function testKafkaBrokers(): string[] {
  const brokers = process.env.SLUICE_TEST_KAFKA_BROKERS;
  if (!brokers) {
    throw new Error(
      'SLUICE_TEST_KAFKA_BROKERS is not set: run the Kafka specs through jest (its globalSetup starts a broker), without SLUICE_TEST_KAFKA=skip, or point it at a broker (host:port,...)',
    );
  }
  return brokers.split(',');
}

/** Timings that make a test group rebalance in well under a second (6 s is the broker's minimum session). */
export function testKafkaBusOptions(brokers: string[], clientId: string): KafkaBusOptions {
  return {
    brokers,
    clientId,
    consumer: { sessionTimeout: 6_000, rebalanceTimeout: 6_000, heartbeatInterval: 200, maxWaitTimeInMs: 200, joinTimeoutMs: 30_000, restartBackoff: { initialDelayMs: 200, maxDelayMs: 2_000 } },
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 8 },
    connectionTimeout: 2_000,
  };
}
