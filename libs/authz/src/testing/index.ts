export * from './policy-builders';
export * from './authorization-matrix';
export * from './audit-key';
