/** A refused delivery, kept so an operator can see who knocked with the wrong key. */
export interface WebhookRejection {
  at: string;
  path: string;
  webhookId: string | null;
  status: number;
  reason: string;
}

export interface RejectionLog {
  record(rejection: WebhookRejection): Promise<void>;
}

export class InMemoryRejectionLog implements RejectionLog {
  readonly rejections: WebhookRejection[] = [];

  constructor(private readonly capacity = 1_000) {}

  async record(rejection: WebhookRejection): Promise<void> {
    this.rejections.push(rejection);
    if (this.rejections.length > this.capacity) this.rejections.shift();
  }
}
