import { ACTION_DURATION_BUCKETS, type MetricsState } from './metrics-projection';
import type { MetricFamily, Sample } from './prometheus-text';

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

function executionSamples(state: MetricsState, only: string | undefined): Sample[] {
  const counts = new Map<string, { account: string; status: string; count: number }>();
  for (const { account, status } of state.executions.values()) {
    if (only !== undefined && account !== only) continue;
    const key = `${account}\u0000${status}`;
    const entry = counts.get(key) ?? { account, status, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return byKey(counts).map(([, { account, status, count }]) => ({ labels: { account, status }, value: count }));
}

function durationSamples(state: MetricsState): Sample[] {
  const name = 'sluice_action_duration_seconds';
  let cumulative = 0;
  const bounds = [...ACTION_DURATION_BUCKETS.map(String), '+Inf'];
  const buckets = bounds.map((le, index) => {
    cumulative += state.actionDurations.buckets[index]!;
    return { name: `${name}_bucket`, labels: { le }, value: cumulative };
  });
  return [...buckets, { name: `${name}_sum`, value: state.actionDurations.sum }, { name: `${name}_count`, value: state.actionDurations.count }];
}

/** The gateway's metric families, in a stable order (executions sorted by account, then status). */
export function metricFamilies(snapshot: MetricsSnapshot): MetricFamily[] {
  const { state } = snapshot;
  const fromStore: MetricFamily[] = state
    ? [
        { name: 'sluice_executions', type: 'gauge', help: 'Pipeline executions by their current status.', samples: executionSamples(state, snapshot.account) },
        { name: 'sluice_action_duration_seconds', type: 'histogram', help: 'Action runs, from ActionExecutionStarted to their end (succeeded, failed or abandoned).', samples: durationSamples(state) },
        { name: 'sluice_job_queue_depth', type: 'gauge', help: 'Jobs created or requeued and not yet dispatched to a worker.', samples: [{ value: state.queuedJobs.size }] },
        { name: 'sluice_event_store_position', type: 'gauge', help: 'Store position of the last event the metrics projection folded.', samples: [{ value: state.last?.position ?? 0n }] },
        { name: 'sluice_event_store_lag_seconds', type: 'gauge', help: 'While the metrics projection catches up with the store: now minus occurredAt of the last folded event; 0 once caught up.', samples: [{ value: snapshot.lagSeconds }] },
      ]
    : [];
  return [
    ...fromStore,
    { name: 'sluice_subscriptions', type: 'gauge', help: 'GraphQL subscriptions caught up with the store and live.', samples: [{ value: snapshot.subscriptions.live }] },
    { name: 'sluice_subscription_connections', type: 'gauge', help: 'Open graphql-ws connections.', samples: [{ value: snapshot.subscriptions.connections }] },
  ];
}
