import { createHash } from 'node:crypto';
import { type AuditChainKey, auditMac } from './audit-chain-key';
import { type AuditRecord, type ChainedAuditRecord, KEYED_CHAIN } from './audit-record';
import { canonicalJson } from './canonical-json';

/** Links a record to the trail: its hash, keyed, covers every field and the previous record's hash. */
export function chainAuditRecord(previousHash: string | null, record: AuditRecord, key: AuditChainKey): ChainedAuditRecord {
  const linked = { ...withoutChainFields(record), chain: KEYED_CHAIN, previousHash };
  return { ...linked, hash: auditMac(key, canonicalJson(linked)) };
}

/**
 * The hash a record should carry: HMAC-SHA256 under `key` for a keyed record, plain SHA-256 for one from
 * before the chain was keyed (the caller decides whether such a record may stand where it is).
 */
export function auditRecordHash(record: AuditRecord & { chain?: string; previousHash: string | null; hash?: string }, key: AuditChainKey): string {
  const { hash: _hash, ...content } = record;
  const text = canonicalJson(content);
  return record.chain === KEYED_CHAIN ? auditMac(key, text) : createHash('sha256').update(text, 'utf8').digest('hex');
}

export type AuditChainVerification =
  | { ok: true; count: number }
  | { ok: false; brokenAt: number; reason: 'hash_mismatch' | 'previous_hash_mismatch'; explanation: string };

export interface VerifyAuditChainOptions {
  key: AuditChainKey;
  /** Where the records start: null for the start of the trail, else the hash of the record before them. */
  previousHash?: string | null;
  /** The place in the trail of the first record given (0 = the start of the trail), for `legacyEnd`. */
  firstIndex?: number;
  /**
   * The records before this place in the trail were written before the chain was keyed and verify as plain
   * SHA-256; from it on, a record must be keyed. Kept outside the store (decision 0028). Default 0.
   */
  legacyEnd?: number;
}

/**
 * Names the first broken link. A record changed in place breaks its own hash, also when its hash was
 * recomputed without the key; a record deleted, inserted or moved breaks the `previousHash` of the record
 * after it. A trail cut at its end stays consistent: compare the last hash with a checkpoint kept elsewhere.
 * `brokenAt` counts from the first record given.
 */
export function verifyAuditChain(records: readonly ChainedAuditRecord[], options: VerifyAuditChainOptions): AuditChainVerification {
  let expectedPrevious = options.previousHash ?? null;
  const firstIndex = options.firstIndex ?? 0;
  const legacyEnd = options.legacyEnd ?? 0;
  for (let index = 0; index < records.length; index++) {
    const record = records[index];
    const position = firstIndex + index;
    if (record.chain !== KEYED_CHAIN && position >= legacyEnd) {
      return {
        ok: false,
        brokenAt: index,
        reason: 'hash_mismatch',
        explanation: `Record ${position} (${record.id}) is not keyed with the audit key, but the trail is keyed from record ${legacyEnd} on: it was written or rewritten by someone without the key.`,
      };
    }
    if (auditRecordHash(record, options.key) !== record.hash) {
      return { ok: false, brokenAt: index, reason: 'hash_mismatch', explanation: `Record ${position} (${record.id}) was changed after it was recorded: its hash does not match its content under the audit key.` };
    }
    if (record.previousHash !== expectedPrevious) {
      return {
        ok: false,
        brokenAt: index,
        reason: 'previous_hash_mismatch',
        explanation: `Record ${position} (${record.id}) does not follow the record before it: a record was deleted, inserted or moved there.`,
      };
    }
    expectedPrevious = record.hash;
  }
  return { ok: true, count: records.length };
}

/** Where a trail's unkeyed records end: the place of its first keyed record, else its length (decision 0028's migration mark). */
export function legacyEndOf(records: readonly Pick<ChainedAuditRecord, 'chain'>[]): number {
  const firstKeyed = records.findIndex((record) => record.chain === KEYED_CHAIN);
  return firstKeyed < 0 ? records.length : firstKeyed;
}

function withoutChainFields(record: AuditRecord & { hash?: unknown; previousHash?: unknown; chain?: unknown }): AuditRecord {
  const { hash: _hash, previousHash: _previousHash, chain: _chain, ...rest } = record;
  return rest;
}
