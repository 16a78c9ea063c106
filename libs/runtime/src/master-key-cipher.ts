import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Env } from './runtime-config';

/**
 * The server's master key: the same one that seals access-key secrets (services/permissions `access-key-cipher.ts`,
 * same variable, same file), so an operator keeps one key. 32 bytes, base64 or hex.
 */
export const MASTER_KEY_ENV = 'SLUICE_ACCESS_KEY_MASTER_KEY';
/** Else this file in SLUICE_DATA_DIR (created 0600 on first use). */
export const MASTER_KEY_FILE = 'access-key-master-key';

/**
 * Secrets the server must read back (a webhook's HMAC secret: verifying a signature needs the secret itself, a hash
 * is not enough) sealed with AES-256-GCM under the master key; `binding` is the associated data, so a sealed value
 * copied onto another resource does not open. Sealed form: `v1.<iv>.<tag>.<ciphertext>` in base64url.
 */
export interface MasterKeyCipher {
  seal(secret: string, binding: string): Promise<string>;
  open(sealed: string, binding: string): Promise<string>;
}

/** Thrown when neither the variable nor a data folder is set: the caller says it as "not configured". */
export class MasterKeyNotConfigured extends Error {
  override readonly name = 'MasterKeyNotConfigured';
  readonly settings = [MASTER_KEY_ENV, 'SLUICE_DATA_DIR'];
}

function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new RangeError(`${source}: the master key must be 32 bytes, base64 or hex (got ${key.length} bytes)`);
  return key;
}

export function aesGcmMasterKeyCipher(masterKey: Buffer): MasterKeyCipher {
  if (masterKey.length !== 32) throw new RangeError('the master key must be 32 bytes');
  return {
    async seal(secret, binding) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', masterKey, iv).setAAD(Buffer.from(binding, 'utf8'));
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    },
    async open(sealed, binding) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('a sealed secret is stored in an unknown format');
      const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(binding, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The master key from SLUICE_ACCESS_KEY_MASTER_KEY, else `access-key-master-key` in `options.dataDir` or
 * SLUICE_DATA_DIR (created 0600 when missing, as the permissions service does), read on first use.
 */
export function masterKeyCipherFromEnv(env: Env, options: { dataDir?: string } = {}): MasterKeyCipher {
  let loaded: Promise<MasterKeyCipher> | undefined;
  const fromEnv = env[MASTER_KEY_ENV];
  const dataDir = options.dataDir ?? env.SLUICE_DATA_DIR;
  const load = async (): Promise<MasterKeyCipher> => {
    if (fromEnv) return aesGcmMasterKeyCipher(parseMasterKey(fromEnv, MASTER_KEY_ENV));
    if (!dataDir) throw new MasterKeyNotConfigured(`This server has no master key: its operator sets ${MASTER_KEY_ENV} (32 bytes, base64 or hex) or SLUICE_DATA_DIR (the key is then kept in ${MASTER_KEY_FILE} there)`);
    const file = join(dataDir, MASTER_KEY_FILE);
    const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (existing !== undefined) return aesGcmMasterKeyCipher(parseMasterKey(existing, file));
    const key = randomBytes(32);
    await mkdir(dirname(file), { recursive: true });
    try {
      await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      await chmod(file, 0o600);
      return aesGcmMasterKeyCipher(key);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return aesGcmMasterKeyCipher(parseMasterKey(await readFile(file, 'utf8'), file));
    }
  };
  const cipher = () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
  return {
    seal: async (secret, binding) => (await cipher()).seal(secret, binding),
    open: async (sealed, binding) => (await cipher()).open(sealed, binding),
  };
}
