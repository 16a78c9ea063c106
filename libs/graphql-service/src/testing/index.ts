export * from './service-process';
export * from './graphql-as';
export * from './service-on-store';
