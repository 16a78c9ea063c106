import type { Admin } from 'kafkajs';

/**
 * Creates topics on first use, once per process: `createTopics` is a no-op for a topic that
 * already exists, so concurrent processes creating the same topic are harmless.
 */
export class TopicCreator {
  private readonly created = new Map<string, Promise<void>>();

  constructor(
    private readonly admin: () => Promise<Admin>,
    private readonly partitions: number,
  ) {}

  ensure(topic: string): Promise<void> {
    let creation = this.created.get(topic);
    if (!creation) {
      creation = this.create(topic);
      this.created.set(topic, creation);
      creation.catch(() => this.created.delete(topic));
    }
    return creation;
  }

  private async create(topic: string): Promise<void> {
    const admin = await this.admin();
    await admin.createTopics({ topics: [{ topic, numPartitions: this.partitions }], waitForLeaders: true });
  }
}
