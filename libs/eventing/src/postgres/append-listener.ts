import { Client } from 'pg';

/**
 * The categories of the streams an append's NOTIFY names (schema.ts: `{"last": …, "categories": […]}`), or undefined
 * for an append that names none (a payload of an earlier version, or one too long to name them): it concerns anyone.
 */
export function categoriesIn(payload: string | undefined): string[] | undefined {
  if (payload === undefined || !payload.startsWith('{')) return undefined;
  try {
    const { categories } = JSON.parse(payload) as { categories?: unknown };
    return Array.isArray(categories) && categories.every((category) => typeof category === 'string') ? (categories as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A dedicated connection LISTENing on the append channel; calls onAppend for each NOTIFY, with the categories of the
 * streams it names. If the
 * connection drops it reconnects (with a pause); meanwhile subscriptions still poll.
 */
export class AppendListener {
  private client: Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  private constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly onAppend: (categories: readonly string[] | undefined) => void,
  ) {}

  static async start(connectionString: string, channel: string, onAppend: (categories: readonly string[] | undefined) => void): Promise<AppendListener> {
    const listener = new AppendListener(connectionString, channel, onAppend);
    await listener.connect();
    return listener;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.connectionString });
    client.on('notification', (message) => this.onAppend(categoriesIn(message.payload)));
    client.on('error', () => this.reconnectLater(client));
    client.on('end', () => this.reconnectLater(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    // Appends made while no one listened are found by the read this wake causes.
    this.onAppend(undefined);
  }

  private reconnectLater(client: Client): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    this.retry = setTimeout(() => {
      if (!this.closed) this.connect().catch(() => this.scheduleRetry());
    }, 1000);
    this.retry.unref();
  }
}
