export * from './action-type-definition';
export * from './built-in-action-types';
export * from './action-type-registry';
export * from './validate-custom-action-type';
