export * from './kafka-broker';
export * from './postgres';
export * from './instants';
export * from './eventually';
