import { randomUUID } from 'node:crypto';
import { NotConfiguredError, NotFoundError } from '@sluice/domain';
import { notificationRuleStreamId, notificationTargetSecretBinding } from '@sluice/contracts';
import { decideAndAppend, type EventStore } from '@sluice/eventing';
import { MasterKeyNotConfigured, type MasterKeyCipher } from '@sluice/runtime';
import { notificationRuleDecider, notificationRuleNameOf, type NotificationRuleCommand, type NotificationRuleContext, type NotificationRulesReadModel } from '@sluice/notifications';
import type { PipelineReadModel } from '../projections/pipeline-read-model';
import { commandMetadata, type Caller, type Clock } from './caller';
import { settled, type ReadYourWrites } from './read-your-writes';

/** CreateNotificationRule and DeleteNotificationRule (decision 0044), through the one write path (decision 0034). */
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
    const targets = (rule as { targets?: unknown } | null)?.targets;
    // Sealed before deciding (the decider does no I/O), each bound to the account, rule and target's index.
    const sealedSecrets = new Map<number, string>();
    if (typeof name === 'string' && Array.isArray(targets)) {
      for (const [index, target] of targets.entries()) {
        const secret = (target as { type?: unknown; secret?: unknown } | null)?.secret;
        if ((target as { type?: unknown } | null)?.type === 'Webhook' && typeof secret === 'string' && secret.length > 0) {
          sealedSecrets.set(index, await this.seal(secret, notificationTargetSecretBinding(caller.account, name, index)));
        }
      }
    }
    await this.handle(caller, { type: 'CreateNotificationRule', rule, sealedSecrets, ruleId: randomUUID(), metadata: commandMetadata(caller, this.clock) });
    return name as string;
  }

  /** The rule must watch `pipelineName`: the caller was authorized at that pipeline, not at another. */
  async deleteNotificationRule(caller: Caller, pipelineName: string, name: string): Promise<void> {
    const existing = this.rules().getRule(caller.account, name);
    if (existing === undefined || existing.definition.pipelineName !== pipelineName) throw new NotFoundError('notification rule', name);
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
