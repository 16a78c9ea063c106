// For other packages' tests (`@sluice/artifacts/testing`): the service as a process, and an execution's recorded output.
export * from './artifacts-service-process';
export * from './recorded-execution';
