import { createHash } from 'node:crypto';
import type { AuditRecord, ChainedAuditRecord } from './audit-record';
import { canonicalJson } from './canonical-json';

/** Links a record to the trail: its hash covers every field and the previous record's hash. */
export function chainAuditRecord(previousHash: string | null, record: AuditRecord): ChainedAuditRecord {
  const linked = { ...withoutChainFields(record), previousHash };
  return { ...linked, hash: auditRecordHash(linked) };
}

export function auditRecordHash(record: AuditRecord & { previousHash: string | null; hash?: string }): string {
  const { hash: _hash, ...content } = record;
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

export type AuditChainVerification =
  | { ok: true; count: number }
  | { ok: false; brokenAt: number; reason: 'hash_mismatch' | 'previous_hash_mismatch'; explanation: string };

/**
 * Names the first broken link. A record changed in place breaks its own hash; a record deleted,
 * inserted or moved breaks the `previousHash` of the record after it. `previousHash` is where the
 * records start (null for the start of the trail, the last verified hash for a later page). A trail
 * cut at its end stays consistent: compare the last hash with one kept elsewhere to detect that.
 */
export function verifyAuditChain(records: readonly ChainedAuditRecord[], options: { previousHash?: string | null } = {}): AuditChainVerification {
  let expectedPrevious = options.previousHash ?? null;
  for (let index = 0; index < records.length; index++) {
    const record = records[index];
    if (auditRecordHash(record) !== record.hash) {
      return { ok: false, brokenAt: index, reason: 'hash_mismatch', explanation: `Record ${index} (${record.id}) was changed after it was recorded: its hash does not match its content.` };
    }
    if (record.previousHash !== expectedPrevious) {
      return {
        ok: false,
        brokenAt: index,
        reason: 'previous_hash_mismatch',
        explanation: `Record ${index} (${record.id}) does not follow the record before it: a record was deleted, inserted or moved there.`,
      };
    }
    expectedPrevious = record.hash;
  }
  return { ok: true, count: records.length };
}

function withoutChainFields(record: AuditRecord & { hash?: unknown; previousHash?: unknown }): AuditRecord {
  const { hash: _hash, previousHash: _previousHash, ...rest } = record;
  return rest;
}
