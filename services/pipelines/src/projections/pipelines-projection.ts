import { LiveProjection, type EventStore, type LiveProjectionOptions } from '@sluice/eventing';
import type { ActionTypeReadModel } from './action-type-read-model';
import type { PipelineReadModel } from './pipeline-read-model';
import { PipelinesReadModels } from './pipelines-read-models';
import type { SecretReadModel } from './secret-read-model';
import type { WebhookReadModel } from './webhook-read-model';
import type { NotificationDeliveriesReadModel, NotificationRulesReadModel } from '@sluice/notifications';

/**
 * Feeds the read models from the store. They live in memory and are rebuilt by replaying every
 * `pipeline-`, `actiontype-` and `webhook-` event at start (docs/decisions/0007): a checkpoint would only help
 * a durable read model, and replay runs at hundreds of thousands of events a second.
 */
export class PipelinesProjection extends LiveProjection<PipelinesReadModels> {
  constructor(store: EventStore, options: LiveProjectionOptions = {}) {
    super(store, new PipelinesReadModels(), options);
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

  get notificationDeliveries(): NotificationDeliveriesReadModel {
    return this.models.notificationDeliveries;
  }
}
