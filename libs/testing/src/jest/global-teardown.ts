import type { KafkaBroker } from '../kafka-broker';

export default async function globalTeardown(): Promise<void> {
  const broker = (globalThis as Record<string, unknown>).__SLUICE_KAFKA__ as KafkaBroker | undefined;
  if (broker) await broker.stop();
}
