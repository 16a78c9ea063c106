import { Kafka, logLevel } from 'kafkajs';

/**
 * Resolves when a broker of `brokers` answers the admin's `describeCluster` within `timeoutMs`; rejects with
 * why not. Connects afresh each time (a few ms on loopback), so a broker that came back is seen at once:
 * for readiness probes, not for a hot path.
 */
export async function pingKafka(brokers: string[], clientId: string, timeoutMs = 2_000): Promise<void> {
  const admin = new Kafka({ clientId, brokers, connectionTimeout: timeoutMs, requestTimeout: timeoutMs, retry: { retries: 0 }, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('the Kafka cluster lists no broker');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
