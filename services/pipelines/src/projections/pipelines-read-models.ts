import { DurableRebuildable, type ReadModelDatabase, type RebuildableProjection, type RecordedEvent } from '@sluice/eventing';
import { ACTION_TYPE_STREAM_PREFIX } from '../domain/custom-action-type/custom-action-type';
import { NOTIFICATION_RULE_STREAM_PREFIX, PIPELINE_STREAM_PREFIX, SECRET_STREAM_PREFIX, WEBHOOK_STREAM_PREFIX } from '@sluice/contracts';
import { NotificationRulesReadModel } from '@sluice/notifications';
import { NotificationDeliveriesTable } from './notification-deliveries-table';
import { ActionTypeReadModel } from './action-type-read-model';
import { PipelineReadModel } from './pipeline-read-model';
import { SecretReadModel } from './secret-read-model';
import { WebhookReadModel } from './webhook-read-model';

/**
 * The service's read models as one projection: what the live subscription feeds, what as-of queries
 * fold a stream prefix into, and what `npm run rebuild-projections` drops and rebuilds (docs/decisions/0022).
 */
export class PipelinesReadModels implements RebuildableProjection {
  readonly name = 'pipelines.read-models';
  readonly streamPrefixes = [PIPELINE_STREAM_PREFIX, ACTION_TYPE_STREAM_PREFIX, WEBHOOK_STREAM_PREFIX, SECRET_STREAM_PREFIX, NOTIFICATION_RULE_STREAM_PREFIX];
  pipelines = new PipelineReadModel();
  actionTypes = new ActionTypeReadModel();
  webhooks = new WebhookReadModel();
  secrets = new SecretReadModel();
  notificationRules = new NotificationRulesReadModel();
  private position: bigint | undefined;

  reset(): void {
    this.pipelines = new PipelineReadModel();
    this.actionTypes = new ActionTypeReadModel();
    this.webhooks = new WebhookReadModel();
    this.secrets = new SecretReadModel();
    this.notificationRules = new NotificationRulesReadModel();
    this.position = undefined;
  }

  apply(event: RecordedEvent): void {
    this.pipelines.apply(event);
    this.actionTypes.apply(event);
    this.webhooks.apply(event);
    this.secrets.apply(event);
    this.notificationRules.apply(event);
    this.position = event.position;
  }

  checkpoint(): bigint | undefined {
    return this.position;
  }

  contents() {
    return { pipelines: this.pipelines.contents(), actionTypes: this.actionTypes.contents(), webhooks: this.webhooks.contents(), secrets: this.secrets.contents(), notificationRules: this.notificationRules.listAll() };
  }
}

/**
 * Every projection of the pipelines service, fresh: the registry the rebuild command walks; with the store's database,
 * the durable deliveries' history too (decision 0066), rebuilt in place.
 */
export function pipelinesProjections(readModels?: ReadModelDatabase): RebuildableProjection[] {
  return [new PipelinesReadModels(), ...(readModels ? [new DurableRebuildable(readModels, new NotificationDeliveriesTable(readModels))] : [])];
}
