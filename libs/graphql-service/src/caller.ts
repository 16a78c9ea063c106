// What a process that is not a Nest subgraph needs to be one of the platform's services (the trigger receiver, the
// poller): where it may listen, the internal secret that proves a call came through the gateway, and the caller the
// gateway names in its headers. This entry, `@sluice/graphql-service/caller`, loads nothing of Nest.
export * from './bind-address';
export * from './internal-secret';
export * from './request-caller';
export * from './serve-config';
