import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ACCESS_KEY_MASTER_KEY_ENV, ACCESS_KEY_MASTER_KEY_FILE, accessKeyCipherFromEnv, aesGcmCipher } from './access-key-cipher';

const binding = { accessKeyId: 'AKIAABCDEFGHIJKLMNOP', account: 'acme' };

describe('access key cipher', () => {
  it('round-trips a secret, never storing it in clear, and refuses it bound to another key or account', async () => {
    const cipher = aesGcmCipher(randomBytes(32));
    const encrypted = await cipher.encrypt('s3cr3t/with+chars', binding);
    expect(encrypted).toMatch(/^v1\./);
    expect(encrypted).not.toContain('s3cr3t');
    expect(await cipher.decrypt(encrypted, binding)).toBe('s3cr3t/with+chars');
    await expect(cipher.decrypt(encrypted, { ...binding, accessKeyId: 'AKIAZZZZZZZZZZZZZZZZ' })).rejects.toThrow();
    await expect(cipher.decrypt(encrypted, { ...binding, account: 'other' })).rejects.toThrow();
    await expect(aesGcmCipher(randomBytes(32)).decrypt(encrypted, binding)).rejects.toThrow();
  });

  it('creates the master key file 0600 in the data folder once and reads it back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-cipher-'));
    try {
      const first = accessKeyCipherFromEnv({}, { dataDir });
      const encrypted = await first.encrypt('abc', binding);
      const file = join(dataDir, ACCESS_KEY_MASTER_KEY_FILE);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const key = readFileSync(file, 'utf8');
      expect(await accessKeyCipherFromEnv({ SLUICE_DATA_DIR: dataDir }).decrypt(encrypted, binding)).toBe('abc');
      expect(readFileSync(file, 'utf8')).toBe(key);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('takes the key from the environment, and names the variable when it is malformed or nothing is configured', async () => {
    const key = randomBytes(32);
    const encrypted = await aesGcmCipher(key).encrypt('abc', binding);
    expect(await accessKeyCipherFromEnv({ [ACCESS_KEY_MASTER_KEY_ENV]: key.toString('hex') }).decrypt(encrypted, binding)).toBe('abc');
    await expect(accessKeyCipherFromEnv({ [ACCESS_KEY_MASTER_KEY_ENV]: 'c2hvcnQ=' }).encrypt('x', binding)).rejects.toThrow(/SLUICE_ACCESS_KEY_MASTER_KEY: .*32 bytes/);
    // Not a fault of the server (a 500): a setting its operator makes, named (SERVICE_UNAVAILABLE at the edge).
    await expect(accessKeyCipherFromEnv({}).encrypt('x', binding)).rejects.toThrow(/operator sets SLUICE_ACCESS_KEY_MASTER_KEY .* or SLUICE_DATA_DIR/);
    await expect(accessKeyCipherFromEnv({}).encrypt('x', binding)).rejects.toMatchObject({ name: 'NotConfiguredError', settings: ['SLUICE_ACCESS_KEY_MASTER_KEY', 'SLUICE_DATA_DIR'] });
  });
});
