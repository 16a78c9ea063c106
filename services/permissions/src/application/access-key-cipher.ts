import { NotConfiguredError } from '@sluice/domain';
import { aesGcmMasterKeyCipher, MASTER_KEY_ENV, MASTER_KEY_FILE, masterKeyCipherFromEnv, MasterKeyNotConfigured, type MasterKeyCipher } from '@sluice/runtime';

/** The environment variable holding the access-key master key: 32 bytes, base64 or hex. */
export const ACCESS_KEY_MASTER_KEY_ENV = MASTER_KEY_ENV;
/** Else this file in SLUICE_DATA_DIR (created 0600 on first use). */
export const ACCESS_KEY_MASTER_KEY_FILE = MASTER_KEY_FILE;

/**
 * SigV4 is symmetric: the server needs each secret access key to check a signature, so it cannot keep only a hash
 * as it does for tokens. Secrets are stored AES-256-GCM-encrypted under the server's master key (`@sluice/runtime`'s
 * `master-key-cipher.ts`, which also seals webhook secrets), which never enters the event store, bound (as associated
 * data) to their key id and account, so a ciphertext copied onto another key does not decrypt.
 */
export interface AccessKeyCipher {
  encrypt(secret: string, binding: { accessKeyId: string; account: string }): Promise<string>;
  decrypt(encrypted: string, binding: { accessKeyId: string; account: string }): Promise<string>;
}

const aad = ({ accessKeyId, account }: { accessKeyId: string; account: string }) => `${account}\u0000${accessKeyId}`;

function accessKeyCipherOf(cipher: MasterKeyCipher): AccessKeyCipher {
  const named = <T>(attempt: Promise<T>): Promise<T> =>
    attempt.catch((error: unknown) => {
      if (!(error instanceof MasterKeyNotConfigured)) throw error;
      throw new NotConfiguredError(error.settings, `Access keys are not set up on this server: its operator sets ${MASTER_KEY_ENV} (32 bytes, base64 or hex) or SLUICE_DATA_DIR (the key is then kept in ${MASTER_KEY_FILE} there)`);
    });
  return {
    encrypt: (secret, binding) => named(cipher.seal(secret, aad(binding))),
    decrypt: (encrypted, binding) => named(cipher.open(encrypted, aad(binding))),
  };
}

/** A cipher over a 32-byte key; `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export function aesGcmCipher(masterKey: Buffer): AccessKeyCipher {
  return accessKeyCipherOf(aesGcmMasterKeyCipher(masterKey));
}

/**
 * The master key from SLUICE_ACCESS_KEY_MASTER_KEY, else `access-key-master-key` in `options.dataDir` or SLUICE_DATA_DIR (created 0600 when
 * missing), read on first use: a deployment without access keys needs neither. Without both, using access keys fails
 * naming the two ways to configure it.
 */
export function accessKeyCipherFromEnv(env: NodeJS.ProcessEnv, options: { dataDir?: string } = {}): AccessKeyCipher {
  return accessKeyCipherOf(masterKeyCipherFromEnv(env, options));
}
