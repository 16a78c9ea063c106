export * from './git-http-server';
export * from './kafka-broker';
export * from './postgres';
