import { NotConfiguredError, NotFoundError, secretNameProblem } from '@sluice/domain';
import { secretStreamId, secretValueBinding } from '@sluice/contracts';
import { decideAndAppend, type EventStore } from '@sluice/eventing';
import { MasterKeyNotConfigured, type MasterKeyCipher } from '@sluice/runtime';
import { SECRET_VALUE_MAX_BYTES, type SecretCommand, type SecretState } from '../domain/secret/secret';
import { evolveSecret, nextSecretVersion, secretDecider } from '../domain/secret/secret-decider';
import { commandMetadata, type Caller, type Clock } from './caller';
import { settled, type ReadYourWrites } from './read-your-writes';

/**
 * createSecret, putSecretValue (rotation: a new version) and deleteSecret through the one write path (decision 0034).
 * The value is sealed here, bound to the account, the name and the version it will be, before deciding: the decider and
 * the store see only the sealed form (decision 0043).
 */
export class SecretCommandHandlers {
  constructor(
    private readonly store: EventStore,
    private readonly cipher: MasterKeyCipher,
    private readonly readModel: ReadYourWrites,
    private readonly clock: Clock,
  ) {}

  async createSecret(caller: Caller, name: unknown, value: unknown, description: unknown): Promise<{ name: string; version: number }> {
    const streamId = typeof name === 'string' && !secretNameProblem(name) ? secretStreamId(caller.account, name) : undefined;
    const version = streamId ? nextSecretVersion(await this.stateOf(streamId)) : 1;
    const valueProblem = problemOfValue(value);
    const sealedValue = streamId && !valueProblem ? await this.seal(value as string, secretValueBinding(caller.account, name as string, version)) : undefined;
    const command: SecretCommand = { type: 'CreateSecret', name, description, sealedValue, valueProblem, metadata: commandMetadata(caller, this.clock) };
    await this.handle(streamId, command);
    return { name: name as string, version };
  }

  async putSecretValue(caller: Caller, name: string, value: unknown): Promise<{ name: string; version: number }> {
    const streamId = secretNameProblem(name) ? undefined : secretStreamId(caller.account, name);
    const version = streamId ? nextSecretVersion(await this.stateOf(streamId)) : 1;
    const valueProblem = problemOfValue(value);
    const sealedValue = streamId && !valueProblem ? await this.seal(value as string, secretValueBinding(caller.account, name, version)) : undefined;
    await this.handle(streamId, { type: 'PutSecretValue', name, version, sealedValue, valueProblem, metadata: commandMetadata(caller, this.clock) });
    return { name, version };
  }

  async deleteSecret(caller: Caller, name: string): Promise<void> {
    const streamId = secretNameProblem(name) ? undefined : secretStreamId(caller.account, name);
    await this.handle(streamId, { type: 'DeleteSecret', name, metadata: commandMetadata(caller, this.clock) });
  }

  private async stateOf(streamId: string): Promise<SecretState> {
    const events = await this.store.readStream(streamId);
    return events.reduce((state, event) => evolveSecret(state, { type: event.type, data: event.data } as never), secretDecider.initialState);
  }

  private async seal(value: string, binding: string): Promise<string> {
    try {
      return await this.cipher.seal(value, binding);
    } catch (error) {
      if (error instanceof MasterKeyNotConfigured) throw new NotConfiguredError(error.settings, error.message);
      throw error;
    }
  }

  private async handle(streamId: string | undefined, command: SecretCommand): Promise<void> {
    if (streamId === undefined && command.type !== 'CreateSecret') {
      // A name no secret can have names none: as unknown as a deleted one.
      throw new NotFoundError('secret', command.name);
    }
    const { position } = await decideAndAppend(this.store, secretDecider, streamId, command, undefined);
    await settled(this.readModel, position);
  }
}

function problemOfValue(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'The value must be a non-empty string.';
  if (Buffer.byteLength(value, 'utf8') > SECRET_VALUE_MAX_BYTES) return `The value must be at most ${SECRET_VALUE_MAX_BYTES} bytes.`;
  return undefined;
}
