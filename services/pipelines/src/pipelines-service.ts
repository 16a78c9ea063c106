import { invokedPipelineNames } from '@sluice/domain';
import type { SubgraphService, SubgraphServiceOptions } from '@sluice/graphql-service';
import type { EventStore } from '@sluice/eventing';
import { ActionTypeQueries } from './application/action-type-queries';
import type { Clock } from './application/caller';
import { CustomActionTypeCommandHandlers } from './application/custom-action-type-command-handlers';
import { ImportAwsPipelineHandler } from './application/import-aws-pipeline';
import { PipelineAsOfQueries } from './application/pipeline-as-of';
import { PipelineCommandHandlers } from './application/pipeline-command-handlers';
import { PipelineQueries } from './application/pipeline-queries';
import { PipelinesProjection } from './projections/pipelines-projection';
import { WebhookCommandHandlers } from './application/webhook-command-handlers';
import { WebhookQueries } from './application/webhook-queries';
import { SecretCommandHandlers } from './application/secret-command-handlers';
import { NotificationRuleCommandHandlers } from './application/notification-rule-command-handlers';
import { NotificationQueries } from './application/notification-queries';
import type { MasterKeyCipher } from '@sluice/runtime';

/** The pipelines application on one store: its command handlers and queries over its projection, no framework. */
/** The token the API's resolvers inject the composed application by: the one value Nest binds (decision 0036). */
export const PIPELINES_APPLICATION = Symbol('PipelinesApplication');

export interface PipelinesApplication {
  projection: PipelinesProjection;
  pipelines: PipelineCommandHandlers;
  actionTypes: CustomActionTypeCommandHandlers;
  importAws: ImportAwsPipelineHandler;
  pipelineQueries: PipelineQueries;
  actionTypeQueries: ActionTypeQueries;
  asOf: PipelineAsOfQueries;
  webhooks: WebhookCommandHandlers;
  webhookQueries: WebhookQueries;
  secrets: SecretCommandHandlers;
  notificationRules: NotificationRuleCommandHandlers;
  notificationQueries: NotificationQueries;
}

/** Composes the application on a projection its caller starts and stops. */
export function composePipelines(store: EventStore, projection: PipelinesProjection, clock: Clock, cipher: MasterKeyCipher): PipelinesApplication {
  const registry = (account: string) => projection.actionTypes.registryFor(account);
  const invokes = (account: string, name: string) => {
    const pipeline = projection.pipelines.getPipeline(account, name);
    return pipeline && invokedPipelineNames(pipeline.version.declaration);
  };
  const pipelines = new PipelineCommandHandlers(store, registry, projection, clock, (account, name) => projection.secrets.has(account, name), invokes);
  const actionTypes = new CustomActionTypeCommandHandlers(store, registry, projection, clock);
  return {
    projection,
    pipelines,
    actionTypes,
    importAws: new ImportAwsPipelineHandler(pipelines, actionTypes, registry),
    pipelineQueries: new PipelineQueries(() => projection.pipelines),
    actionTypeQueries: new ActionTypeQueries(() => projection.actionTypes),
    asOf: new PipelineAsOfQueries(store, clock),
    webhooks: new WebhookCommandHandlers(store, () => projection.pipelines, cipher, projection, clock),
    webhookQueries: new WebhookQueries(() => projection.webhooks),
    secrets: new SecretCommandHandlers(store, cipher, projection, clock),
    notificationRules: new NotificationRuleCommandHandlers(store, () => projection.pipelines, () => projection.notificationRules, cipher, projection, clock),
    notificationQueries: new NotificationQueries(() => projection.pipelines, () => projection.notificationRules, () => projection.notificationDeliveries),
  };
}

export interface PipelinesServiceOptions extends SubgraphServiceOptions {
  eventStore: EventStore;
  clock?: Clock;
  /** Seals webhook secret tokens (decision 0039) and secrets' values (0043): the server's master key, as access keys are. */
  masterKeyCipher: MasterKeyCipher;
}

/** Its `stop` stops serving and the projection. */
export interface PipelinesService extends SubgraphService {
  projection: PipelinesProjection;
}

/** The pipelines service on a given event store: its projection caught up, then the subgraph. */
export async function createPipelinesService(options: PipelinesServiceOptions): Promise<PipelinesService> {
  const log = options.log ?? ((line: string) => console.log(line));
  const projection = new PipelinesProjection(options.eventStore, { onError: (error) => log(`pipelines projection stopped: ${error.message}`) });
  await projection.start();
  const application = composePipelines(options.eventStore, projection, options.clock ?? (() => new Date()), options.masterKeyCipher);
  // NestJS is ESM-only (jest cannot load it): the API is loaded when served, not when this file is imported.
  const { servePipelinesApi } = await loadPipelinesApi();
  const served = await servePipelinesApi(application, { ...options.serve, readiness: options.readiness, log, stopAfter: () => projection.stop() });
  return { url: served.url, projection, stop: () => served.close() };
}

/**
 * The pipelines API (NestJS, ESM-only, so never loaded by jest): loaded when served. A composer may start loading it
 * early, while something else waits (the embedded platform does while its database opens).
 */
export function loadPipelinesApi(): Promise<typeof import('./api/pipelines-api.module')> {
  return import('./api/pipelines-api.module');
}
