import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_KEY_FILE, auditChainKeyFromEnv } from './audit-chain-key-file';

describe('the audit chain key, kept outside the event store', () => {
  let dir: string;
  beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), 'sluice-audit-key-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('is made once in the data folder, mode 0600, and read back the same by every loader at once', async () => {
    const keys = await Promise.all(Array.from({ length: 5 }, () => auditChainKeyFromEnv({}, { dataDir: dir })()));
    expect(new Set(keys.map((key) => key.fingerprint)).size).toBe(1);
    expect((await stat(join(dir, AUDIT_KEY_FILE))).mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(join(dir, AUDIT_KEY_FILE), 'utf8')).trim(), 'base64')).toHaveLength(32);
    expect((await auditChainKeyFromEnv({ SLUICE_DATA_DIR: dir })()).fingerprint).toBe(keys[0]!.fingerprint);
  });

  it('comes from SLUICE_AUDIT_KEY first, and refuses a short one naming the variable', async () => {
    const fromEnv = await auditChainKeyFromEnv({ SLUICE_AUDIT_KEY: 'ab'.repeat(32) }, { dataDir: dir })();
    await expect(stat(join(dir, AUDIT_KEY_FILE))).rejects.toThrow();
    expect(fromEnv.fingerprint).not.toBe((await auditChainKeyFromEnv({}, { dataDir: dir })()).fingerprint);
    await expect(auditChainKeyFromEnv({ SLUICE_AUDIT_KEY: 'c2hvcnQ=' })()).rejects.toThrow(/SLUICE_AUDIT_KEY: the audit chain key must be at least 32 bytes/);
  });

  it('refuses a key file others may read', async () => {
    const file = join(dir, AUDIT_KEY_FILE);
    await writeFile(file, `${Buffer.alloc(32, 3).toString('base64')}\n`);
    await chmod(file, 0o644);
    await expect(auditChainKeyFromEnv({}, { dataDir: dir })()).rejects.toThrow(/may be read by others \(mode 644\); chmod 600 it/);
  });
});
