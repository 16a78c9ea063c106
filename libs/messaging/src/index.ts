export * from './bus';
export * from './in-process';
export * from './kafka';
export * from './relay';
export * from './idempotent';
