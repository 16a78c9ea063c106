import { Gauge, Registry } from 'prom-client';
import type { ExecutionCount, LiveMetricsState } from './metrics-projection';

/** What the store says, for one scrape: read from the durable tables (decision 0067). */
export interface StoreMetrics {
  /** Executions by account and status, sorted by account then status (one account's only when the scrape is by an account). */
  executions: ExecutionCount[];
  queueDepth: number;
  /** Store position of the last event the tables folded (0 before the first). */
  position: bigint;
  live: LiveMetricsState;
}

export interface MetricsSnapshot {
  /** Undefined when the gateway has no store (its families are left out). */
  store: StoreMetrics | undefined;
  /** Seconds the projection is behind: see `gatewayMetrics`. */
  lagSeconds: number;
  subscriptions: { connections: number; live: number };
}

/**
 * The gateway's metrics as a prom-client registry of their own for one scrape, in a stable order (executions sorted by
 * account, then status): a scrape by an account sees only its labelled series, so the gauges are set per scrape from
 * the tables; the duration histogram is this process's own, observed as live events come.
 */
export function metricsRegistry(snapshot: MetricsSnapshot): Registry {
  const registry = new Registry();
  const registers = [registry];
  const gauge = (name: string, help: string, value: number | bigint): void => new Gauge({ name, help, registers }).set(Number(value));
  const { store } = snapshot;
  if (store) {
    const executions = new Gauge({ name: 'sluice_executions', help: 'Pipeline executions by their current status.', labelNames: ['account', 'status'], registers });
    for (const { account, status, count } of store.executions) executions.set({ account, status }, count);
    registry.registerMetric(store.live.actionDurations);
    gauge('sluice_job_queue_depth', 'Jobs created or requeued and not yet dispatched to a worker.', store.queueDepth);
    gauge('sluice_event_store_position', 'Store position of the last event the metrics projection folded.', store.position);
    gauge('sluice_event_store_lag_seconds', 'While the metrics projection catches up with the store: now minus occurredAt of the last folded event; 0 once caught up.', snapshot.lagSeconds);
  }
  gauge('sluice_subscriptions', 'GraphQL subscriptions caught up with the store and live.', snapshot.subscriptions.live);
  gauge('sluice_subscription_connections', 'Open graphql-ws connections.', snapshot.subscriptions.connections);
  return registry;
}
