export * from './json-path';
export * from './webhook-filters';
export * from './ip-range';
