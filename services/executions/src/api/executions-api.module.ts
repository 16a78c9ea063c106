import { Module } from '@nestjs/common';
import { serveSubgraph, subgraphApiModule, type ServeSubgraphOptions, type ServedSubgraph } from '@sluice/graphql-service';
import { ActionLogQueries } from '../application/action-logs/action-log-queries';
import { JobLogAppender } from '../application/action-logs/append-job-logs';
import { ExecutionAsOfQueries } from '../application/execution-as-of';
import { ExecutionCommandHandlers } from '../application/execution-command-handlers';
import { ExecutionQueries } from '../application/execution-queries';
import { JobWorkerHandlers } from '../application/job-worker-api';
import type { ExecutionsApplication } from '../executions-service';
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
  const module = subgraphApiModule(ExecutionsApiModule, {
    typeDefs: executionsTypeDefs,
    log: options.log,
    internalSecret: options.internalSecret,
    bindings: [
      [ExecutionCommandHandlers, application.executions],
      [ExecutionQueries, application.queries],
      [ExecutionAsOfQueries, application.asOf],
      [JobWorkerHandlers, application.jobs],
      [JobLogAppender, application.jobLogs],
      [ActionLogQueries, application.actionLogs],
      [SHUTDOWN_SIGNAL, options.shutdown],
    ],
    resolvers: [PipelineExecutionResolver, JobResolver, PipelineStateResolver, AsOfResolver, ActionLogsResolver],
  });
  return serveSubgraph(module, options);
}
