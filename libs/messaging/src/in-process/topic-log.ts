import type { Headers } from '../bus';

export interface StoredMessage {
  key: string;
  /** The value as JSON (see message-value.ts). */
  value: string;
  headers: Headers;
}

/** The retained messages of one topic, one append-only array per partition. */
export class TopicLog {
  private readonly partitions: StoredMessage[][];
  private readonly waiters: Array<Array<() => void>>;

  constructor(
    readonly name: string,
    readonly partitionCount: number,
  ) {
    this.partitions = Array.from({ length: partitionCount }, () => []);
    this.waiters = Array.from({ length: partitionCount }, () => []);
  }

  append(partition: number, message: StoredMessage): number {
    const log = this.partitions[partition]!;
    log.push(message);
    const waiting = this.waiters[partition]!.splice(0);
    for (const wake of waiting) wake();
    return log.length - 1;
  }

  read(partition: number, offset: number): StoredMessage | undefined {
    return this.partitions[partition]![offset];
  }

  /** The offset the next message of the partition will get. */
  endOffset(partition: number): number {
    return this.partitions[partition]!.length;
  }

  /** Resolves once the partition holds a message at `offset`. */
  waitFor(partition: number, offset: number): Promise<void> {
    if (offset < this.endOffset(partition)) return Promise.resolve();
    return new Promise((resolve) => this.waiters[partition]!.push(resolve));
  }
}
