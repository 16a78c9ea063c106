import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decideAndAppend, type EventStore } from '@sluice/eventing';
import type { AccessKeyCipher } from '../access-key-cipher';
import { accessKeyDecider } from '../../domain/access-key-decider';
import { accessKeyStream } from '@sluice/contracts';
import { issueAccessKey } from '../../domain/access-key-secret';

/** The AWS shared-credentials file the embedded platform writes for its admin (decision 0024). */
export const ADMIN_CREDENTIALS_FILE = 'admin-credentials';

export interface EnsuredAdminAccessKey {
  created: boolean;
  file: string;
  accessKeyId: string;
}

const credentialsText = (accessKeyId: string, secretAccessKey: string) =>
  `# Sluice admin access key for the AWS-compatible API (/aws). Use with AWS_SHARED_CREDENTIALS_FILE=<this file>.\n[default]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`;

/**
 * First start: an access key for the admin, written to `{dataDir}/admin-credentials` (0600) in the AWS
 * shared-credentials format, so `aws codepipeline … --endpoint-url http://localhost:4000/aws` works at once. Later
 * starts: the file is there, nothing new. Works on the store directly (the admin exists: `ensureAdmin` ran).
 */
export async function ensureAdminAccessKey(
  store: EventStore,
  options: { dataDir: string; cipher: AccessKeyCipher; account?: string; userName?: string; now?: Date },
): Promise<EnsuredAdminAccessKey> {
  const file = join(options.dataDir, ADMIN_CREDENTIALS_FILE);
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined) return { created: false, file, accessKeyId: /aws_access_key_id\s*=\s*(\S+)/.exec(existing)?.[1] ?? '' };
  const account = options.account ?? 'default';
  const principalId = options.userName ?? 'admin';
  const { accessKeyId, secretAccessKey } = issueAccessKey();
  const encryptedSecret = await options.cipher.encrypt(secretAccessKey, { accessKeyId, account });
  const metadata = { now: (options.now ?? new Date()).toISOString(), account, actor: 'system', correlationId: randomUUID() };
  await decideAndAppend(store, accessKeyDecider, accessKeyStream(accessKeyId), { type: 'CreateAccessKey', accessKeyId, principalId, encryptedSecret, metadata }, { principalExists: true });
  await mkdir(options.dataDir, { recursive: true });
  await writeFile(file, credentialsText(accessKeyId, secretAccessKey), { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return { created: true, file, accessKeyId };
}
