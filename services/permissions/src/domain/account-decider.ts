import { accountIdProblem, assertNever, type CommandMetadata, ConflictError, type Decider, ValidationError } from '@sluice/domain';
import type { AccountEvent } from '@sluice/contracts';

export type AccountCommand = { type: 'CreateAccount'; account: string; metadata: CommandMetadata };
export type AccountState = { status: 'None' } | { status: 'Active' };

export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState, undefined> = {
  initialState: { status: 'None' },
  decide(command, state) {
    switch (command.type) {
      case 'CreateAccount': {
        const problem = accountIdProblem(command.account);
        if (problem) throw new ValidationError([{ path: 'account', code: 'invalid_account', message: problem }], 'The account is not valid');
        if (state.status !== 'None') throw new ConflictError(`The account '${command.account}' already exists.`, 'ACCOUNT_ALREADY_EXISTS');
        return [{ type: 'AccountCreated', data: { account: command.account, createdAt: command.metadata.now } }];
      }
      default:
        return assertNever(command.type);
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'AccountCreated':
        return { status: 'Active' };
      default:
        return assertNever(event.type);
    }
  },
};
