export * from './account-id';
export * from './sluice-resource-name';
