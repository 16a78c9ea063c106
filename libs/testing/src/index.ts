export * from './git-http-server';
export * from './kafka-broker';
export * from './postgres';
export * from './instants';
export * from './eventually';
