import { NotConfiguredError } from '@sluice/domain';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';

/** The environment variable holding the access-key master key: 32 bytes, base64 or hex. */
export const ACCESS_KEY_MASTER_KEY_ENV = 'SLUICE_ACCESS_KEY_MASTER_KEY';
/** Else this file in SLUICE_DATA_DIR (created 0600 on first use). */
export const ACCESS_KEY_MASTER_KEY_FILE = 'access-key-master-key';

/**
 * SigV4 is symmetric: the server needs each secret access key to check a signature, so it cannot keep only a hash
 * as it does for tokens. Secrets are stored AES-256-GCM-encrypted under a master key that never enters the event store,
 * bound (as associated data) to their key id and account, so a ciphertext copied onto another key does not decrypt.
 */
export interface AccessKeyCipher {
  encrypt(secret: string, binding: { accessKeyId: string; account: string }): Promise<string>;
  decrypt(encrypted: string, binding: { accessKeyId: string; account: string }): Promise<string>;
}

const aad = ({ accessKeyId, account }: { accessKeyId: string; account: string }) => Buffer.from(`${account}\u0000${accessKeyId}`, 'utf8');

function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new RangeError(`${source}: the access-key master key must be 32 bytes, base64 or hex (got ${key.length} bytes)`);
  return key;
}

/** A cipher over a 32-byte key; `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export function aesGcmCipher(masterKey: Buffer): AccessKeyCipher {
  if (masterKey.length !== 32) throw new RangeError('the access-key master key must be 32 bytes');
  return {
    async encrypt(secret, binding) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', masterKey, iv).setAAD(aad(binding));
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    },
    async decrypt(encrypted, binding) {
      const [version, iv, tag, body] = encrypted.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('an access key secret is stored in an unknown format');
      const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64url')).setAAD(aad(binding));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The master key from SLUICE_ACCESS_KEY_MASTER_KEY, else `access-key-master-key` in `options.dataDir` or SLUICE_DATA_DIR (created 0600 when
 * missing), read on first use: a deployment without access keys needs neither. Without both, using access keys fails
 * naming the two ways to configure it.
 */
export function accessKeyCipherFromEnv(env: NodeJS.ProcessEnv, options: { dataDir?: string } = {}): AccessKeyCipher {
  let loaded: Promise<AccessKeyCipher> | undefined;
  const load = async (): Promise<AccessKeyCipher> => {
    const fromEnv = env[ACCESS_KEY_MASTER_KEY_ENV];
    if (fromEnv) return aesGcmCipher(parseMasterKey(fromEnv, ACCESS_KEY_MASTER_KEY_ENV));
    const dataDir = options.dataDir ?? env.SLUICE_DATA_DIR;
    if (!dataDir) throw new NotConfiguredError([ACCESS_KEY_MASTER_KEY_ENV, 'SLUICE_DATA_DIR'], `Access keys are not set up on this server: its operator sets ${ACCESS_KEY_MASTER_KEY_ENV} (32 bytes, base64 or hex) or SLUICE_DATA_DIR (the key is then kept in ${ACCESS_KEY_MASTER_KEY_FILE} there)`);
    const file = join(dataDir, ACCESS_KEY_MASTER_KEY_FILE);
    const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (existing !== undefined) return aesGcmCipher(parseMasterKey(existing, file));
    const key = randomBytes(32);
    await mkdir(dirname(file), { recursive: true });
    // 'wx': two processes creating it at once cannot both win; the loser reads the winner's.
    try {
      await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      await chmod(file, 0o600);
      return aesGcmCipher(key);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return aesGcmCipher(parseMasterKey(await readFile(file, 'utf8'), file));
    }
  };
  const cipher = () => (loaded ??= load().catch((error: unknown) => {
    loaded = undefined;
    throw error;
  }));
  return {
    encrypt: async (secret, binding) => (await cipher()).encrypt(secret, binding),
    decrypt: async (encrypted, binding) => (await cipher()).decrypt(encrypted, binding),
  };
}
