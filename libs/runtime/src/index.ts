export * from './runtime-config';
export * from './open-adapters';
export * from './platform';
