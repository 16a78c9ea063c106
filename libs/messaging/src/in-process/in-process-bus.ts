import { dlqTopic, type Bus, type BusSubscription, type Headers, type MessageHandler, type SubscribeOptions } from '../bus';
import { deliveryPolicy } from '../delivery/delivery-policy';
import { dlqHeaders } from '../delivery/dlq-headers';
import { encodeValue } from '../message-value';
import { ConsumerGroup } from './consumer-group';
import { GroupMember } from './group-member';
import { partitionForKey } from './partition-for-key';
import { TopicLog } from './topic-log';

export interface InProcessBusOptions {
  /** Partitions of each topic, created on first use (default 3, as the Kafka adapter). */
  partitions?: number;
}

/**
 * The bus of the embedded mode, with Kafka's semantics: partitions by key hash, consumer groups
 * that split partitions, at-least-once delivery, bounded retries then `<topic>.dlq`. Messages are
 * retained for the life of the process (nothing survives a restart).
 */
export class InProcessBus implements Bus {
  private readonly partitions: number;
  private readonly topics = new Map<string, TopicLog>();
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly members = new Set<{ member: GroupMember; group: ConsumerGroup }>();
  private closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.partitions = options.partitions ?? 3;
    if (!Number.isInteger(this.partitions) || this.partitions < 1) {
      throw new RangeError(`partitions must be an integer >= 1, got ${options.partitions}`);
    }
  }

  async publish(topic: string, key: string, value: unknown, headers: Headers = {}): Promise<void> {
    await this.publishBatch(topic, [{ key, value, headers }]);
  }

  async publishBatch(topic: string, messages: Array<{ key: string; value: unknown; headers?: Headers }>): Promise<void> {
    this.assertOpen();
    // Encode everything first so a bad value fails the whole batch, as one Kafka request would.
    const encoded = messages.map((m) => ({ key: m.key, value: encodeValue(m.value), headers: { ...m.headers } }));
    const log = this.topic(topic);
    for (const message of encoded) log.append(partitionForKey(message.key, log.partitionCount), message);
  }

  async subscribe(topic: string, group: string, handler: MessageHandler, options?: SubscribeOptions): Promise<BusSubscription> {
    this.assertOpen();
    const policy = deliveryPolicy(options);
    const consumerGroup = this.group(topic, group, policy.fromBeginning);
    const member = new GroupMember(handler, policy);
    const entry = { member, group: consumerGroup };
    this.members.add(entry);
    consumerGroup.join(member);
    let stopping: Promise<void> | undefined;
    return {
      stop: () => (stopping ??= this.leave(entry)),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.members].map((entry) => this.leave(entry)));
    await Promise.all([...this.groups.values()].map((g) => g.close()));
  }

  private async leave(entry: { member: GroupMember; group: ConsumerGroup }): Promise<void> {
    if (!this.members.delete(entry)) return;
    entry.group.leave(entry.member);
    entry.member.stop.request(entry.member.policy.stopGraceMs);
    await entry.member.drained();
    entry.member.stop.dispose();
  }

  private topic(name: string): TopicLog {
    let log = this.topics.get(name);
    if (!log) {
      log = new TopicLog(name, this.partitions);
      this.topics.set(name, log);
    }
    return log;
  }

  private group(topic: string, name: string, fromBeginning: boolean): ConsumerGroup {
    const id = `${topic}\u0000${name}`;
    let group = this.groups.get(id);
    if (!group) {
      group = new ConsumerGroup(name, this.topic(topic), fromBeginning, (letter) => {
        const dead = this.topic(dlqTopic(topic));
        const headers = dlqHeaders(letter.message.headers, {
          error: letter.error,
          topic,
          partition: letter.partition,
          offset: String(letter.offset),
          attempts: letter.attempts,
          group: name,
        });
        dead.append(partitionForKey(letter.message.key, dead.partitionCount), { ...letter.message, headers });
      });
      this.groups.set(id, group);
    }
    return group;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('InProcessBus is closed');
  }
}
