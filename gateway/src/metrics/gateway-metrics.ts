import type { EventStore } from '@sluice/eventing';
import { EXECUTION_STREAM_PREFIX, JOB_STREAM_PREFIX } from '@sluice/contracts';
import { metricsRegistry } from './metrics-families';
import { emptyMetricsState, foldMetricsEvent, type MetricsState } from './metrics-projection';

export interface GatewayMetrics {
  /** The exposition text of `/metrics` now (prom-client's); with `account`, only that account's labelled series. */
  render(subscriptions: { connections: number; live: number }, options?: { account?: string }): Promise<string>;
  stop(): Promise<void>;
}

export interface GatewayMetricsOptions {
  log?: (line: string) => void;
  now?: () => number;
}

/**
 * The `/metrics` projection: one store subscription from the first event, folding executions and jobs.
 * The lag is now − occurredAt of the last folded event while the projection has not caught up (after a start,
 * or for good once its subscription failed), and 0 once caught up: a live subscription folds each event as the
 * store delivers it, so it has nothing left to fold.
 */
export function gatewayMetrics(store: EventStore | undefined, options: GatewayMetricsOptions = {}): GatewayMetrics {
  const now = options.now ?? Date.now;
  const state: MetricsState | undefined = store && emptyMetricsState();
  let caughtUp = false;
  const subscription =
    store && state
      ? store.subscribeToAll((event) => foldMetricsEvent(state, event), { fromPosition: 'start', streamPrefixes: [EXECUTION_STREAM_PREFIX, JOB_STREAM_PREFIX] })
      : undefined;
  subscription?.caughtUp.then(
    () => (caughtUp = true),
    () => undefined,
  );
  subscription?.done.then(
    () => undefined,
    (error: unknown) => {
      caughtUp = false;
      options.log?.(`gateway: metrics projection stopped: ${error instanceof Error ? error.message : String(error)}`);
    },
  );
  const lagSeconds = (): number => (caughtUp || !state?.last ? 0 : Math.max(0, now() - state.last.occurredAt) / 1000);

  return {
    render: (subscriptions, { account } = {}) => metricsRegistry({ state, lagSeconds: lagSeconds(), subscriptions, ...(account !== undefined ? { account } : {}) }).metrics(),
    async stop() {
      await subscription?.stop();
    },
  };
}
