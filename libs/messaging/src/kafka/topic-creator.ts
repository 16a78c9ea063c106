import type { Admin } from 'kafkajs';

/**
 * Creates topics on first use, once per process: `createTopics` is a no-op for a topic that
 * already exists, so concurrent processes creating the same topic are harmless — provided each one
 * waits until every partition has a leader: the process that finds the topic "already exists" while
 * another is still creating it gets no such wait from `createTopics`, and a subscribe right then fails
 * with UNKNOWN_TOPIC_OR_PARTITION (seen with two engine processes starting at once).
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

  private async create(topic: string, timeoutMs = 30_000): Promise<void> {
    const admin = await this.admin();
    const deadline = Date.now() + timeoutMs;
    // Create (a no-op when it exists), then wait for a leader of every partition ourselves: kafkajs's own
    // `waitForLeaders` throws UNKNOWN_TOPIC_OR_PARTITION while the metadata of a fresh topic propagates.
    for (let created = false; ; ) {
      try {
        if (!created) {
          await admin.createTopics({ topics: [{ topic, numPartitions: this.partitions }], waitForLeaders: false });
          created = true;
        }
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        const partitions = topics[0]?.partitions ?? [];
        if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return;
      } catch (error) {
        if (Date.now() > deadline || !isRetriable(error)) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topic ${topic}: not every partition has a leader after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const isRetriable = (error: unknown): boolean => (error as { retriable?: boolean } | null)?.retriable === true || /UNKNOWN_TOPIC|LEADER_NOT_AVAILABLE/.test(String((error as { type?: string })?.type ?? ''));
