import { WEBHOOKS_AWS_PATH } from '@sluice/contracts';
import type { WebhookView } from '../projections/webhook-read-model';

/** A webhook as the GraphQL API answers it: never its secret token, only whether it has one. */
export function webhookOutput(view: WebhookView) {
  const { definition } = view;
  return {
    name: definition.name,
    targetPipeline: definition.targetPipeline,
    targetAction: definition.targetAction,
    filters: definition.filters.map((filter) => ({ jsonPath: filter.jsonPath, matchEquals: filter.matchEquals ?? null })),
    authentication: definition.authentication,
    authenticationConfiguration: { allowedIPRange: definition.allowedIpRange ?? null, secretTokenSet: view.sealedSecretToken !== undefined },
    path: `${WEBHOOKS_AWS_PATH}/${view.urlId}`,
    arn: `srn:sluice:${view.account}:webhook/${definition.name}`,
    registeredWithThirdParty: view.registeredWithThirdParty,
    tags: view.tags,
    created: view.created,
    updated: view.updated,
  };
}
