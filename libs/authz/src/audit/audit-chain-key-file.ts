// With audit-stream.ts, the only module of @sluice/authz that does I/O: the audit chain key lives in a file
// of the data folder, outside the event store, so that whoever can rewrite the store cannot re-key the chain.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AUDIT_CHAIN_KEY_BYTES, type AuditChainKey, parseAuditChainKey } from './audit-chain-key';

/** The environment variable holding the key: at least 32 bytes, base64 or hex. Set it where processes share no data folder. */
export const AUDIT_KEY_ENV = 'SLUICE_AUDIT_KEY';
/** Else this file in the data folder, created (mode 0600) on first use. */
export const AUDIT_KEY_FILE = 'audit-chain-key';

/** Where a process's key comes from, read once on first use and then kept. */
export type AuditChainKeySource = () => Promise<AuditChainKey>;

/** The data folder the key file is in: `options.dataDir`, else SLUICE_DATA_DIR, else ./.sluice (as libs/runtime), made absolute. */
export function auditDataDirOf(env: NodeJS.ProcessEnv, options: { dataDir?: string } = {}): string {
  return resolve(options.dataDir ?? (env.SLUICE_DATA_DIR?.trim() || './.sluice'));
}

/**
 * SLUICE_AUDIT_KEY, else `audit-chain-key` in the data folder: created with 32 random bytes when missing
 * (two processes creating it at once agree: the loser of the exclusive create reads the winner's), refused
 * when others than its owner may read it. A failed load is retried at the next use.
 */
export function auditChainKeyFromEnv(env: NodeJS.ProcessEnv, options: { dataDir?: string } = {}): AuditChainKeySource {
  let loaded: Promise<AuditChainKey> | undefined;
  const load = async (): Promise<AuditChainKey> => {
    const fromEnv = env[AUDIT_KEY_ENV];
    if (fromEnv?.trim()) return parseAuditChainKey(fromEnv, AUDIT_KEY_ENV);
    const dataDir = auditDataDirOf(env, options);
    const file = join(dataDir, AUDIT_KEY_FILE);
    const existing = await readKeyFile(file);
    if (existing !== undefined) return existing;
    await mkdir(dataDir, { recursive: true });
    const bytes = randomBytes(AUDIT_CHAIN_KEY_BYTES);
    try {
      await writeFile(file, `${bytes.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      await chmod(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // Read back what is on disk: another process may have won the create.
    const created = await readKeyFile(file);
    if (!created) throw new Error(`${file}: the audit chain key could not be created`);
    return created;
  };
  return () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
}

async function readKeyFile(file: string, attempt = 1): Promise<AuditChainKey | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // A key others can read is no secret: refuse it rather than sign with it.
  const { mode } = await stat(file);
  if ((mode & 0o077) !== 0) throw new Error(`${file}: the audit chain key may be read by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
  // The other process may be between its create and its write: an empty file is not a key yet.
  if (text.trim() === '') {
    if (attempt >= 50) throw new Error(`${file}: the audit chain key file is empty; remove it to have a new key made (records signed with the old key then no longer verify)`);
    await new Promise((r) => setTimeout(r, 20));
    return readKeyFile(file, attempt + 1);
  }
  return parseAuditChainKey(text, file);
}

let processKey: AuditChainKeySource | undefined;

/** The key of this process: `auditChainKeyFromEnv(process.env)`, made once, so every writer of the process signs alike. */
export function processAuditChainKey(): AuditChainKeySource {
  return (processKey ??= auditChainKeyFromEnv(process.env));
}

/**
 * For a composition root whose data folder is not SLUICE_DATA_DIR (the embedded platform started with a
 * config): makes `source` the process's key, before anything writes to the trail.
 */
export function useProcessAuditChainKey(source: AuditChainKeySource): void {
  processKey = source;
}

/** A key source that always answers `key` (tests, and processes that load the key themselves). */
export function fixedAuditChainKey(key: AuditChainKey): AuditChainKeySource {
  return () => Promise.resolve(key);
}
