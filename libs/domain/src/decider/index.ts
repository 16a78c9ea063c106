export * from './decider';
export * from './error-codes';
export * from './domain-errors';
export * from './decide-and-append';
