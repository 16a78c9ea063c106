import { Kafka, type Admin, type Message, type Producer, type RetryOptions } from 'kafkajs';
import { dlqTopic, type Bus, type BusSubscription, type Headers, type MessageHandler, type SubscribeOptions } from '../bus';
import { deliveryPolicy } from '../delivery/delivery-policy';
import { dlqHeaders } from '../delivery/dlq-headers';
import { withTraceContext } from '../delivery/trace-context';
import { encodeValue } from '../message-value';
import { KafkaGroupMember, type DeadLetterRequest, type KafkaConsumerSettings } from './kafka-group-member';
import { kafkaLogLevel, type KafkaLogLevelName } from './kafka-log-level';
import { TopicCreator } from './topic-creator';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  /** Partitions of a topic the bus creates on first use (default 3). */
  partitions?: number;
  /** Group timings; the defaults suit a service, tests shorten them to rebalance fast. */
  consumer?: Partial<KafkaConsumerSettings>;
  /** kafkajs retries of one request (connect, send, join); a publish rejects once they are spent. */
  retry?: RetryOptions;
  connectionTimeout?: number;
  requestTimeout?: number;
  /** Default: $SLUICE_KAFKA_LOG, else nothing. */
  logLevel?: KafkaLogLevelName;
}

const DEFAULT_CONSUMER: KafkaConsumerSettings = {
  sessionTimeout: 30_000,
  rebalanceTimeout: 60_000,
  heartbeatInterval: 3_000,
  maxWaitTimeInMs: 1_000,
  partitionsConsumedConcurrently: 1,
  joinTimeoutMs: 60_000,
  restartBackoff: { initialDelayMs: 1_000, maxDelayMs: 30_000 },
};

/** Errors after which the idempotent producer's id and sequence numbers are no longer usable. */
const PRODUCER_STATE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'DUPLICATE_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING']);

export function createKafkaBus(options: KafkaBusOptions): KafkaBus {
  return new KafkaBus(options);
}

/**
 * The bus on Kafka (kafkajs). One idempotent producer (acks = all) per bus, one consumer per
 * subscribe call, topics created on demand. Values are JSON; keys pick partitions with the
 * kafkajs default partitioner (murmur2, as the Java client), so a key's messages stay in order.
 */
export class KafkaBus implements Bus {
  private readonly kafka: Kafka;
  private readonly topics: TopicCreator;
  private readonly consumerSettings: KafkaConsumerSettings;
  private readonly members = new Set<KafkaGroupMember>();
  private producer: Promise<Producer> | undefined;
  private admin: Promise<Admin> | undefined;
  private closed = false;

  constructor(options: KafkaBusOptions) {
    if (options.brokers.length === 0) throw new Error('KafkaBus needs at least one broker address');
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: kafkaLogLevel(options.logLevel),
      retry: options.retry,
      connectionTimeout: options.connectionTimeout,
      requestTimeout: options.requestTimeout,
    });
    this.topics = new TopicCreator(() => this.connectedAdmin(), options.partitions ?? 3);
    this.consumerSettings = { ...DEFAULT_CONSUMER, ...options.consumer };
  }

  async publish(topic: string, key: string, value: unknown, headers: Headers = {}): Promise<void> {
    await this.publishBatch(topic, [{ key, value, headers }]);
  }

  async publishBatch(topic: string, messages: Array<{ key: string; value: unknown; headers?: Headers }>): Promise<void> {
    const encoded = messages.map((m) => ({ key: m.key, value: encodeValue(m.value), headers: { ...withTraceContext(m.headers) } }));
    await this.send(topic, encoded);
  }

  async subscribe(topic: string, group: string, handler: MessageHandler, options?: SubscribeOptions): Promise<BusSubscription> {
    this.assertOpen();
    const policy = deliveryPolicy(options);
    await this.topics.ensure(topic);
    const member = new KafkaGroupMember(this.kafka, topic, group, handler, policy, this.consumerSettings, (request) =>
      this.sendToDeadLetters(topic, group, request),
    );
    await member.start();
    this.members.add(member);
    return {
      stop: async () => {
        this.members.delete(member);
        await member.stop();
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.members].map((member) => member.stop()));
    this.members.clear();
    const producer = this.producer;
    const admin = this.admin;
    this.producer = undefined;
    this.admin = undefined;
    await Promise.allSettled([producer?.then((p) => p.disconnect()), admin?.then((a) => a.disconnect())]);
  }

  private async send(topic: string, messages: Message[]): Promise<void> {
    this.assertOpen();
    if (messages.length === 0) return;
    await this.topics.ensure(topic);
    const producer = this.connectedProducer();
    try {
      await (await producer).send({ topic, messages, acks: -1 });
    } catch (error) {
      if (hasErrorType(error, PRODUCER_STATE_ERRORS)) this.dropProducer(producer);
      throw error;
    }
  }

  private sendToDeadLetters(topic: string, group: string, { message, headers, partition, attempts, error }: DeadLetterRequest): Promise<void> {
    return this.send(dlqTopic(topic), [
      {
        key: message.key,
        value: message.value,
        headers: dlqHeaders(headers, { error, topic, partition, offset: message.offset, attempts, group }),
      },
    ]);
  }

  private connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
      const connecting = producer.connect().then(() => producer);
      this.producer = connecting;
      connecting.catch(() => this.dropProducer(connecting));
    }
    return this.producer;
  }

  /** The next send starts a producer with a new id, so stale sequence numbers cannot wedge it. */
  private dropProducer(producer: Promise<Producer>): void {
    if (this.producer !== producer) return;
    this.producer = undefined;
    producer.then((p) => p.disconnect()).catch(() => undefined);
  }

  private connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      const connecting = admin.connect().then(() => admin);
      this.admin = connecting;
      connecting.catch(() => {
        if (this.admin === connecting) this.admin = undefined;
      });
    }
    return this.admin;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('KafkaBus is closed');
  }
}

function hasErrorType(error: unknown, types: Set<string>): boolean {
  for (let e: unknown = error; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && types.has(type)) return true;
  }
  return false;
}
