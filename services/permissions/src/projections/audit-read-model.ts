import { accountOfAuditStream, AUDIT_OUTCOME_RECORDED, AUDIT_RECORDED, auditRecordOf, findAction, type ChainedAuditRecord, type DecisionKind } from '@sluice/authz';
import type { RecordedEvent } from '@sluice/eventing';
import { ValidationError } from '@sluice/domain';

export interface AuditFilter {
  /** A principal id: matches the original principal or the role it acted through. */
  principal?: string | null;
  /** A catalogue action; compared case-insensitively. */
  operation?: string | null;
  /** A resource name, exactly, or a prefix ending in `*`. */
  resource?: string | null;
  decision?: DecisionKind | null;
  /** Inclusive bounds on the record's time. */
  from?: Date | null;
  to?: Date | null;
  /** True: leave out the calls of read-only catalogue actions (they are most of a trail), denied ones included. */
  excludeReads?: boolean | null;
}

export interface StoredAuditRecord {
  /** Revision in the account's audit stream: the record's place in the chain. */
  revision: bigint;
  position: bigint;
  record: ChainedAuditRecord;
}

export interface AuditPage {
  records: StoredAuditRecord[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export const AUDIT_PAGE_SIZE = { default: 50, max: 500 } as const;

/**
 * Every audit record of every account, in chain order, as appended (and so as hashed). Also the
 * trail's checkpoint while the service runs: `lastHash` is what the store should still end with.
 */
export class AuditReadModel {
  private readonly trails = new Map<string, StoredAuditRecord[]>();
  // Per account, the attempt records whose outcome is recorded too: a lookup shows such a call once, by its outcome.
  private readonly concluded = new Map<string, Set<string>>();

  apply(event: RecordedEvent): void {
    const account = accountOfAuditStream(event.streamId);
    if (account === undefined || (event.type !== AUDIT_RECORDED && event.type !== AUDIT_OUTCOME_RECORDED)) return;
    let trail = this.trails.get(account);
    if (!trail) this.trails.set(account, (trail = []));
    const record = auditRecordOf(event);
    trail.push({ revision: event.revision, position: event.position, record });
    if (typeof record.resultOf === 'string') {
      let concluded = this.concluded.get(account);
      if (!concluded) this.concluded.set(account, (concluded = new Set()));
      concluded.add(record.resultOf);
    }
  }

  /** Every account's trail, accounts sorted: rebuilt and live copies compare deep-equal. */
  contents(): Map<string, StoredAuditRecord[]> {
    return new Map([...this.trails.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([account, trail]) => [account, [...trail]]));
  }

  trail(account: string): readonly StoredAuditRecord[] {
    return this.trails.get(account) ?? [];
  }

  /**
   * Newest first (the order an investigation reads in, like CloudTrail's LookupEvents). The cursor is
   * the chain revision of the last record returned, so pages stay stable while new records arrive. A call
   * recorded before it ran shows once: by its outcome record (`resultOf` names the attempt), or by its
   * attempt while no outcome is recorded. `verifyAuditTrail` checks every record of the chain.
   */
  lookup(account: string, filter: AuditFilter, first: number | null | undefined, after: string | null | undefined): AuditPage {
    const size = first ?? AUDIT_PAGE_SIZE.default;
    if (!Number.isInteger(size) || size < 1 || size > AUDIT_PAGE_SIZE.max) {
      throw new ValidationError([{ path: 'first', code: 'out_of_range', message: `first must be from 1 to ${AUDIT_PAGE_SIZE.max}.` }], 'The page is not valid');
    }
    const before = after === null || after === undefined ? undefined : revisionOfCursor(after);
    const matches = matcher(filter);
    const concluded = this.concluded.get(account);
    const trail = this.trail(account);
    const records: StoredAuditRecord[] = [];
    let index = before === undefined ? trail.length - 1 : Math.min(trail.length, Number(before)) - 1;
    for (; index >= 0 && records.length <= size; index--) {
      const stored = trail[index]!;
      if (concluded?.has(stored.record.id)) continue;
      if (matches(stored.record)) records.push(stored);
    }
    const hasNextPage = records.length > size;
    const page = records.slice(0, size);
    return { records: page, hasNextPage, endCursor: page.length > 0 ? auditCursorOf(page[page.length - 1]!.revision) : null };
  }
}

function matcher(filter: AuditFilter): (record: ChainedAuditRecord) => boolean {
  const operation = filter.operation?.toLowerCase();
  const resource = filter.resource ?? undefined;
  const resourcePrefix = resource?.endsWith('*') ? resource.slice(0, -1) : undefined;
  const from = filter.from?.toISOString();
  const to = filter.to?.toISOString();
  return (record) =>
    (!filter.principal || record.principal.id === filter.principal || record.viaRole?.id === filter.principal) &&
    (!operation || record.operation.toLowerCase() === operation) &&
    (!resource || (resourcePrefix !== undefined ? record.resource.startsWith(resourcePrefix) : record.resource === resource)) &&
    (!filter.decision || record.decision === filter.decision) &&
    (!filter.excludeReads || findAction(record.operation)?.readOnly !== true) &&
    // ISO instants of one format compare as strings.
    (!from || record.time >= from) &&
    (!to || record.time <= to);
}

/** The cursor after a record: pass it as `after` to read the records older than it. */
export const auditCursorOf = (revision: bigint) => Buffer.from(`audit:${revision}`).toString('base64url');

function revisionOfCursor(cursor: string): bigint {
  const match = /^audit:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new ValidationError([{ path: 'after', code: 'invalid_cursor', message: 'after is not a cursor returned by lookupAuditEvents.' }], 'The page is not valid', 'INVALID_CURSOR');
  return BigInt(match[1]!);
}
