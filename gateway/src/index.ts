export * from './caller-headers';
export * from './gateway-server';
export * from './subgraph-config';
export * from './subgraph-readiness';
export * from './supergraph';
export * from './subscriptions/execution-updates';
export * from './subscriptions/subscription-server';
