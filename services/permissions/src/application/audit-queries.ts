import { type AuditChainKeySource, auditRecordOf, auditStreamOf, verifyAuditChain } from '@sluice/authz';
import type { EventStore } from '@sluice/eventing';
import { AccessDeniedError } from '@sluice/domain';
import type { AuditFilter, AuditPage } from '../projections/audit-read-model';
import type { PermissionsProjection } from '../projections/permissions-projection';
import type { AuditCheckpoints } from './audit-checkpoints';
import type { Caller, Clock } from './caller';

export type BrokenLinkReason = 'hash_mismatch' | 'previous_hash_mismatch' | 'missing_records' | 'differs_from_checkpoint';

export interface AuditTrailVerification {
  account: string;
  ok: boolean;
  /** Records verified (those in the time range). */
  checked: number;
  lastHash: string | null;
  firstBrokenLink: { position: number; id: string | null; storePosition: string | null; reason: BrokenLinkReason; explanation: string } | null;
}

/** What verification needs beyond the store (decision 0028): the chain's key and the checkpoints, both kept outside it. */
export interface AuditTrailKeeping {
  key: AuditChainKeySource;
  checkpoints: AuditCheckpoints;
}

/**
 * At the service's start (its projection caught up), once per store: where each account's records from before
 * the keyed chain end. From then on an unkeyed record anywhere else is a broken link, so a trail rewritten
 * "as if old" by someone without the key is caught too (decision 0028).
 */
export async function markLegacyAuditEnds(projection: PermissionsProjection, checkpoints: AuditCheckpoints, now: Date): Promise<void> {
  await checkpoints.markLegacyEnds(await projection.audit.legacyEnds(), now);
}

export class AuditQueries {
  constructor(
    private readonly store: EventStore,
    private readonly projection: PermissionsProjection,
    private readonly keeping: AuditTrailKeeping,
    private readonly clock: Clock,
  ) {}

  lookupAuditEvents(caller: Caller, filter: AuditFilter, first: number | null, after: string | null): Promise<AuditPage> {
    return this.projection.audit.lookup(caller.account, filter, first, after);
  }

  /**
   * Reads the trail from the store (not the read model: tampering happens in the store), checks each
   * record's keyed hash and link with `verifyAuditChain`, starting from the record before `from`. Then
   * compares with what this service saw appended and with the durable checkpoint of the last whole
   * verification (kept outside the store, so it outlives a restart): a record the store no longer has
   * (cut off the end) or one that differs from what was verified is a broken link too. A whole trail that
   * verifies moves the checkpoint to its end.
   */
  async verifyAuditTrail(caller: Caller, account: string | null, from: Date | null, to: Date | null): Promise<AuditTrailVerification> {
    const trailAccount = account ?? caller.account;
    if (trailAccount !== caller.account) throw new AccessDeniedError(caller.actor, `The audit trail of account '${trailAccount}' can be verified only from that account.`);
    const [key, legacyEnd, checkpoint] = await Promise.all([this.keeping.key(), this.keeping.checkpoints.legacyEnd(trailAccount), this.keeping.checkpoints.read(trailAccount)]);
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

    const chain = verifyAuditChain(range, { key, previousHash: start > 0 ? records[start - 1]!.hash : null, firstIndex: start, legacyEnd });
    if (!chain.ok) return broken(start + chain.brokenAt, chain.reason, chain.explanation);

    const [seen, seenCount] = await Promise.all([this.projection.audit.hashes(trailAccount, start, end), this.projection.audit.count(trailAccount)]);
    for (let index = start; index < end; index++) {
      const known = seen.get(index);
      if (known !== undefined && known !== records[index]!.hash) {
        return broken(index, 'differs_from_checkpoint', `Record ${index} (${records[index]!.id}) was rewritten with a recomputed hash: it differs from the record this service saw appended.`);
      }
    }
    if (toIso === undefined && seenCount > records.length) {
      return broken(records.length, 'missing_records', `The trail ends at record ${records.length - 1} but ${seenCount} records were appended: records were removed from its end.`);
    }
    if (checkpoint) {
      if (checkpoint.position >= records.length) {
        if (toIso === undefined) {
          return broken(records.length, 'missing_records', `The trail ends at record ${records.length - 1} but record ${checkpoint.position} was verified on ${checkpoint.verifiedAt}: records were removed from its end.`);
        }
      } else if (checkpoint.position >= start && checkpoint.position < end && records[checkpoint.position]!.hash !== checkpoint.hash) {
        return broken(checkpoint.position, 'differs_from_checkpoint', `Record ${checkpoint.position} (${records[checkpoint.position]!.id}) differs from the record verified there on ${checkpoint.verifiedAt}: the trail was rewritten.`);
      }
    }
    if (fromIso === undefined && toIso === undefined && records.length > 0 && records.length - 1 >= (checkpoint?.position ?? -1)) {
      await this.keeping.checkpoints.write(trailAccount, { position: records.length - 1, hash: records.at(-1)!.hash, verifiedAt: this.clock().toISOString() });
    }
    return { account: trailAccount, ok: true, checked: range.length, lastHash: range.at(-1)?.hash ?? null, firstBrokenLink: null };
  }
}
