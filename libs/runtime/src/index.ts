export * from './runtime-config';
export * from './open-adapters';
export * from './run-until-signal';
export * from './logger';
export * from './readiness';
export * from './service-main';
export * from './master-key-cipher';
export * from './tracing';
