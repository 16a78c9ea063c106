import { createHash } from 'node:crypto';
import {
  EXECUTION_STREAM_PREFIX,
  executionIdOfStream,
  executionStreamId,
  NOTIFICATION_DELIVERY_STREAM_PREFIX,
  NOTIFICATION_RULE_STREAM_PREFIX,
  nameBasedUuid,
  notificationDeliveryStreamId,
  notificationTargetSecretBinding,
  type ExecutionEvent,
  type NotificationDeliveryEvent,
  type PipelineExecutionStarted,
} from '@sluice/contracts';
import { ConcurrencyError, type CheckpointStore, type EventStore, type RecordedEvent, type StateSnapshots, type Subscription } from '@sluice/eventing';
import { notificationFor, type ExecutionInfo } from '../delivery/notification-for';
import { NotificationDeliveriesReadModel, type DeliverySnapshot, type NotificationDeliveryView } from '../read-models/notification-deliveries-read-model';
import { NotificationRulesReadModel, type RulesSnapshot } from '../read-models/notification-rules-read-model';
import { sendNotification, type OutgoingNotification, type SenderSettings } from '../targets/send-notification';

export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  maxAttempts: number;
  /** Wait before the second attempt, doubling after each (default 2 s), never more than `maxDelayMs` (default 5 min). */
  initialDelayMs: number;
  maxDelayMs: number;
}

const CHECKPOINT_EVERY = 100;
/** Executions whose pipeline is kept at hand; any other is read from its stream's first event when one of its events owes a notification. */
const EXECUTIONS_CACHED = 1_000;

/** What the notifier saves with its position (decision 0064): bounded by rules and unsettled deliveries, not by history. */
interface NotifierSnapshot {
  version: 1;
  rules: RulesSnapshot;
  deliveries: DeliverySnapshot[];
}

const isNotifierSnapshot = (state: unknown): state is NotifierSnapshot => (state as { version?: unknown } | null)?.version === 1;

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, initialDelayMs: 2_000, maxDelayMs: 300_000 };

export interface NotifierOptions {
  store: EventStore;
  checkpoints: CheckpointStore;
  /**
   * Where the notifier saves its rules and unsettled deliveries with the position they were folded to (decision 0064):
   * a start then reads only the events after it. Without it (a store without SQL), each start folds the store from its
   * first event and plans only after `checkpoints`' position.
   */
  snapshots?: StateSnapshots;
  /** Names the checkpoint (default `notifier`). */
  subscriberId?: string;
  /** The dashboard's address, for the deep links (`SLUICE_PUBLIC_URL`). */
  baseUrl: string;
  sender: SenderSettings;
  /** Opens a Webhook target's sealed secret (the master key's cipher). */
  openSecret(sealed: string, binding: string): Promise<string>;
  retry?: Partial<RetryPolicy>;
  now?: () => Date;
  /** Replaces the sending, for unit tests only. */
  send?: (notification: OutgoingNotification) => Promise<void>;
  log?: (message: string) => void;
}

/** The delay before attempt `attempt + 1`, after `attempt` failed. */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.initialDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
}

/** The key of one notification to one target: the same source event, rule and target always give the same key. */
export function idempotencyKeyOf(ruleId: string, sourceEventId: string, targetIndex: number): string {
  return createHash('sha256').update(`${ruleId}\u0000${sourceEventId}\u0000${targetIndex}`).digest('hex').slice(0, 40);
}

/**
 * Sends the notifications the rules ask for, driven by the event store (decision 0044).
 *
 * One subscription to `$all` (rules, deliveries and executions) after the position of its saved state (its rules
 * and unsettled deliveries, decision 0064), or from the start without one. An execution event past the checkpoint is matched against
 * the rules folded up to it, and each notification it owes is recorded as `NotificationDeliveryRequested`, the
 * first event of a stream named after the idempotency key, appended with `no_stream`: planned twice (a crash before
 * the checkpoint moved), it is recorded once; so the checkpoint only saves work at the next start. Each attempt is `Attempted` before the
 * send and `Succeeded`/`Failed` after it, each appended at the revision it expects, so two notifiers never try the
 * same attempt. A crash between the send and its outcome leaves the delivery `InProgress`; the next start sends it
 * again with the same key (at least once; receivers dedupe by `X-Sluice-Delivery`).
 */
export class Notifier {
  readonly rules = new NotificationRulesReadModel();
  /** Only the unsettled ones: a settled delivery is never tried again. */
  readonly deliveries = new NotificationDeliveriesReadModel({ unsettledOnly: true });
  /** The pipelines of the executions seen last, at most EXECUTIONS_CACHED (oldest use first out). */
  private readonly executions = new Map<string, ExecutionInfo>();
  private readonly retry: RetryPolicy;
  private readonly subscriberId: string;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private subscription: Subscription | undefined;
  private checkpoint: bigint | undefined;
  private caughtUp = false;
  private sinceCheckpoint = 0;
  private stopped = false;

