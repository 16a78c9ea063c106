export * from './runtime-config';
export * from './open-adapters';
export * from './platform';
export * from './run-until-signal';
