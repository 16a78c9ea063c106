// Test helpers the platform offers other packages' tests (the CLI's), kept out of its runtime entry point.
export * from './platform-process';
export * from './sluice-process';
