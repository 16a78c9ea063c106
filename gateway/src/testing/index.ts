// Test helpers the gateway offers other packages' tests (the platform's), kept out of its runtime entry point.
export * from './browser-session-client';
export * from './codepipeline-model';
export * from './gateway-client';
export * from './gateway-on-subgraphs';
export * from './job-worker';
export * from './subgraph-processes';
export * from './subscription-client';
export * from './test-gateway';
