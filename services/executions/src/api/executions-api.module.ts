import { Module, type DynamicModule } from '@nestjs/common';
import { subgraphApiModule } from '@sluice/graphql-service';
import type { ExecutionsEngine } from '../executions-engine';
import { ActionLogsResolver } from './action-logs.resolver';
import { AsOfResolver } from './as-of.resolver';
import { JobResolver } from './job.resolver';
import { PipelineExecutionResolver } from './pipeline-execution.resolver';
import { PipelineStateResolver } from './pipeline-state.resolver';
import { executionsTypeDefs } from './schema';
import { EXECUTIONS_ENGINE, SHUTDOWN_SIGNAL } from './tokens';

export interface ExecutionsApiModuleOptions {
  /** Started by the caller: the API answers only once the engine's read models caught up. */
  engine: ExecutionsEngine;
  shutdown: AbortSignal;
  log: (line: string) => void;
  internalSecret: string;
}

/** The executions subgraph: the engine's application functions behind GraphQL. */
@Module({})
export class ExecutionsApiModule {
  static register(options: ExecutionsApiModuleOptions): DynamicModule {
    return subgraphApiModule(ExecutionsApiModule, {
      typeDefs: executionsTypeDefs,
      log: options.log,
      internalSecret: options.internalSecret,
      bindings: [
        [EXECUTIONS_ENGINE, options.engine],
        [SHUTDOWN_SIGNAL, options.shutdown],
      ],
      resolvers: [PipelineExecutionResolver, JobResolver, PipelineStateResolver, AsOfResolver, ActionLogsResolver],
    });
  }
}
