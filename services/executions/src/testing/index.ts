// For other packages' tests (`@sluice/executions/testing`): an engine on a fresh schema, and waiting for a condition.
export * from './engine-test-environment';
export * from './eventually';
