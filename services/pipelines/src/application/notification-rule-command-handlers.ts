import { randomUUID } from 'node:crypto';
import { NotConfiguredError, NotFoundError, type Tag } from '@sluice/domain';
import { notificationRuleStreamId, notificationTargetSecretBinding } from '@sluice/contracts';
import { decideAndAppend, type EventStore } from '@sluice/eventing';
import { MasterKeyNotConfigured, type MasterKeyCipher } from '@sluice/runtime';
import { notificationRuleDecider, notificationRuleNameOf, type NotificationRuleCommand, type NotificationRuleContext, type NotificationRulesReadModel } from '@sluice/notifications';
import type { PipelineReadModel } from '../projections/pipeline-read-model';
import { commandMetadata, type Caller, type Clock } from './caller';
import { settled, type ReadYourWrites } from './read-your-writes';

/** Create, update, tag, untag and delete a notification rule (decisions 0044, 0053), through the one write path (decision 0034). */
export class NotificationRuleCommandHandlers {
  constructor(
    private readonly store: EventStore,
    private readonly pipelines: () => PipelineReadModel,
    private readonly rules: () => NotificationRulesReadModel,
    private readonly cipher: MasterKeyCipher,
    private readonly readModel: ReadYourWrites,
    private readonly clock: Clock,
  ) {}

  /** Returns the name created. */
  async createNotificationRule(caller: Caller, rule: unknown): Promise<string> {
    const name = (rule as { name?: unknown } | null)?.name;
    const sealedSecrets = typeof name === 'string' ? await this.sealSecretsOf(caller, name, (rule as { targets?: unknown } | null)?.targets) : new Map<number, string>();
    await this.handle(caller, { type: 'CreateNotificationRule', rule, sealedSecrets, ruleId: randomUUID(), metadata: commandMetadata(caller, this.clock) });
    return name as string;
  }

  /** `changes` at the `version` the caller read; a stale version is a CONFLICT (the decider's, and the append's expected revision). */
  async updateNotificationRule(caller: Caller, pipelineName: string, name: string, version: number, changes: unknown): Promise<void> {
    this.mustWatch(caller, pipelineName, name);
    const sealedSecrets = await this.sealSecretsOf(caller, name, (changes as { targets?: unknown } | null)?.targets);
    await this.handle(caller, { type: 'UpdateNotificationRule', name, changes, version, sealedSecrets, metadata: commandMetadata(caller, this.clock) });
  }

  async tagNotificationRule(caller: Caller, pipelineName: string, name: string, tags: readonly Tag[], version?: number | null): Promise<void> {
    this.mustWatch(caller, pipelineName, name);
    await this.handle(caller, { type: 'TagNotificationRule', name, tags, ...(version != null ? { version } : {}), metadata: commandMetadata(caller, this.clock) });
  }

  async untagNotificationRule(caller: Caller, pipelineName: string, name: string, tagKeys: readonly string[], version?: number | null): Promise<void> {
    this.mustWatch(caller, pipelineName, name);
    await this.handle(caller, { type: 'UntagNotificationRule', name, tagKeys, ...(version != null ? { version } : {}), metadata: commandMetadata(caller, this.clock) });
  }

  /** Each Webhook target's secret sealed before deciding (the decider does no I/O), bound to the account, rule and target's index. */
  private async sealSecretsOf(caller: Caller, name: string, targets: unknown): Promise<Map<number, string>> {
    const sealedSecrets = new Map<number, string>();
    if (!Array.isArray(targets)) return sealedSecrets;
    for (const [index, target] of targets.entries()) {
      const secret = (target as { type?: unknown; secret?: unknown } | null)?.secret;
      if ((target as { type?: unknown } | null)?.type === 'Webhook' && typeof secret === 'string' && secret.length > 0) {
        sealedSecrets.set(index, await this.seal(secret, notificationTargetSecretBinding(caller.account, name, index)));
      }
    }
    return sealedSecrets;
  }

  /** The caller was authorized at `pipelineName`, so the rule must watch it (else it is not found, as another account's). */
  private mustWatch(caller: Caller, pipelineName: string, name: string): void {
    const existing = this.rules().getRule(caller.account, name);
    if (existing === undefined || existing.definition.pipelineName !== pipelineName) throw new NotFoundError('notification rule', name);
  }

  /** The rule must watch `pipelineName`: the caller was authorized at that pipeline, not at another. */
  async deleteNotificationRule(caller: Caller, pipelineName: string, name: string): Promise<void> {
    this.mustWatch(caller, pipelineName, name);
    await this.handle(caller, { type: 'DeleteNotificationRule', name, metadata: commandMetadata(caller, this.clock) });
  }

  private async seal(secret: string, binding: string): Promise<string> {
    try {
      return await this.cipher.seal(secret, binding);
    } catch (error) {
      if (error instanceof MasterKeyNotConfigured) throw new NotConfiguredError(error.settings, error.message);
      throw error;
    }
  }

  private async handle(caller: Caller, command: NotificationRuleCommand): Promise<void> {
    const name = notificationRuleNameOf(command);
    const streamId = name === undefined ? undefined : notificationRuleStreamId(caller.account, name);
    const context: NotificationRuleContext = {
      pipeline: (pipeline) => this.pipelines().getPipeline(caller.account, pipeline)?.version.declaration,
    };
    const { position } = await decideAndAppend(this.store, notificationRuleDecider, streamId, command, context);
    await settled(this.readModel, position);
  }
}
