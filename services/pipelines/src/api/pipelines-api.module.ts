import { Module } from '@nestjs/common';
import { serveSubgraph, subgraphApiModule, type ServeSubgraphOptions, type ServedSubgraph } from '@sluice/graphql-service';
import { ActionTypeQueries } from '../application/action-type-queries';
import { CustomActionTypeCommandHandlers } from '../application/custom-action-type-command-handlers';
import { ImportAwsPipelineHandler } from '../application/import-aws-pipeline';
import { PipelineAsOfQueries } from '../application/pipeline-as-of';
import { PipelineCommandHandlers } from '../application/pipeline-command-handlers';
import { PipelineQueries } from '../application/pipeline-queries';
import type { PipelinesApplication } from '../pipelines-service';
import { ActionTypeResolver } from './action-type.resolver';
import { AwsPipelineResolver } from './aws-pipeline.resolver';
import { invalidCursorAnswer } from './graphql-errors';
import { PipelineAsOfResolver } from './pipeline-as-of.resolver';
import { PipelineResolver } from './pipeline.resolver';
import { pipelinesTypeDefs } from './schema';

/** The pipelines subgraph: binds what `composePipelines` built; its resolvers translate GraphQL to it. */
@Module({})
export class PipelinesApiModule {}

export function servePipelinesApi(application: PipelinesApplication, options: ServeSubgraphOptions & { log: (line: string) => void }): Promise<ServedSubgraph> {
  const module = subgraphApiModule(PipelinesApiModule, {
    typeDefs: pipelinesTypeDefs,
    log: options.log,
    errorMappings: [invalidCursorAnswer],
    internalSecret: options.internalSecret,
    bindings: [
      [PipelineCommandHandlers, application.pipelines],
      [CustomActionTypeCommandHandlers, application.actionTypes],
      [ImportAwsPipelineHandler, application.importAws],
      [PipelineQueries, application.pipelineQueries],
      [ActionTypeQueries, application.actionTypeQueries],
      [PipelineAsOfQueries, application.asOf],
    ],
    resolvers: [PipelineResolver, ActionTypeResolver, AwsPipelineResolver, PipelineAsOfResolver],
  });
  return serveSubgraph(module, options);
}
