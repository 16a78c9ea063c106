import { assertNever, type CommandMetadata, type Decider, NotFoundError } from '@sluice/domain';
import type { AccessKeyEvent } from '@sluice/contracts';

export type AccessKeyCommand =
  | { type: 'CreateAccessKey'; accessKeyId: string; principalId: string; encryptedSecret: string; metadata: CommandMetadata }
  | { type: 'DeleteAccessKey'; accessKeyId: string; metadata: CommandMetadata };

export type AccessKeyState = { status: 'None' } | { status: 'Active' | 'Deleted'; account: string };

/** What the command handler knows about the principal a key is created for. */
export interface AccessKeyContext {
  principalExists: boolean;
}

export const accessKeyDecider: Decider<AccessKeyCommand, AccessKeyEvent, AccessKeyState, AccessKeyContext> = {
  initialState: { status: 'None' },
  decide(command, state, context) {
    switch (command.type) {
      case 'CreateAccessKey':
        if (!context.principalExists) throw new NotFoundError('principal', command.principalId);
        // Ids are random: a collision is a retry, never an overwrite.
        if (state.status !== 'None') throw new Error(`access key ${command.accessKeyId} already exists`);
        return [
          {
            type: 'AccessKeyCreated',
            data: { accessKeyId: command.accessKeyId, account: command.metadata.account, principalId: command.principalId, encryptedSecret: command.encryptedSecret, createdAt: command.metadata.now },
          },
        ];
      case 'DeleteAccessKey':
        // Another account's key reads as unknown, like tokens.
        if (state.status === 'None' || state.account !== command.metadata.account) throw new NotFoundError('access key', command.accessKeyId);
        return state.status === 'Deleted' ? [] : [{ type: 'AccessKeyDeleted', data: { deletedAt: command.metadata.now } }];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'AccessKeyCreated':
        return { status: 'Active', account: event.data.account };
      case 'AccessKeyDeleted':
        return state.status === 'None' ? state : { ...state, status: 'Deleted' };
      default:
        return assertNever(event);
    }
  },
};
