import type { DeliveredMessage } from '../bus';
import { deliverWithRetries, type DeliveryOutcome } from '../delivery/deliver-with-retries';
import { decodeValue } from '../message-value';
import type { GroupMember } from './group-member';
import type { StoredMessage, TopicLog } from './topic-log';

export interface DeadLetter {
  message: StoredMessage;
  partition: number;
  offset: number;
  attempts: number;
  error: unknown;
}

/**
 * A consumer group on one topic. Each partition has one loop that hands its messages, in order,
 * to the member that owns the partition now (partition p goes to member p mod n, members in
 * joining order), and commits an offset only once the message was handled or dead-lettered.
 * A member that leaves mid-message has that message redelivered to the next owner.
 */
export class ConsumerGroup {
  private readonly committed: number[];
  private members: GroupMember[] = [];
  private membershipChanged = deferred();
  private closed = false;
  private readonly loops: Promise<void>[];

  constructor(
    readonly name: string,
    private readonly log: TopicLog,
    fromBeginning: boolean,
    private readonly deadLetter: (letter: DeadLetter) => void,
  ) {
    this.committed = Array.from({ length: log.partitionCount }, (_, p) => (fromBeginning ? 0 : log.endOffset(p)));
    this.loops = this.committed.map((_, p) => this.consumePartition(p));
  }

  join(member: GroupMember): void {
    this.members = [...this.members, member];
    this.rebalance();
  }

  leave(member: GroupMember): void {
    this.members = this.members.filter((m) => m !== member);
    this.rebalance();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.rebalance();
    await Promise.all(this.loops);
  }

  private rebalance(): void {
    const changed = this.membershipChanged;
    this.membershipChanged = deferred();
    changed.resolve();
  }

  private ownerOf(partition: number): GroupMember | undefined {
    return this.members.length === 0 ? undefined : this.members[partition % this.members.length];
  }

  private async consumePartition(partition: number): Promise<void> {
    while (!this.closed) {
      const owner = this.ownerOf(partition);
      const offset = this.committed[partition]!;
      const message = this.log.read(partition, offset);
      if (!owner || !message) {
        await Promise.race([this.membershipChanged.promise, this.log.waitFor(partition, offset)]);
        continue;
      }
      const delivered: Omit<DeliveredMessage, 'attempt'> = {
        topic: this.log.name,
        key: message.key,
        value: undefined,
        headers: { ...message.headers },
        partition,
        offset: String(offset),
      };
      let outcome: DeliveryOutcome;
      try {
        delivered.value = decodeValue(message.value);
        outcome = await owner.track(deliverWithRetries(owner.handler, delivered, owner.policy, owner.stop));
      } catch (error) {
        outcome = { kind: 'failed', attempts: 0, error };
      }
      if (outcome.kind === 'abandoned') continue;
      if (outcome.kind === 'failed') {
        this.deadLetter({ message, partition, offset, attempts: outcome.attempts, error: outcome.error });
      }
      this.committed[partition] = offset + 1;
    }
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
