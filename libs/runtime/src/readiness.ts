import type { EventStore } from '@sluice/eventing';
import { pingKafka } from '@sluice/messaging';
import type { BusConfig } from './runtime-config';

/** Resolves when the dependency answers now; rejects with why it does not. */
export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  ready: boolean;
  /** Per dependency: `up`, or why it is not. */
  checks: Record<string, string>;
}

const PROBE_STREAM = 'readyz-probe';

/** The store answers a read: one indexed lookup of a stream nobody writes. */
export const eventStoreCheck =
  (store: EventStore): ReadinessCheck =>
  async () =>
    void (await store.readStream(PROBE_STREAM, { maxCount: 1 }));

/**
 * The bus answers: an in-process bus always does; Kafka when a broker answers the admin's `describeCluster`.
 * Each probe connects afresh (a few ms on loopback), so a broker that came back is seen at once.
 */
export function busCheck(config: BusConfig, timeoutMs = 2_000): ReadinessCheck {
  if (config.kind === 'in-process') return async () => undefined;
  return () => pingKafka(config.brokers, `${config.clientId}-readyz`, timeoutMs);
}

/** Runs every check at once, each bounded by `timeoutMs`: ready when all answered. */
export async function checkReadiness(checks: Record<string, ReadinessCheck>, timeoutMs = 2_000): Promise<ReadinessReport> {
  const states = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([check(), timedOut]);
        return [name, 'up'] as const;
      } catch (error) {
        return [name, error instanceof Error ? error.message : String(error)] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: states.every(([, state]) => state === 'up'), checks: Object.fromEntries(states) };
}
