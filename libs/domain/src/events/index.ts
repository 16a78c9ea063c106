export * from './pipeline-events';
