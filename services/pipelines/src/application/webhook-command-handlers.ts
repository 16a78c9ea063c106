import { randomBytes } from 'node:crypto';
import { NotConfiguredError } from '@sluice/domain';
import { webhookSecretBinding, webhookStreamId } from '@sluice/contracts';
import { decideAndAppend, type EventStore } from '@sluice/eventing';
import { MasterKeyNotConfigured, type MasterKeyCipher } from '@sluice/runtime';
import { webhookNameOf, type WebhookCommand, type WebhookContext } from '../domain/webhook/webhook';
import { webhookDecider } from '../domain/webhook/webhook-decider';
import type { PipelineReadModel } from '../projections/pipeline-read-model';
import { commandMetadata, type Caller, type Clock } from './caller';
import { settled, type ReadYourWrites } from './read-your-writes';

/** PutWebhook, DeleteWebhook and the third-party registration, through the one write path (decision 0034). */
export class WebhookCommandHandlers {
  constructor(
    private readonly store: EventStore,
    private readonly pipelines: () => PipelineReadModel,
    private readonly cipher: MasterKeyCipher,
    private readonly readModel: ReadYourWrites,
    private readonly clock: Clock,
  ) {}

  /** `webhook` and `tags` are CodePipeline's PutWebhook members; returns the name put. */
  async putWebhook(caller: Caller, webhook: unknown, tags: unknown): Promise<string> {
    const secret = (webhook as { authenticationConfiguration?: { SecretToken?: unknown } } | null)?.authenticationConfiguration?.SecretToken;
    const name = (webhook as { name?: unknown } | null)?.name;
    // Sealed before deciding (the decider does no I/O); bound to the account and name, so it opens only for this webhook.
    const sealedSecretToken = typeof secret === 'string' && secret.length > 0 && typeof name === 'string' ? await this.seal(secret, webhookSecretBinding(caller.account, name)) : undefined;
    const command: WebhookCommand = { type: 'PutWebhook', webhook, tags, sealedSecretToken, urlId: randomBytes(20).toString('hex'), metadata: commandMetadata(caller, this.clock) };
    await this.handle(caller, command);
    return name as string;
  }

  async deleteWebhook(caller: Caller, name: string): Promise<void> {
    await this.handle(caller, { type: 'DeleteWebhook', name, metadata: commandMetadata(caller, this.clock) });
  }

  async registerWebhookWithThirdParty(caller: Caller, name: string): Promise<void> {
    await this.handle(caller, { type: 'RegisterWebhookWithThirdParty', name, metadata: commandMetadata(caller, this.clock) });
  }

  async deregisterWebhookWithThirdParty(caller: Caller, name: string): Promise<void> {
    await this.handle(caller, { type: 'DeregisterWebhookWithThirdParty', name, metadata: commandMetadata(caller, this.clock) });
  }

  private async seal(secret: string, binding: string): Promise<string> {
    try {
      return await this.cipher.seal(secret, binding);
    } catch (error) {
      if (error instanceof MasterKeyNotConfigured) throw new NotConfiguredError(error.settings, error.message);
      throw error;
    }
  }

  private async handle(caller: Caller, command: WebhookCommand): Promise<void> {
    const name = webhookNameOf(command);
    const streamId = name === undefined ? undefined : webhookStreamId(caller.account, name);
    const context: WebhookContext = {
      pipeline: (pipeline) => (this.pipelines().listPipelineVersions(caller.account, pipeline) ? this.pipelines().getPipeline(caller.account, pipeline)?.version.declaration : undefined),
    };
    const { position } = await decideAndAppend(this.store, webhookDecider, streamId, command, context);
    await settled(this.readModel, position);
  }
}
