/** A registered webhook: whose pipelines it may start, and the secret its deliveries prove they know. */
export interface WebhookRegistration {
  account: string;
  secret: string;
}

export interface WebhookSecrets {
  lookup(webhookId: string): Promise<WebhookRegistration | undefined>;
}
