import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { auditDataDirOf } from '@sluice/authz';
import type { EventStoreConfig } from '@sluice/runtime';

/** The last record of an account's trail that verified whole, as `verifyAuditTrail` left it. */
export interface AuditCheckpoint {
  /** Its place in the chain (0 = first). */
  position: number;
  hash: string;
  verifiedAt: string;
}

/**
 * What the verifier keeps outside the event store (decision 0028), so that a trail rewritten or cut while the
 * service was down is still caught after a restart: per account, the last verified record, and where the
 * records from before the chain was keyed end (marked once, at the first start with the keyed chain).
 */
export interface AuditCheckpoints {
  /** Where `account`'s unkeyed records end: 0 for an account that had none when the mark was made. */
  legacyEnd(account: string): Promise<number>;
  /** Marks the ends of the unkeyed records, once: a mark already made is kept as it is. */
  markLegacyEnds(ends: ReadonlyMap<string, number>, at: Date): Promise<void>;
  read(account: string): Promise<AuditCheckpoint | undefined>;
  write(account: string, checkpoint: AuditCheckpoint): Promise<void>;
}

interface LegacyMark {
  markedAt: string;
  legacyEnds: Record<string, number>;
}

/**
 * In `dir`: `legacy.json` (the migration mark, written once) and one `{account}.json` per account, each
 * replaced whole (written aside, then renamed), mode 0600. Account ids are lowercase letters, digits and "-".
 */
export function fileAuditCheckpoints(dir: string): AuditCheckpoints {
  const file = (name: string) => join(dir, name);
  const accountFile = (account: string) => {
    if (!/^[a-z0-9-]+$/.test(account)) throw new RangeError(`'${account}' is not an account id`);
    return file(`${account}.json`);
  };
  let mark: Promise<LegacyMark | undefined> | undefined;
  const readMark = () => (mark ??= readJson<LegacyMark>(file('legacy.json')));
  return {
    async legacyEnd(account) {
      const ends = (await readMark())?.legacyEnds ?? {};
      return Object.hasOwn(ends, account) ? ends[account]! : 0;
    },
    async markLegacyEnds(ends, at) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const legacyEnds: Record<string, number> = {};
      for (const [account, end] of ends) if (end > 0) Object.defineProperty(legacyEnds, account, { value: end, enumerable: true });
      try {
        await writeFile(file('legacy.json'), `${JSON.stringify({ markedAt: at.toISOString(), legacyEnds } satisfies LegacyMark, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      mark = undefined;
    },
    read: (account) => readJson<AuditCheckpoint>(accountFile(account)),
    async write(account, checkpoint) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const target = accountFile(account);
      const aside = `${target}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(aside, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
      await rename(aside, target);
    },
  };
}

/** For tests: the same, in memory (lost with the process, so not what a service runs with). */
export function inMemoryAuditCheckpoints(): AuditCheckpoints & { contents(): Map<string, AuditCheckpoint> } {
  let legacy: Map<string, number> | undefined;
  const checkpoints = new Map<string, AuditCheckpoint>();
  return {
    legacyEnd: async (account) => legacy?.get(account) ?? 0,
    async markLegacyEnds(ends) {
      legacy ??= new Map([...ends].filter(([, end]) => end > 0));
    },
    read: async (account) => checkpoints.get(account),
    write: async (account, checkpoint) => void checkpoints.set(account, checkpoint),
    contents: () => new Map(checkpoints),
  };
}

/**
 * The checkpoints of the store `eventStore` names, in the data folder: `audit-checkpoints/{store}` where
 * `{store}` is a digest of the store's address (credentials left out), so one data folder used with several
 * stores keeps their trails apart.
 */
export function auditCheckpointsFromEnv(env: NodeJS.ProcessEnv, eventStore: EventStoreConfig, options: { dataDir?: string } = {}): AuditCheckpoints {
  return fileAuditCheckpoints(join(auditDataDirOf(env, options), 'audit-checkpoints', storeDigest(eventStore)));
}

function storeDigest(config: EventStoreConfig): string {
  const address = (() => {
    switch (config.kind) {
      case 'embedded':
        return `embedded ${resolve(config.dataDir)}`;
      case 'postgres':
        return `postgres ${withoutCredentials(config.connectionString)} ${config.schema}`;
      case 'eventstoredb':
        return `eventstoredb ${withoutCredentials(config.connectionString)}`;
    }
  })();
  return createHash('sha256').update(address).digest('hex').slice(0, 16);
}

function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
