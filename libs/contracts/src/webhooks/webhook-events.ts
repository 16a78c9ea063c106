/**
 * Webhooks as an account's resources (issue 19, decision 0039): CodePipeline's `PutWebhook` definition, kept by the
 * pipelines service in `webhook-{account}.{name}` and read by the triggers, which serve each at
 * `/webhooks/aws/{urlId}` on the gateway. The secret token never appears in clear: `sealedSecretToken` is
 * AES-256-GCM under the server's master key, bound to the account and the webhook's name.
 */

export type WebhookAuthentication = 'GITHUB_HMAC' | 'IP' | 'UNAUTHENTICATED';

export const WEBHOOK_AUTHENTICATIONS: readonly WebhookAuthentication[] = ['GITHUB_HMAC', 'IP', 'UNAUTHENTICATED'];

/** CodePipeline's `WebhookFilterRule`: the body's value at `jsonPath` must equal `matchEquals` (after `{Key}` substitution). */
export interface WebhookFilterRule {
  jsonPath: string;
  matchEquals?: string;
}

/** CodePipeline's `WebhookDefinition`, without the secret token (which only its sealed form stands for). */
export interface WebhookDefinitionData {
  name: string;
  targetPipeline: string;
  targetAction: string;
  filters: WebhookFilterRule[];
  authentication: WebhookAuthentication;
  /** IP: the CIDR range deliveries must come from. */
  allowedIpRange?: string;
}

export interface WebhookPut {
  type: 'WebhookPut';
  data: {
    definition: WebhookDefinitionData;
    /** The last path segment of the webhook's URL: random, kept when the webhook is replaced. */
    urlId: string;
    /** GITHUB_HMAC: the secret token, sealed (`v1.<iv>.<tag>.<ciphertext>`). */
    sealedSecretToken?: string;
    tags: Array<{ key: string; value: string }>;
    at: string;
    by: string;
  };
}

export interface WebhookDeleted {
  type: 'WebhookDeleted';
  data: { name: string; urlId: string; at: string; by: string };
}

/**
 * Register/DeregisterWebhookWithThirdParty. Sluice calls no third party: the fact that the account says it has
 * configured (or removed) the URL at its Git host is recorded and listed; deliveries are honoured either way.
 */
export interface WebhookRegisteredWithThirdParty {
  type: 'WebhookRegisteredWithThirdParty';
  data: { name: string; at: string; by: string };
}

export interface WebhookDeregisteredWithThirdParty {
  type: 'WebhookDeregisteredWithThirdParty';
  data: { name: string; at: string; by: string };
}

export type WebhookEvent = WebhookPut | WebhookDeleted | WebhookRegisteredWithThirdParty | WebhookDeregisteredWithThirdParty;

export const WEBHOOK_EVENT_TYPES = ['WebhookPut', 'WebhookDeleted', 'WebhookRegisteredWithThirdParty', 'WebhookDeregisteredWithThirdParty'] as const satisfies ReadonlyArray<
  WebhookEvent['type']
>;

export function isWebhookEvent(event: { type: string }): event is WebhookEvent {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** What the sealed secret is bound to (associated data): a ciphertext copied onto another webhook does not open. */
export function webhookSecretBinding(account: string, name: string): string {
  return `webhook\u0000${account}\u0000${name}`;
}
