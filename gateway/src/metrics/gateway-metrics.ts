import { DurableProjectionRunner, ensureReadModel, NOTHING_FOLDED, openReadModelDatabase, type EventStore, type OpenedReadModelDatabase } from '@sluice/eventing';
import { EXECUTION_STREAM_PREFIX } from '@sluice/contracts';
import { metricsRegistry, type StoreMetrics } from './metrics-families';
import { emptyLiveMetricsState, foldLiveMetricsEvent, MetricsTables } from './metrics-projection';

export interface GatewayMetrics {
  /** The exposition text of `/metrics` now (prom-client's); with `account`, only that account's labelled series. */
  render(subscriptions: { connections: number; live: number }, options?: { account?: string }): Promise<string>;
  stop(): Promise<void>;
}

export interface GatewayMetricsOptions {
  log?: (line: string) => void;
  now?: () => number;
}

/** Live events wait this long to be committed together (the tables are read by scrapes, seconds apart). */
const COMMIT_INTERVAL_MS = 250;

/**
 * The `/metrics` state (decision 0067): the executions' statuses and the queued jobs are a durable read model in the
 * store's database (`MetricsTables`), which a start resumes after its checkpoint, in the background; the action
 * durations are observed from live events only. The lag is now − occurredAt of the last folded event while the tables
 * are catching up (after a start, or for good once the projection failed), and 0 once caught up.
 */
export function gatewayMetrics(store: EventStore | undefined, options: GatewayMetricsOptions = {}): GatewayMetrics {
  const now = options.now ?? Date.now;
  const fail = (error: unknown) => options.log?.(`gateway: metrics projection stopped: ${error instanceof Error ? error.message : String(error)}`);
  if (!store) {
    return { render: (subscriptions) => metricsRegistry({ store: undefined, lagSeconds: 0, subscriptions }).metrics(), stop: async () => undefined };
  }
  const live = emptyLiveMetricsState();
  const liveSubscription = store.subscribeToAll((event) => foldLiveMetricsEvent(live, event), { fromPosition: 'end', streamPrefixes: [EXECUTION_STREAM_PREFIX] });
  liveSubscription.done.catch(fail);
  let caughtUp = false;
  let stopped = false;
  let lastOccurredAt: number | undefined;
  let runner: DurableProjectionRunner | undefined;
  let opened: OpenedReadModelDatabase | undefined;
  const ready: Promise<MetricsTables | undefined> = (async () => {
    opened = await openReadModelDatabase(store);
    const tables = new MetricsTables(opened.database);
    // The tables exist before a scrape reads them (the runner would create them too, but in the background).
    await ensureReadModel(opened.database, tables);
    runner = new DurableProjectionRunner(store, opened.database, tables, {
      commitIntervalMs: COMMIT_INTERVAL_MS,
      // On PostgreSQL the history its checkpoint has not seen is folded there, not read into the gateway (decision 0074).
      catchUpInDatabase: true,
      onCommitted: (events) => void (lastOccurredAt = Date.parse(events[events.length - 1]!.metadata.occurredAt)),
      onError: (error) => {
        caughtUp = false;
        fail(error);
      },
    });
    if (stopped) return undefined;
    // Caught up in the background: a scrape meanwhile says how far behind the tables are.
    runner.start().then(
      () => (caughtUp = true),
      (error: unknown) => fail(error),
    );
    return tables;
  })().catch((error: unknown) => {
    fail(error);
    return undefined;
  });
  const lagSeconds = (): number => (caughtUp || lastOccurredAt === undefined || Number.isNaN(lastOccurredAt) ? 0 : Math.max(0, now() - lastOccurredAt) / 1000);

  return {
    async render(subscriptions, { account } = {}) {
      const tables = await ready;
      let metrics: StoreMetrics | undefined;
      if (tables) {
        const [executions, queueDepth] = await Promise.all([tables.executionCounts(account), tables.queueDepth()]);
        const position = runner?.checkpoint ?? NOTHING_FOLDED;
        metrics = { executions, queueDepth, position: position === NOTHING_FOLDED ? 0n : position, live };
      }
      return metricsRegistry({ store: metrics, lagSeconds: lagSeconds(), subscriptions }).metrics();
    },
    async stop() {
      stopped = true;
      await liveSubscription.stop();
      await ready;
      await runner?.stop();
      await opened?.close();
    },
  };
}
