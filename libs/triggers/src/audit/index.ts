export * from './trigger-audit';
