import type { CommandMetadata, PipelineDeclaration } from '@sluice/domain';
import type { WebhookDefinitionData, WebhookEvent } from '@sluice/contracts';
import type { Tag } from '../tag';

/** A webhook of an account, `webhook-{account}.{name}` (decision 0039). */
export type WebhookCommand = PutWebhook | DeleteWebhook | RegisterWebhookWithThirdParty | DeregisterWebhookWithThirdParty;

/**
 * CodePipeline's PutWebhook: `webhook` and `tags` are its request members, untrusted. The secret token arrives
 * sealed beside it (sealing needs the master key: I/O, done by the handler); the decider validates the clear one
 * and stores only the sealed one. `urlId` is a fresh random id, used when the webhook is new.
 */
export interface PutWebhook {
  type: 'PutWebhook';
  webhook: unknown;
  tags: unknown;
  sealedSecretToken: string | undefined;
  urlId: string;
  metadata: CommandMetadata;
}

export interface DeleteWebhook {
  type: 'DeleteWebhook';
  name: string;
  metadata: CommandMetadata;
}

export interface RegisterWebhookWithThirdParty {
  type: 'RegisterWebhookWithThirdParty';
  name: string;
  metadata: CommandMetadata;
}

export interface DeregisterWebhookWithThirdParty {
  type: 'DeregisterWebhookWithThirdParty';
  name: string;
  metadata: CommandMetadata;
}

export type { WebhookEvent };

export type WebhookState =
  | { status: 'Absent' }
  | { status: 'Active'; definition: WebhookDefinitionData; urlId: string; tags: Tag[]; registeredWithThirdParty: boolean }
  /** Put again, it gets a new URL: the deleted one answers 404 for good. */
  | { status: 'Deleted'; urlId: string };

/** The account's pipelines, as PutWebhook checks its target. */
export interface WebhookContext {
  pipeline(name: string): PipelineDeclaration | undefined;
}

/** The name a command's input gives, when it can name a stream (else the decider refuses it). */
export function webhookNameOf(command: WebhookCommand): string | undefined {
  const name = command.type === 'PutWebhook' ? (command.webhook as { name?: unknown } | null | undefined)?.name : command.name;
  return typeof name === 'string' && /^[A-Za-z0-9.@_-]{1,100}$/.test(name) ? name : undefined;
}
