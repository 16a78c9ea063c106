import { Client } from 'pg';
import type { EventRelay } from './event-relay';

export interface LeadingRelayOptions {
  /** The PostgreSQL the store is on: the lock is taken there. */
  connectionString: string;
  /** What the lock is for: the store's schema and the relay's subscriber id (one relay per pair at a time). */
  lockName: string;
  /** Starts the relay once this process holds the lock. */
  start: () => Promise<EventRelay>;
  /** Between tries of a process that does not hold the lock (default 1,000 ms): how soon it takes over. */
  retryMs?: number;
  /** Sees each failure it retries (the lock's connection lost, the relay failed to start). */
  onError?: (error: unknown) => void;
}

export interface LeadingRelay {
  /** Whether this process's relay runs now. */
  readonly leading: boolean;
  /** Stops trying; stops the relay if it runs (its checkpoint stored) and lets the lock go. */
  stop(): Promise<void>;
}

/**
 * The event relay run by one process of several at a time (decision 0079): each engine instance of the distributed
 * platform asks, and the one that holds a PostgreSQL session-level advisory lock relays; the others ask again every
 * `retryMs`. A process that dies loses its session and with it the lock, so another takes over within `retryMs` and
 * goes on from the checkpoint (what the dead one published after it is published again: consumers dedupe, decision
 * 0002). Every engine relaying every event, as before, published each event once per engine.
 */
export async function startLeadingRelay(options: LeadingRelayOptions): Promise<LeadingRelay> {
  const retryMs = options.retryMs ?? 1_000;
  let stopped = false;
  let client: Client | undefined;
  let relay: EventRelay | undefined;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> = Promise.resolve();

  /** The lock's session ended (or failed): the relay stops, since another process may hold the lock now. */
  const lost = async (lockClient: Client, error: unknown): Promise<void> => {
    if (client !== lockClient) return;
    client = undefined;
    options.onError?.(error);
    const running = relay;
    relay = undefined;
    await running?.stop().catch((failure: unknown) => options.onError?.(failure));
    await lockClient.end().catch(() => undefined);
    schedule();
  };

  const tryToLead = async (): Promise<void> => {
    if (stopped || relay) return;
    const lockClient = client ?? new Client({ connectionString: options.connectionString });
    try {
      if (!client) {
        lockClient.on('error', (error) => void lost(lockClient, error));
        lockClient.on('end', () => void lost(lockClient, new Error('the relay lock connection ended')));
        await lockClient.connect();
        client = lockClient;
      }
      const { rows } = await lockClient.query<{ held: boolean }>(`SELECT pg_try_advisory_lock(hashtext('sluice.relay'), hashtext($1)) AS held`, [options.lockName]);
      if (stopped || !rows[0]?.held) return schedule();
      const started = await options.start();
      if (client !== lockClient || stopped) {
        // The lock's session ended while the relay started (another may hold the lock now), or stop() came meanwhile.
        await started.stop();
        return;
      }
      relay = started;
    } catch (error) {
      options.onError?.(error);
      if (client === lockClient) {
        client = undefined;
        await lockClient.end().catch(() => undefined);
      }
      schedule();
    }
  };

  function schedule(): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      attempt = tryToLead();
    }, retryMs);
    timer.unref();
  }

  attempt = tryToLead();
  await attempt;
  return {
    get leading() {
      return relay !== undefined;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await attempt;
      const running = relay;
      relay = undefined;
      await running?.stop();
      const lockClient = client;
      client = undefined;
      // Ending the session lets the lock go.
      await lockClient?.end().catch(() => undefined);
    },
  };
}
