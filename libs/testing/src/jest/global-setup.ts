// Runs once before every suite of `npm test`: checks PostgreSQL answers (starting it if needed)
// and starts one real Kafka broker on loopback for the suites that need it. Workers inherit the
// environment set here (SLUICE_TEST_KAFKA_BROKERS).
import { ensurePostgres } from '../postgres';

export default async function globalSetup(): Promise<void> {
  await ensurePostgres();
  if (process.env.SLUICE_TEST_KAFKA_BROKERS || process.env.SLUICE_TEST_KAFKA === 'skip') return;
  const { startKafkaBroker } = await import('../kafka-broker');
  const broker = await startKafkaBroker();
  process.env.SLUICE_TEST_KAFKA_BROKERS = broker.brokers.join(',');
  (globalThis as Record<string, unknown>).__SLUICE_KAFKA__ = broker;
}
