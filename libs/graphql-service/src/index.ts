export * from './caller-headers';
export * from './graphql-errors';
export * from './graphql-http-handler';
export * from './internal-secret';
export * from './scalars';
export * from './serve-subgraph';
export * from './subgraph-federation-driver';
export * from './subgraph-module';
