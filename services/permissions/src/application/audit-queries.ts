import { auditRecordOf, auditStreamOf, verifyAuditChain } from '@sluice/authz';
import type { EventStore } from '@sluice/eventing';
import { AccessDeniedError } from '@sluice/domain';
import type { AuditFilter, AuditPage } from '../projections/audit-read-model';
import type { PermissionsProjection } from '../projections/permissions-projection';
import type { Caller } from './caller';

export type BrokenLinkReason = 'hash_mismatch' | 'previous_hash_mismatch' | 'missing_records' | 'differs_from_checkpoint';

export interface AuditTrailVerification {
  account: string;
  ok: boolean;
  /** Records verified (those in the time range). */
  checked: number;
  lastHash: string | null;
  firstBrokenLink: { position: number; id: string | null; storePosition: string | null; reason: BrokenLinkReason; explanation: string } | null;
}

export class AuditQueries {
  constructor(
    private readonly store: EventStore,
    private readonly projection: PermissionsProjection,
  ) {}

  lookupAuditEvents(caller: Caller, filter: AuditFilter, first: number | null, after: string | null): AuditPage {
    return this.projection.audit.lookup(caller.account, filter, first, after);
  }

  /**
   * Reads the trail from the store (not the read model: tampering happens in the store), checks each
   * record's hash and link with `verifyAuditChain`, starting from the record before `from`. Then
   * compares with what this service saw appended, its checkpoint: a record the store no longer has
   * (cut off the end) or one rewritten with a recomputed hash is a broken link too.
   */
  async verifyAuditTrail(caller: Caller, account: string | null, from: Date | null, to: Date | null): Promise<AuditTrailVerification> {
    const trailAccount = account ?? caller.account;
    if (trailAccount !== caller.account) throw new AccessDeniedError(caller.actor, `The audit trail of account '${trailAccount}' can be verified only from that account.`);
    const events = await this.store.readStream(auditStreamOf(trailAccount));
    const records = events.map(auditRecordOf);
    const fromIso = from?.toISOString();
    const toIso = to?.toISOString();
    let start = 0;
    while (start < records.length && fromIso !== undefined && String(records[start]!.time) < fromIso) start++;
    let end = start;
    while (end < records.length && (toIso === undefined || String(records[end]!.time) <= toIso)) end++;
    const range = records.slice(start, end);
    const broken = (index: number, reason: BrokenLinkReason, explanation: string): AuditTrailVerification => ({
      account: trailAccount,
      ok: false,
      checked: range.length,
      lastHash: range.at(-1)?.hash ?? null,
      firstBrokenLink: { position: index, id: (records[index]?.id as string | undefined) ?? null, storePosition: events[index]?.position.toString() ?? null, reason, explanation },
    });

    const chain = verifyAuditChain(range, { previousHash: start > 0 ? records[start - 1]!.hash : null });
    if (!chain.ok) return broken(start + chain.brokenAt, chain.reason, chain.explanation);

    const seen = this.projection.audit.trail(trailAccount);
    for (let index = start; index < end; index++) {
      const known = seen[index];
      if (known && known.record.hash !== records[index]!.hash) {
        return broken(index, 'differs_from_checkpoint', `Record ${index} (${records[index]!.id}) was rewritten with a recomputed hash: it differs from the record this service saw appended.`);
      }
    }
    if (toIso === undefined && seen.length > records.length) {
      return broken(records.length, 'missing_records', `The trail ends at record ${records.length - 1} but ${seen.length} records were appended: records were removed from its end.`);
    }
    return { account: trailAccount, ok: true, checked: range.length, lastHash: range.at(-1)?.hash ?? null, firstBrokenLink: null };
  }
}
