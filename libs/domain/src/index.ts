export * from './pipeline-definition';
export * from './action-types';
export * from './validation';
export * from './resource-names';
export * from './aws';
export * from './diff';
export * from './decider';
export * from './credentials';
