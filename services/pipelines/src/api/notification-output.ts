import type { NotificationDeliveryView, NotificationRuleView } from '@sluice/notifications';

/** A rule as the GraphQL API answers it: never a target's secret, only whether it has one. */
export function notificationRuleOutput(view: NotificationRuleView) {
  const { definition } = view;
  return {
    name: definition.name,
    pipelineName: definition.pipelineName,
    eventTypeIds: definition.eventTypeIds,
    targets: definition.targets.map((target) => ({ type: target.type, address: target.address, secretSet: target.sealedSecret !== undefined })),
    status: definition.status,
    pipelineArn: `srn:sluice:${view.account}:${definition.pipelineName}`,
    created: view.created,
    createdBy: view.createdBy,
    version: view.version,
    updated: view.updated,
    updatedBy: view.updatedBy,
    tags: view.tags,
  };
}

export function notificationDeliveryOutput(view: NotificationDeliveryView) {
  const { revision: _revision, account: _account, ruleId: _ruleId, sourceEventId: _source, ...rest } = view;
  return rest;
}
