import { Module } from '@nestjs/common';
import { serveSubgraphApi, type ServeSubgraphOptions, type ServedSubgraph } from '@sluice/graphql-service';
import { EXECUTIONS_APPLICATION, type ExecutionsApplication } from '../executions-service';
import { ActionLogsResolver } from './action-logs.resolver';
import { AsOfResolver } from './as-of.resolver';
import { JobResolver } from './job.resolver';
import { PipelineExecutionResolver } from './pipeline-execution.resolver';
import { PipelineStateResolver } from './pipeline-state.resolver';
import { executionsTypeDefs } from './schema';
import { SHUTDOWN_SIGNAL } from './tokens';

export interface ExecutionsApiOptions extends ServeSubgraphOptions {
  log: (line: string) => void;
  /** Aborted when the service stops, so that long polls answer at once. */
  shutdown: AbortSignal;
}

/** The executions subgraph: binds what `composeExecutions` built; its resolvers translate GraphQL to it. */
@Module({})
export class ExecutionsApiModule {}

/** Serves the application, started by the caller: the API answers only once the engine's read models caught up. */
export function serveExecutionsApi(application: ExecutionsApplication, options: ExecutionsApiOptions): Promise<ServedSubgraph> {
  const api = {
    typeDefs: executionsTypeDefs,
    bindings: [
      [EXECUTIONS_APPLICATION, application],
      [SHUTDOWN_SIGNAL, options.shutdown],
    ] as const,
    resolvers: [PipelineExecutionResolver, JobResolver, PipelineStateResolver, AsOfResolver, ActionLogsResolver],
  };
  return serveSubgraphApi(ExecutionsApiModule, api, options);
}
