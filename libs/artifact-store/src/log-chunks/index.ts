export * from './log-chunks';
export * from './log-store-location';
