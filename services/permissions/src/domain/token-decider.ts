import { assertNever, type CommandMetadata, type Decider, IssueCollector, NotFoundError, ValidationError } from '@sluice/domain';
import type { RoleSession, TokenEvent } from '@sluice/contracts';

export const TOKEN_LIFETIME = { minSeconds: 60, defaultSeconds: 90 * 24 * 3600, maxSeconds: 10 * 366 * 24 * 3600 } as const;

export type TokenCommand =
  | {
      type: 'CreateToken';
      tokenId: string;
      tokenHash: string;
      principalId: string;
      expiresInSeconds: number;
      description: string | null;
      session: RoleSession | null;
      metadata: CommandMetadata;
    }
  | { type: 'RevokeToken'; tokenId: string; metadata: CommandMetadata };

export type TokenState = { status: 'None' } | { status: 'Active' | 'Revoked'; account: string };

export const tokenDecider: Decider<TokenCommand, TokenEvent, TokenState, undefined> = {
  initialState: { status: 'None' },
  decide(command, state) {
    switch (command.type) {
      case 'CreateToken': {
        const issues = new IssueCollector();
        const seconds = command.expiresInSeconds;
        if (!Number.isInteger(seconds) || seconds < TOKEN_LIFETIME.minSeconds || seconds > TOKEN_LIFETIME.maxSeconds) {
          issues.add('expiresInSeconds', 'out_of_range', `A token lives a whole number of seconds from ${TOKEN_LIFETIME.minSeconds} to ${TOKEN_LIFETIME.maxSeconds} (10 years).`);
        }
        if (command.description !== null && command.description.length > 256) issues.add('description', 'too_long', 'The description must have at most 256 characters.');
        if (issues.count > 0) throw new ValidationError(issues.issues, 'The token request is not valid');
        const expiresAt = new Date(Date.parse(command.metadata.now) + seconds * 1000).toISOString();
        return [
          {
            type: 'TokenCreated',
            data: {
              tokenId: command.tokenId,
              account: command.metadata.account,
              principalId: command.principalId,
              tokenHash: command.tokenHash,
              createdAt: command.metadata.now,
              expiresAt,
              description: command.description,
              session: command.session,
            },
          },
        ];
      }
      case 'RevokeToken':
        // Another account's token reads as unknown: ids are not secrets, but accounts stay apart.
        if (state.status === 'None' || state.account !== command.metadata.account) throw new NotFoundError('token', command.tokenId);
        return state.status === 'Revoked' ? [] : [{ type: 'TokenRevoked', data: { revokedAt: command.metadata.now } }];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'TokenCreated':
        return { status: 'Active', account: event.data.account };
      case 'TokenRevoked':
        return state.status === 'None' ? state : { ...state, status: 'Revoked' };
      default:
        return assertNever(event);
    }
  },
};
