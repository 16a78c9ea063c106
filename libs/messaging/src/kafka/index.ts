export { createKafkaBus, KafkaBus, type KafkaBusOptions } from './kafka-bus';
export type { KafkaConsumerSettings } from './kafka-group-member';
export { pingKafka } from './kafka-ping';
