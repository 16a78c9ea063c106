import { Module } from '@nestjs/common';
import { serveSubgraphApi, type ServeSubgraphOptions, type ServedSubgraph } from '@sluice/graphql-service';
import { PIPELINES_APPLICATION, type PipelinesApplication } from '../pipelines-service';
import { ActionTypeResolver } from './action-type.resolver';
import { AwsPipelineResolver } from './aws-pipeline.resolver';
import { invalidCursorAnswer } from './graphql-errors';
import { PipelineAsOfResolver } from './pipeline-as-of.resolver';
import { PipelineResolver } from './pipeline.resolver';
import { pipelinesTypeDefs } from './schema';
import { WebhookResolver } from './webhook.resolver';
import { SecretResolver } from './secret.resolver';
import { NotificationRuleResolver } from './notification-rule.resolver';

/** The pipelines subgraph: binds what `composePipelines` built; its resolvers translate GraphQL to it. */
@Module({})
export class PipelinesApiModule {}

export function servePipelinesApi(application: PipelinesApplication, options: ServeSubgraphOptions & { log: (line: string) => void }): Promise<ServedSubgraph> {
  const api = {
    typeDefs: pipelinesTypeDefs,
    errorMappings: [invalidCursorAnswer],
    bindings: [[PIPELINES_APPLICATION, application]] as const,
    resolvers: [PipelineResolver, ActionTypeResolver, AwsPipelineResolver, PipelineAsOfResolver, WebhookResolver, SecretResolver, NotificationRuleResolver],
  };
  return serveSubgraphApi(PipelinesApiModule, api, options);
}