  constructor(private readonly options: NotifierOptions) {
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.subscriberId = options.subscriberId ?? 'notifier';
  }

  /** Resolves once caught up with the store; the unsettled deliveries are then being tried. */
  async start(): Promise<void> {
    const saved = await this.options.snapshots?.load(this.subscriberId);
    let fromPosition: bigint | 'start' = 'start';
    if (saved && isNotifierSnapshot(saved.state)) {
      this.rules.restore(saved.state.rules);
      this.deliveries.restore(saved.state.deliveries);
      this.checkpoint = saved.position;
      fromPosition = saved.position;
    } else {
      this.checkpoint = await this.options.checkpoints.load(this.subscriberId);
    }
    this.subscription = this.options.store.subscribeToAll((event) => this.handle(event), {
      fromPosition,
      streamPrefixes: [NOTIFICATION_RULE_STREAM_PREFIX, NOTIFICATION_DELIVERY_STREAM_PREFIX, EXECUTION_STREAM_PREFIX],
    });
    this.subscription.done.catch((error: unknown) => this.log(`the notifier's subscription ended: ${String(error)}`));
    await this.subscription.caughtUp;
    this.caughtUp = true;
    for (const view of this.deliveries.unsettled()) this.schedule(view);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.subscription?.stop();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async handle(event: RecordedEvent): Promise<void> {
    if (this.rules.apply(event)) return;
    const delivery = this.deliveries.apply(event);
    if (delivery) {
      if (this.caughtUp && delivery.status !== 'InProgress') this.schedule(delivery);
      return;
    }
    const executionId = executionIdOfStream(event.streamId);
    if (executionId === undefined) return;
    if (event.type === 'PipelineExecutionStarted') this.remember(executionId, { pipeline: (event.data as PipelineExecutionStarted['data']).inputs.pipeline });
    if (this.checkpoint !== undefined && event.position <= this.checkpoint) return;
    const execution = await this.executionInfo(executionId);
    if (execution === undefined) return;
    const owed = await this.plan(event as RecordedEvent & ExecutionEvent, executionId, execution);
    // Planning is idempotent, so the checkpoint only saves work at the next start: moved after each event that owed
    // something, else every CHECKPOINT_EVERY events (one write per execution event would slow the engine's store).
    this.sinceCheckpoint += 1;
    if (owed > 0 || this.sinceCheckpoint >= CHECKPOINT_EVERY) {
      await this.save(event.position);
      this.checkpoint = event.position;
      this.sinceCheckpoint = 0;
    }
  }

  /** The state folded up to `position` (rules, unsettled deliveries), or only the position without a snapshot store. */
  private async save(position: bigint): Promise<void> {
    const { snapshots } = this.options;
    if (snapshots === undefined) return this.options.checkpoints.store(this.subscriberId, position);
    const state: NotifierSnapshot = { version: 1, rules: this.rules.snapshot(), deliveries: this.deliveries.snapshot() };
    await snapshots.save(this.subscriberId, position, state);
  }

  private remember(executionId: string, info: ExecutionInfo): void {
    this.executions.delete(executionId);
    this.executions.set(executionId, info);
    if (this.executions.size > EXECUTIONS_CACHED) this.executions.delete(this.executions.keys().next().value!);
  }

  /** The execution's pipeline: at hand, or from the first event of its stream (started before this process's position). */
  private async executionInfo(executionId: string): Promise<ExecutionInfo | undefined> {
    const known = this.executions.get(executionId);
    if (known) {
      this.remember(executionId, known);
      return known;
    }
    const [first] = await this.options.store.readStream(executionStreamId(executionId), { maxCount: 1 });
    if (first?.type !== 'PipelineExecutionStarted') return undefined;
    const info = { pipeline: (first.data as PipelineExecutionStarted['data']).inputs.pipeline };
    this.remember(executionId, info);
    return info;
  }

  /** Records the notifications the event owes; returns how many. */
  private async plan(event: RecordedEvent & ExecutionEvent, executionId: string, execution: ExecutionInfo): Promise<number> {
    const notification = notificationFor(event, executionId, execution, this.options.baseUrl, event.metadata.occurredAt);
    if (notification === undefined) return 0;
    let owed = 0;
    for (const rule of this.rules.rulesFor(execution.pipeline.account, execution.pipeline.name, notification.eventTypeId)) {
      for (const [targetIndex, target] of rule.definition.targets.entries()) {
        const idempotencyKey = idempotencyKeyOf(rule.ruleId, event.id, targetIndex);
        const requested: NotificationDeliveryEvent = {
          type: 'NotificationDeliveryRequested',
          data: { idempotencyKey, ruleName: rule.definition.name, ruleId: rule.ruleId, targetIndex, targetType: target.type, sourceEventId: event.id, message: notification.message, at: this.now().toISOString() },
        };
        try {
          await this.options.store.append(notificationDeliveryStreamId(rule.account, idempotencyKey), [{ id: nameBasedUuid(['notification-requested', idempotencyKey]), ...requested, metadata: metadataOf(rule.account, event.id, event.metadata.correlationId) }], {
            expectedRevision: 'no_stream',
          });
        } catch (error) {
          // Planned before a crash moved the checkpoint: recorded once already.
          if (!(error instanceof ConcurrencyError)) throw error;
        }
        owed += 1;
      }
    }
    return owed;
  }

  private schedule(view: NotificationDeliveryView): void {
    if (this.stopped || view.status === 'Succeeded' || view.status === 'Failed') return;
    const key = `${view.account}.${view.idempotencyKey}`;
    if (this.timers.has(key) || this.inFlight.has(key)) return;
    const due = view.status === 'Retrying' && view.nextAttemptAt !== null ? Date.parse(view.nextAttemptAt) - this.now().getTime() : 0;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      const attempt = this.attempt(view.account, view.idempotencyKey)
        .catch((error: unknown) => this.log(`notification ${view.idempotencyKey}: ${String(error)}`))
        .finally(() => {
          this.inFlight.delete(key);
          // The outcome may have been folded while this attempt was in flight, when it could not be scheduled.
          const now = this.deliveries.get(view.account, view.idempotencyKey);
          if (now && (now.status === 'Retrying' || now.status === 'Pending')) this.schedule(now);
        });
      this.inFlight.set(key, attempt);
    }, Math.max(0, due));
    timer.unref?.();
    this.timers.set(key, timer);
  }

  private async attempt(account: string, idempotencyKey: string): Promise<void> {
    const view = this.deliveries.get(account, idempotencyKey);
    if (this.stopped || view === undefined || view.status === 'Succeeded' || view.status === 'Failed') return;
    const streamId = notificationDeliveryStreamId(account, idempotencyKey);
    const attempt = view.attempts + 1;
    const metadata = metadataOf(account, view.sourceEventId, view.sourceEventId);
    let revision: bigint;
    try {
      ({ nextExpectedRevision: revision } = await this.options.store.append(streamId, [{ type: 'NotificationDeliveryAttempted', data: { attempt, at: this.now().toISOString() }, metadata }], { expectedRevision: view.revision }));
    } catch (error) {
      if (error instanceof ConcurrencyError) return; // another notifier took this attempt
      throw error;
    }
    let outcome: NotificationDeliveryEvent;
    try {
      await this.send(view);
      outcome = { type: 'NotificationDeliverySucceeded', data: { attempt, at: this.now().toISOString() } };
    } catch (error) {
      // One instant for both: the recorded wait is exactly the backoff.
      const failedAt = this.now();
      const nextAttemptAt = attempt < this.retry.maxAttempts ? new Date(failedAt.getTime() + backoffDelay(attempt, this.retry)).toISOString() : null;
      outcome = { type: 'NotificationDeliveryFailed', data: { attempt, error: errorText(error), nextAttemptAt, at: failedAt.toISOString() } };
    }
    await this.options.store.append(streamId, [{ ...outcome, metadata }], { expectedRevision: revision });
  }

  private async send(view: NotificationDeliveryView): Promise<void> {
    const rule = this.rules.ruleById(view.ruleId);
    if (rule === undefined || rule.deleted) throw new Error(`the rule ${view.ruleName} was deleted`);
    const target = rule.definition.targets[view.targetIndex];
    if (target === undefined) throw new Error(`the rule ${view.ruleName} has no target ${view.targetIndex}`);
    const secret = target.sealedSecret === undefined ? undefined : await this.options.openSecret(target.sealedSecret, notificationTargetSecretBinding(rule.account, rule.definition.name, view.targetIndex));
    const requested = await this.requestedMessage(view);
    const outgoing: OutgoingNotification = { idempotencyKey: view.idempotencyKey, target: { type: target.type, address: target.address, ...(secret !== undefined ? { secret } : {}) }, message: requested };
    await (this.options.send ?? ((notification) => sendNotification(notification, this.options.sender)))(outgoing);
  }

  /** The message as recorded when the notification was owed (the read model keeps only its summary). */
  private async requestedMessage(view: NotificationDeliveryView) {
    const [first] = await this.options.store.readStream(notificationDeliveryStreamId(view.account, view.idempotencyKey), { maxCount: 1 });
    if (first?.type !== 'NotificationDeliveryRequested') throw new Error('the delivery stream does not start with its request');
    return (first.data as Extract<NotificationDeliveryEvent, { type: 'NotificationDeliveryRequested' }>['data']).message;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private log(message: string): void {
    (this.options.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(message);
  }
}

function metadataOf(account: string, causationId: string, correlationId: string) {
  return { account, actor: 'system:notifier', causationId, correlationId };
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
