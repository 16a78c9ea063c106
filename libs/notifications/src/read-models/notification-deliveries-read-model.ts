import { assertNever } from '@sluice/domain';
import {
  isNotificationDeliveryEvent,
  parseNotificationDeliveryStreamId,
  type NotificationDeliveryEvent,
  type NotificationEventTypeId,
  type NotificationTargetType,
} from '@sluice/contracts';

export type NotificationDeliveryStatus = 'Pending' | 'InProgress' | 'Retrying' | 'Succeeded' | 'Failed';

/** One notification to one target, with its attempts so far: a row of a rule's delivery history. */
export interface NotificationDeliveryView {
  account: string;
  idempotencyKey: string;
  ruleName: string;
  ruleId: string;
  targetIndex: number;
  targetType: NotificationTargetType;
  eventTypeId: NotificationEventTypeId;
  pipelineName: string;
  executionId: string;
  summary: string;
  link: string;
  sourceEventId: string;
  requestedAt: string;
  /** Pending: not tried yet; InProgress: an attempt started and has no outcome (a crash may have cut it). */
  status: NotificationDeliveryStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  updatedAt: string;
  /** The stream's last revision, which the next append expects. */
  revision: bigint;
}

/** A delivery as `NotificationDeliveriesReadModel.snapshot` gives it: plain JSON (the revision as a decimal string). */
export type DeliverySnapshot = Omit<NotificationDeliveryView, 'revision'> & { revision: string };

const settled = (view: NotificationDeliveryView): boolean => view.status === 'Succeeded' || view.status === 'Failed';

/**
 * Every delivery by key, folded from `notificationdelivery-` streams; the history per rule, newest first. With
 * `unsettledOnly` (the notifier's), a delivery is forgotten once settled: what is held is bounded by the work in
 * hand, not by history (decision 0064).
 */
export class NotificationDeliveriesReadModel {
  private readonly byKey = new Map<string, NotificationDeliveryView>();

  constructor(private readonly options: { unsettledOnly?: boolean } = {}) {}

  /** The unsettled deliveries as plain JSON: what `restore` takes. */
  snapshot(): DeliverySnapshot[] {
    return this.unsettled().map((view) => ({ ...view, revision: view.revision.toString() }));
  }

  /** Adds the deliveries of a snapshot taken after the same events (the model starts empty). */
  restore(snapshot: readonly DeliverySnapshot[]): void {
    for (const view of snapshot) this.byKey.set(`${view.account}.${view.idempotencyKey}`, { ...view, revision: BigInt(view.revision) });
  }

  apply(recorded: { streamId: string; type: string; data: unknown; revision: bigint }): NotificationDeliveryView | undefined {
    const id = parseNotificationDeliveryStreamId(recorded.streamId);
    if (!id || !isNotificationDeliveryEvent(recorded)) return undefined;
    const event = { type: recorded.type, data: recorded.data } as NotificationDeliveryEvent;
    const key = `${id.account}.${id.idempotencyKey}`;
    const existing = this.byKey.get(key);
    let next: NotificationDeliveryView | undefined;
    switch (event.type) {
      case 'NotificationDeliveryRequested': {
        const { message } = event.data;
        next = {
          account: id.account,
          idempotencyKey: id.idempotencyKey,
          ruleName: event.data.ruleName,
          ruleId: event.data.ruleId,
          targetIndex: event.data.targetIndex,
          targetType: event.data.targetType,
          eventTypeId: message.eventTypeId,
          pipelineName: message.pipelineName,
          executionId: message.executionId,
          summary: message.summary,
          link: message.link,
          sourceEventId: event.data.sourceEventId,
          requestedAt: event.data.at,
          status: 'Pending',
          attempts: 0,
          lastError: null,
          nextAttemptAt: null,
          updatedAt: event.data.at,
          revision: recorded.revision,
        };
        break;
      }
      case 'NotificationDeliveryAttempted':
        if (existing) next = { ...existing, status: 'InProgress', attempts: event.data.attempt, nextAttemptAt: null, updatedAt: event.data.at, revision: recorded.revision };
        break;
      case 'NotificationDeliverySucceeded':
        if (existing) next = { ...existing, status: 'Succeeded', lastError: null, nextAttemptAt: null, updatedAt: event.data.at, revision: recorded.revision };
        break;
      case 'NotificationDeliveryFailed':
        if (existing) {
          const retrying = event.data.nextAttemptAt !== null;
          next = { ...existing, status: retrying ? 'Retrying' : 'Failed', lastError: event.data.error, nextAttemptAt: event.data.nextAttemptAt, updatedAt: event.data.at, revision: recorded.revision };
        }
        break;
      default:
        assertNever(event);
    }
    if (next && this.options.unsettledOnly && settled(next)) this.byKey.delete(key);
    else if (next) this.byKey.set(key, next);
    return next;
  }

  listAll(): NotificationDeliveryView[] {
    return [...this.byKey.values()];
  }

  get(account: string, idempotencyKey: string): NotificationDeliveryView | undefined {
    return this.byKey.get(`${account}.${idempotencyKey}`);
  }

  /** Deliveries not settled yet: to try now, at their next attempt, or again after a crash cut an attempt. */
  unsettled(): NotificationDeliveryView[] {
    return [...this.byKey.values()].filter((view) => !settled(view));
  }

  /** The account's deliveries, newest first, filtered by rule and/or pipeline, at most `first`. */
  list(account: string, filter: { ruleName?: string; pipelineName?: string; status?: NotificationDeliveryStatus } = {}, first = 50): NotificationDeliveryView[] {
    return [...this.byKey.values()]
      .filter(
        (view) =>
          view.account === account &&
          (filter.ruleName === undefined || view.ruleName === filter.ruleName) &&
          (filter.pipelineName === undefined || view.pipelineName === filter.pipelineName) &&
          (filter.status === undefined || view.status === filter.status),
      )
      .sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : a.requestedAt > b.requestedAt ? -1 : 0))
      .slice(0, first);
  }
}
