import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { subgraphGraphQLModule } from '@sluice/graphql-service';
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
}

/** The executions subgraph: the engine's application functions behind GraphQL. */
@Module({})
export class ExecutionsApiModule {
  static register(options: ExecutionsApiModuleOptions): DynamicModule {
    const application: Provider[] = [
      { provide: EXECUTIONS_ENGINE, useValue: options.engine },
      { provide: SHUTDOWN_SIGNAL, useValue: options.shutdown },
    ];
    const resolvers: Provider[] = [PipelineExecutionResolver, JobResolver, PipelineStateResolver, AsOfResolver, ActionLogsResolver];
    return {
      module: ExecutionsApiModule,
      imports: [subgraphGraphQLModule({ typeDefs: executionsTypeDefs, log: options.log })],
      providers: [...application, ...resolvers],
    };
  }
}
