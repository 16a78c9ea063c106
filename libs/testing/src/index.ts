export * from './kafka-broker';
export * from './postgres';
