import { Gauge, Registry } from 'prom-client';
import type { MetricsState } from './metrics-projection';

export interface MetricsSnapshot {
  /** The store projection, or undefined when the gateway has no store (its families are left out). */
  state: MetricsState | undefined;
  /** Seconds the projection is behind: see `gatewayMetrics`. */
  lagSeconds: number;
  subscriptions: { connections: number; live: number };
  /** Only this account's labelled series (a caller with a token sees its own account's executions); absent: every account. */
  account?: string;
}

const byKey = <T>(entries: Iterable<[string, T]>): Array<[string, T]> => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function executionCounts(state: MetricsState, only: string | undefined): Array<{ account: string; status: string; count: number }> {
  const counts = new Map<string, { account: string; status: string; count: number }>();
  for (const { account, status } of state.executions.values()) {
    if (only !== undefined && account !== only) continue;
    const key = `${account}\u0000${status}`;
    const entry = counts.get(key) ?? { account, status, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return byKey(counts).map(([, entry]) => entry);
}

/**
 * The gateway's metrics as a prom-client registry of their own for one scrape, in a stable order (executions sorted by
 * account, then status): a scrape by an account sees only its labelled series, so the gauges are set per scrape from
 * the projection; the duration histogram is the projection's own, observed as it folds.
 */
export function metricsRegistry(snapshot: MetricsSnapshot): Registry {
  const registry = new Registry();
  const registers = [registry];
  const gauge = (name: string, help: string, value: number | bigint): void => new Gauge({ name, help, registers }).set(Number(value));
  const { state } = snapshot;
  if (state) {
    const executions = new Gauge({ name: 'sluice_executions', help: 'Pipeline executions by their current status.', labelNames: ['account', 'status'], registers });
    for (const { account, status, count } of executionCounts(state, snapshot.account)) executions.set({ account, status }, count);
    registry.registerMetric(state.actionDurations);
    gauge('sluice_job_queue_depth', 'Jobs created or requeued and not yet dispatched to a worker.', state.queuedJobs.size);
    gauge('sluice_event_store_position', 'Store position of the last event the metrics projection folded.', state.last?.position ?? 0n);
    gauge('sluice_event_store_lag_seconds', 'While the metrics projection catches up with the store: now minus occurredAt of the last folded event; 0 once caught up.', snapshot.lagSeconds);
  }
  gauge('sluice_subscriptions', 'GraphQL subscriptions caught up with the store and live.', snapshot.subscriptions.live);
  gauge('sluice_subscription_connections', 'Open graphql-ws connections.', snapshot.subscriptions.connections);
  return registry;
}
