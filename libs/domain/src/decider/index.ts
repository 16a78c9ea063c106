export * from './decider';
export * from './error-codes';
export * from './domain-errors';
