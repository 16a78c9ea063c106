export * from './audit';
export * from './filters';
export * from './pipeline-catalog';
export * from './planning';
export * from './poller';
export * from './start-execution-port';
export * from './webhooks';
