import { randomUUID } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type EventStore, decideAndAppend } from '@sluice/eventing';
import { type CommandMetadata } from '@sluice/domain';
import { accountDecider } from '../../domain/account-decider';
import { accountStream, principalStream, tokenStream } from '@sluice/contracts';
import { principalDecider } from '../../domain/principal-decider';
import { TOKEN_LIFETIME, tokenDecider } from '../../domain/token-decider';
import { issueToken } from '../../domain/token-secret';

export interface EnsureAdminOptions {
  /** Default `default`. */
  account?: string;
  /** Default `admin`. */
  userName?: string;
  /** Where to write `admin-token` (mode 0600) on first start, e.g. `$SLUICE_DATA_DIR`. */
  dataDir?: string;
  now?: Date;
}

export type EnsuredAdmin =
  | { created: true; account: string; userName: string; token: string; tokenId: string; expiresAt: string; tokenFile: string | null }
  | { created: false; account: string; userName: string };

/**
 * First start: creates the account, its `admin` user with the Admin policy and a token (10 years),
 * returns the token to print once, and writes it to `{dataDir}/admin-token` (0600). Later starts (the
 * admin exists): nothing new, the file stays. Works on the store directly, before any service runs.
 */
export async function ensureAdmin(store: EventStore, options: EnsureAdminOptions = {}): Promise<EnsuredAdmin> {
  const account = options.account ?? 'default';
  const userName = options.userName ?? 'admin';
  const metadata = (): CommandMetadata => ({ now: (options.now ?? new Date()).toISOString(), account, actor: 'system', correlationId: randomUUID() });
  if ((await store.readStream(principalStream(account, userName), { maxCount: 1 })).length > 0) return { created: false, account, userName };

  if ((await store.readStream(accountStream(account), { maxCount: 1 })).length === 0) {
    try {
      await decideAndAppend(store, accountDecider, accountStream(account), { type: 'CreateAccount', account, metadata: metadata() }, undefined);
    } catch (error) {
      // Another bootstrap of the same account (another user) created it first: that is what we wanted.
      if ((await store.readStream(accountStream(account), { maxCount: 1 })).length === 0) throw error;
    }
  }
  const adminStream = principalStream(account, userName);
  // The user and its policy in one append: an admin without Admin cannot exist, even after a crash.
  const created = principalDecider.decide({ type: 'CreateUser', userName, metadata: metadata() }, principalDecider.initialState, { accountExists: true });
  await store.append(
    adminStream,
    [...created, { type: 'PolicyAttached' as const, data: { policy: { type: 'managed' as const, name: 'Admin' as const } } }].map((event) => ({
      type: event.type,
      data: event.data,
      metadata: { account, actor: 'system', occurredAt: metadata().now, correlationId: randomUUID(), causationId: null },
    })),
    { expectedRevision: 'no_stream' },
  );

  const issued = issueToken('user');
  const command = {
    type: 'CreateToken' as const,
    tokenId: issued.tokenId,
    tokenHash: issued.tokenHash,
    principalId: userName,
    expiresInSeconds: TOKEN_LIFETIME.maxSeconds,
    description: 'created on first start',
    session: null,
    metadata: metadata(),
  };
  await decideAndAppend(store, tokenDecider, tokenStream(issued.tokenId), command, undefined);
  const expiresAt = new Date(Date.parse(command.metadata.now) + TOKEN_LIFETIME.maxSeconds * 1000).toISOString();

  let tokenFile: string | null = null;
  if (options.dataDir !== undefined) {
    await mkdir(options.dataDir, { recursive: true });
    tokenFile = join(options.dataDir, 'admin-token');
    await writeFile(tokenFile, `${issued.token}\n`, { mode: 0o600 });
    await chmod(tokenFile, 0o600); // writeFile's mode applies only when it creates the file
  }
  return { created: true, account, userName, token: issued.token, tokenId: issued.tokenId, expiresAt, tokenFile };
}
