import { LiveProjection, openDurableReadModel, type EventStore, type LiveProjectionOptions, type OpenedDurableReadModel } from '@sluice/eventing';
import type { ActionTypeReadModel } from './action-type-read-model';
import type { PipelineReadModel } from './pipeline-read-model';
import { PipelinesReadModels } from './pipelines-read-models';
import type { SecretReadModel } from './secret-read-model';
import type { WebhookReadModel } from './webhook-read-model';
import type { NotificationRulesReadModel } from '@sluice/notifications';
import { NotificationDeliveriesTable } from './notification-deliveries-table';

/**
 * Feeds the read models from the store. The definitions (pipelines, action types, webhooks, secrets, notification
 * rules: what users configure) live in memory and are rebuilt by replaying their streams at start (docs/decisions/0007).
 * The notification deliveries, which grow with every notification sent, are a durable read model in the store's
 * database that resumes after its checkpoint (decision 0066).
 */
export class PipelinesProjection extends LiveProjection<PipelinesReadModels> {
  private deliveries: OpenedDurableReadModel<NotificationDeliveriesTable> | undefined;

  constructor(
    private readonly eventStore: EventStore,
    private readonly liveOptions: LiveProjectionOptions = {},
  ) {
    super(eventStore, new PipelinesReadModels(), liveOptions);
  }

  override async start(): Promise<void> {
    if (!this.deliveries) {
      this.deliveries = await openDurableReadModel(this.eventStore, (database) => new NotificationDeliveriesTable(database), this.liveOptions);
      await Promise.all([super.start(), this.deliveries.runner.start()]);
      return;
    }
    await super.start();
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.deliveries?.close();
    this.deliveries = undefined;
  }

  get pipelines(): PipelineReadModel {
    return this.models.pipelines;
  }

  get actionTypes(): ActionTypeReadModel {
    return this.models.actionTypes;
  }

  /** The accounts' webhooks (decision 0039): what the triggers serve at `/webhooks/aws/{urlId}`. */
  get webhooks(): WebhookReadModel {
    return this.models.webhooks;
  }

  /** The accounts' secrets (decision 0043): names, versions and dates, never a value. */
  get secrets(): SecretReadModel {
    return this.models.secrets;
  }

  /** The accounts' notification rules and their delivery history (decision 0044). */
  get notificationRules(): NotificationRulesReadModel {
    return this.models.notificationRules;
  }

  /** The deliveries' history (after `start`). */
  get notificationDeliveries(): NotificationDeliveriesTable {
    if (!this.deliveries) throw new Error('The pipelines projection is not started.');
    return this.deliveries.model;
  }
}
