/**
 * The bus port: how services talk. Adapters: kafka/ (kafkajs) and in-process/ (embedded mode).
 * Semantics both adapters keep: delivery at least once, ordered per key, a consumer group shares
 * the work (each message goes to one member of each group), a handler that keeps failing sends
 * the message after bounded retries to `<topic>.dlq` with the error.
 */

export type Headers = Record<string, string>;

export interface DeliveredMessage<TValue = unknown> {
  topic: string;
  key: string;
  value: TValue;
  headers: Headers;
  /** Partition and offset where the message sits (in-process: a partition of the topic). */
  partition: number;
  offset: string;
  /** 1 on the first delivery to this handler, 2 on the first retry, ... */
  attempt: number;
}

export type MessageHandler<TValue = unknown> = (message: DeliveredMessage<TValue>) => Promise<void> | void;

export interface SubscribeOptions {
  /** Attempts before a failing message goes to `<topic>.dlq` (default 5). */
  maxAttempts?: number;
  /** Delay before the first retry, doubled on each further one (default 100 ms). */
  retryBackoffMs?: number;
  /** Where a new group starts: the oldest retained message (default) or only new ones. */
  fromBeginning?: boolean;
  /**
   * How long stop() lets the message in hand finish (default 5000 ms). Past it the message is
   * abandoned uncommitted, so the group redelivers it: a handler that hangs cannot hang stop().
   */
  stopGraceMs?: number;
}

export interface BusSubscription {
  /**
   * Leave the group: the group's other members take over this member's partitions. A message in
   * hand that does not finish within `stopGraceMs` is left uncommitted and delivered again.
   */
  stop(): Promise<void>;
}

export interface Bus {
  /** Values travel as JSON on every adapter: one JSON cannot carry (a bigint) rejects the publish. */
  publish(topic: string, key: string, value: unknown, headers?: Headers): Promise<void>;
  /** Several messages in one round trip; the order of one key is kept. */
  publishBatch(topic: string, messages: Array<{ key: string; value: unknown; headers?: Headers }>): Promise<void>;
  /** Resolves once the member has joined its group and will receive messages. */
  subscribe(topic: string, group: string, handler: MessageHandler, options?: SubscribeOptions): Promise<BusSubscription>;
  close(): Promise<void>;
}

/** Headers a DLQ message carries besides the original ones. */
export const DLQ_HEADERS = {
  error: 'sluice-dlq-error',
  originalTopic: 'sluice-dlq-original-topic',
  originalPartition: 'sluice-dlq-original-partition',
  originalOffset: 'sluice-dlq-original-offset',
  attempts: 'sluice-dlq-attempts',
  group: 'sluice-dlq-group',
} as const;

export const dlqTopic = (topic: string): string => `${topic}.dlq`;
