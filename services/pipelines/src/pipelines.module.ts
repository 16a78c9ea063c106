import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { ApolloFederationDriverConfig } from '@nestjs/apollo';
import type { EventStore } from '@sluice/eventing';
import { ActionTypeQueries } from './application/action-type-queries';
import type { Clock } from './application/caller';
import { CustomActionTypeCommandHandlers } from './application/custom-action-type-command-handlers';
import { ImportAwsPipelineHandler } from './application/import-aws-pipeline';
import { PipelineCommandHandlers } from './application/pipeline-command-handlers';
import { PipelineQueries } from './application/pipeline-queries';
import { PipelineAsOfQueries } from './application/pipeline-as-of';
import { PipelineAsOfResolver } from './api/pipeline-as-of.resolver';
import { ActionTypeResolver } from './api/action-type.resolver';
import { AwsPipelineResolver } from './api/aws-pipeline.resolver';
import { formatGraphQLError } from './api/graphql-errors';
import { PipelineResolver } from './api/pipeline.resolver';
import { DateTimeScalar, JsonScalar, SubgraphFederationDriver } from '@sluice/graphql-service';
import { pipelinesTypeDefs } from './api/schema';
import { PipelinesProjection } from './projections/pipelines-projection';

export const EVENT_STORE = Symbol('EventStore');
export const CLOCK = Symbol('Clock');

export interface PipelinesModuleOptions {
  eventStore: EventStore;
  /** Started by the caller: the service answers only once its read models caught up. */
  projection: PipelinesProjection;
  clock: Clock;
  log: (line: string) => void;
}

// Providers are built by factories with explicit tokens: tsx/esbuild (how the platform runs) emits no decorator metadata.
@Module({})
export class PipelinesModule {
  static register(options: PipelinesModuleOptions): DynamicModule {
    const adapters: Provider[] = [
      { provide: EVENT_STORE, useValue: options.eventStore },
      { provide: CLOCK, useValue: options.clock },
    ];
    const projections: Provider[] = [{ provide: PipelinesProjection, useValue: options.projection }];
    const commandHandlers: Provider[] = [
      {
        provide: PipelineCommandHandlers,
        inject: [EVENT_STORE, PipelinesProjection, CLOCK],
        useFactory: (store: EventStore, projection: PipelinesProjection, clock: Clock) =>
          new PipelineCommandHandlers(store, (account) => projection.actionTypes.registryFor(account), projection, clock),
      },
      {
        provide: CustomActionTypeCommandHandlers,
        inject: [EVENT_STORE, PipelinesProjection, CLOCK],
        useFactory: (store: EventStore, projection: PipelinesProjection, clock: Clock) =>
          new CustomActionTypeCommandHandlers(store, (account) => projection.actionTypes.registryFor(account), projection, clock),
      },
      {
        provide: ImportAwsPipelineHandler,
        inject: [PipelineCommandHandlers, CustomActionTypeCommandHandlers, PipelinesProjection],
        useFactory: (pipelines: PipelineCommandHandlers, customActionTypes: CustomActionTypeCommandHandlers, projection: PipelinesProjection) =>
          new ImportAwsPipelineHandler(pipelines, customActionTypes, (account) => projection.actionTypes.registryFor(account)),
      },
    ];
    const queries: Provider[] = [
      { provide: PipelineQueries, inject: [PipelinesProjection], useFactory: (projection: PipelinesProjection) => new PipelineQueries(() => projection.pipelines) },
      { provide: ActionTypeQueries, inject: [PipelinesProjection], useFactory: (projection: PipelinesProjection) => new ActionTypeQueries(() => projection.actionTypes) },
      { provide: PipelineAsOfQueries, inject: [EVENT_STORE, CLOCK], useFactory: (store: EventStore, clock: Clock) => new PipelineAsOfQueries(store, clock) },
    ];
    const resolvers: Provider[] = [PipelineResolver, ActionTypeResolver, AwsPipelineResolver, PipelineAsOfResolver];

    return {
      module: PipelinesModule,
      imports: [
        GraphQLModule.forRoot<ApolloFederationDriverConfig>({
          driver: SubgraphFederationDriver,
          typeDefs: pipelinesTypeDefs,
          resolvers: { JSON: JsonScalar, DateTime: DateTimeScalar },
          formatError: formatGraphQLError(options.log),
          includeStacktraceInErrorResponses: false,
          graphiql: false,
        }),
      ],
      providers: [...adapters, ...projections, ...commandHandlers, ...queries, ...resolvers],
    };
  }
}
