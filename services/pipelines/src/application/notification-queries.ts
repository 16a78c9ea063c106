import { NotFoundError, ValidationError } from '@sluice/domain';
import type { NotificationDeliveryStatus, NotificationDeliveryView, NotificationRulesReadModel, NotificationRuleTagFilter, NotificationRuleView } from '@sluice/notifications';
import type { NotificationDeliveriesTable } from '../projections/notification-deliveries-table';
import type { PipelineReadModel } from '../projections/pipeline-read-model';
import type { Caller } from './caller';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;
const STATUSES: readonly NotificationDeliveryStatus[] = ['Pending', 'InProgress', 'Retrying', 'Succeeded', 'Failed'];

/** A pipeline's notification rules and their delivery history (decision 0044); another account's answer as not found. */
export class NotificationQueries {
  constructor(
    private readonly pipelines: () => PipelineReadModel,
    private readonly rules: () => NotificationRulesReadModel,
    private readonly deliveries: () => NotificationDeliveriesTable,
  ) {}

  listNotificationRules(caller: Caller, pipelineName: string, tagKey?: string | null, tagValue?: string | null): NotificationRuleView[] {
    this.pipelineMustExist(caller, pipelineName);
    if (tagKey == null && tagValue != null) throw new ValidationError([{ path: 'tagValue', code: 'requires_tag_key', message: 'tagValue needs tagKey: the tag whose value it is.' }]);
    const tag: NotificationRuleTagFilter | undefined = tagKey == null ? undefined : { key: tagKey, ...(tagValue != null ? { value: tagValue } : {}) };
    return this.rules().listRules(caller.account, pipelineName, tag);
  }

  getNotificationRule(caller: Caller, name: string): NotificationRuleView {
    const rule = this.rules().getRule(caller.account, name);
    if (!rule) throw new NotFoundError('notification rule', name);
    return rule;
  }

  listNotificationDeliveries(caller: Caller, pipelineName: string, ruleName?: string | null, status?: string | null, first?: number | null): Promise<NotificationDeliveryView[]> {
    this.pipelineMustExist(caller, pipelineName);
    const size = first ?? DEFAULT_PAGE_SIZE;
    const issues = [];
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) issues.push({ path: 'first', code: 'invalid_page_size', message: `first must be between 1 and ${MAX_PAGE_SIZE}, got ${size}.` });
    if (status != null && !(STATUSES as readonly string[]).includes(status)) issues.push({ path: 'status', code: 'enum', message: `status must be one of ${STATUSES.join(', ')}.` });
    if (issues.length > 0) throw new ValidationError(issues);
    if (ruleName != null) {
      const rule = this.rules().getRule(caller.account, ruleName);
      if (rule !== undefined && rule.definition.pipelineName !== pipelineName) throw new NotFoundError('notification rule', ruleName);
    }
    return this.deliveries().list(
      caller.account,
      { pipelineName, ...(ruleName != null ? { ruleName } : {}), ...(status != null ? { status: status as NotificationDeliveryStatus } : {}) },
      size,
    );
  }

  private pipelineMustExist(caller: Caller, pipelineName: string): void {
    if (!this.pipelines().getPipeline(caller.account, pipelineName)) throw new NotFoundError('pipeline', pipelineName);
  }
}
