export * from './policy-builders';
export * from './authorization-matrix';
