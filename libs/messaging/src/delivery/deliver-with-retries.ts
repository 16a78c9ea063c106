import type { DeliveredMessage, MessageHandler } from '../bus';
import type { DeliveryPolicy } from './delivery-policy';
import { sleep, type StopSignal } from './stop-signal';
import { tracedHandler } from './trace-context';

export type DeliveryOutcome =
  /** The handler succeeded: commit. */
  | { kind: 'handled'; attempts: number }
  /** Every attempt failed: send to the DLQ, then commit. */
  | { kind: 'failed'; attempts: number; error: unknown }
  /** The consumer stopped first: do not commit, the group delivers the message again. */
  | { kind: 'abandoned' };

const ABANDONED = Symbol('abandoned');

/**
 * Runs the handler until it succeeds or `maxAttempts` are spent, doubling the wait between
 * attempts. `beforeRetry` runs in each wait (Kafka: heartbeat so the group keeps the member).
 */
export async function deliverWithRetries(
  handler: MessageHandler,
  message: Omit<DeliveredMessage, 'attempt'>,
  policy: Pick<DeliveryPolicy, 'maxAttempts' | 'retryBackoffMs'>,
  stop: StopSignal,
  beforeRetry?: () => Promise<void>,
): Promise<DeliveryOutcome> {
  // Each attempt a consumer span, the child of the publisher's when the message carries its trace context.
  const traced = tracedHandler(handler);
  for (let attempt = 1; ; attempt++) {
    if (stop.isRequested) return { kind: 'abandoned' };
    let error: unknown;
    try {
      const run = Promise.resolve().then(() => traced({ ...message, attempt }));
      const result = await Promise.race([run, stop.abandoned.then(() => ABANDONED)]);
      if (result === ABANDONED) {
        run.catch(() => undefined); // the abandoned call may still fail later; nobody awaits it
        return { kind: 'abandoned' };
      }
      return { kind: 'handled', attempts: attempt };
    } catch (e) {
      error = e;
    }
    if (attempt >= policy.maxAttempts) return { kind: 'failed', attempts: attempt, error };
    const waited = await sleep(policy.retryBackoffMs * 2 ** (attempt - 1), stop.requested);
    if (!waited) return { kind: 'abandoned' };
    await beforeRetry?.();
  }
}
