export * from './service-process';
export * from './graphql-as';
