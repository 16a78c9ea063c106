import { randomUUID } from 'node:crypto';
import { accountResourceName, auditIdentity, type AuditRecord, type Principal, type PrincipalRef } from '@sluice/authz';
import { ANONYMOUS_AUDIT_ACCOUNT, AUTHENTICATE_OPERATION, type CallOrigin } from './audit-recorder';

/** Operation recorded for requests refused by a limit (rate, query cost, connections), or a right the gateway itself checks. */
export const ADMIT_OPERATION = 'sluice:AdmitRequest';

export type RefusalCode = 'UNAUTHENTICATED' | 'RATE_LIMITED' | 'QUERY_TOO_COMPLEX' | 'TOO_MANY_CONNECTIONS' | 'TOO_MANY_SUBSCRIPTIONS' | 'FORBIDDEN' | 'BAD_REQUEST';

/** One refused request, as the caller was answered. */
export interface Refusal {
  code: RefusalCode;
  /** Where it came in: `/graphql`, `graphql-ws`, `/aws`, `/webhooks`, `/artifacts`, `/metrics`. */
  surface: string;
  /** A short reason that holds nothing of the request (a fixed sentence, an AWS error type): part of the tally's key. */
  reason: string;
  /** What the caller was told; the first of a period is kept with the count. */
  message: string;
}

interface Tally {
  refusal: Refusal;
  sourceIp: string | null;
  principal: Pick<AuditRecord, 'principal' | 'viaRole'> | undefined;
  count: number;
  first: CallOrigin;
  lastAt: Date;
  period: number;
}

const MAX_REASON = 120;
const MAX_MESSAGE = 300;

/**
 * The stable part of a refusal message, for the tally's key: up to the first sentence end, quote, digit or second
 * colon (`InvalidSignatureException: Signature expired: 20250101T…` → `InvalidSignatureException: Signature expired`).
 */
export function stableReason(message: string): string {
  const colon = message.indexOf(': ');
  const head = colon < 0 ? '' : message.slice(0, colon + 2);
  const rest = colon < 0 ? message : message.slice(colon + 2);
  return `${head}${rest.split(/[.'"\d]|: /, 1)[0]!}`.trim().slice(0, MAX_REASON);
}

/**
 * Refused and unauthenticated requests, counted per source (the principal when known, else the address), reason and
 * period (`flushMs`, a minute by default), and written as ONE audit record per key when the period is over (and on
 * `stop`): a flood of refusals costs a counter, never a record each. At most `maxKeys` keys are held; refusals beyond
 * are counted in one overflow record. Allowed calls are not counted here: they keep their one record per call.
 */
export class RefusalTally {
  private readonly tallies = new Map<string, Tally>();
  private readonly overflow = new Map<number, { count: number; first: Date; last: Date }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private written = 0;

  constructor(
    private readonly options: {
      flushMs: number;
      maxKeys: number;
      /** Appends one record to the audit trail (`appendAuditRecord` of @sluice/authz, with the gateway's chain key). */
      write: (record: AuditRecord) => Promise<unknown>;
      log: (line: string) => void;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Starts writing every `flushMs`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
  }

  /** Counts one refusal (synchronous and O(1): it is what a flood costs). */
  count(refusal: Refusal, origin: CallOrigin, principal?: Principal): void {
    const period = Math.floor(origin.time.getTime() / this.options.flushMs);
    const identity = principal ? auditIdentity(principal) : undefined;
    const source = identity ? `principal:${identity.principal.account}/${identity.principal.id}` : `address:${origin.sourceIp ?? 'unknown'}`;
    const reason = refusal.reason.slice(0, MAX_REASON);
    const key = `${period}\u0000${source}\u0000${refusal.code}\u0000${refusal.surface}\u0000${reason}`;
    const known = this.tallies.get(key);
    if (known) {
      known.count += 1;
      if (origin.time > known.lastAt) known.lastAt = origin.time;
      return;
    }
    if (this.tallies.size >= this.options.maxKeys) {
      const spilled = this.overflow.get(period) ?? { count: 0, first: origin.time, last: origin.time };
      spilled.count += 1;
      spilled.last = origin.time;
      this.overflow.set(period, spilled);
      return;
    }
    this.tallies.set(key, {
      refusal: { ...refusal, reason, message: refusal.message.slice(0, MAX_MESSAGE) },
      sourceIp: origin.sourceIp,
      principal: identity,
      count: 1,
      first: origin,
      lastAt: origin.time,
      period,
    });
  }

  /** Keys held now (bounded by `maxKeys`). */
  get pending(): number {
    return this.tallies.size;
  }

  /** Records written since the start. */
  get recordsWritten(): number {
    return this.written;
  }

  /**
   * Writes the periods that are over (`all`: every one, the current included — `stop` does) as one record per key.
   * A failed write is logged with what it held: there is no caller to tell.
   */
  flush(options: { all?: boolean } = {}): Promise<void> {
    const current = Math.floor(this.now() / this.options.flushMs);
    const due = (period: number) => options.all || period < current;
    const records: AuditRecord[] = [];
    for (const [key, tally] of this.tallies) {
      if (!due(tally.period)) continue;
      this.tallies.delete(key);
      records.push(this.recordOf(tally));
    }
    for (const [period, spilled] of this.overflow) {
      if (!due(period)) continue;
      this.overflow.delete(period);
      records.push(this.overflowRecord(period, spilled));
    }
    // One flush after the other, so that a trail's records stay in period order.
    this.flushing = this.flushing.then(() => this.write(records));
    return this.flushing;
  }

  /** Stops the timer and writes everything counted. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush({ all: true });
  }

  private async write(records: AuditRecord[]): Promise<void> {
    const results = await Promise.allSettled(records.map((record) => this.options.write(record)));
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') this.written += 1;
      else {
        const params = records[i]!.requestParameters;
        this.options.log(`gateway: could not record ${params.count} refused request(s) (${params.code}, ${params.reason}) from ${records[i]!.sourceIp ?? 'an unknown address'}: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`);
      }
    });
  }

  private window(period: number): { from: string; until: string } {
    return { from: new Date(period * this.options.flushMs).toISOString(), until: new Date((period + 1) * this.options.flushMs).toISOString() };
  }

  private recordOf(tally: Tally): AuditRecord {
    const anonymous: PrincipalRef = { id: 'anonymous', account: ANONYMOUS_AUDIT_ACCOUNT };
    const { refusal } = tally;
    const unauthenticated = refusal.code === 'UNAUTHENTICATED';
    return {
      id: randomUUID(),
      time: tally.first.time.toISOString(),
      principal: tally.principal?.principal ?? anonymous,
      viaRole: tally.principal?.viaRole ?? null,
      operation: unauthenticated ? AUTHENTICATE_OPERATION : ADMIT_OPERATION,
      resource: accountResourceName(tally.principal ? (tally.principal.viaRole ?? tally.principal.principal).account : ANONYMOUS_AUDIT_ACCOUNT),
      requestParameters: {
        reason: refusal.reason,
        code: refusal.code,
        surface: refusal.surface,
        count: tally.count,
        ...this.window(tally.period),
        lastAt: tally.lastAt.toISOString(),
        message: refusal.message,
      },
      decision: 'ImplicitDeny',
      decidingStatement: null,
      result: unauthenticated ? { status: 'denied' } : { status: 'failed', errorCode: refusal.code },
      sourceIp: tally.sourceIp,
      userAgent: tally.first.userAgent,
      requestId: tally.first.requestId,
    };
  }

  private overflowRecord(period: number, spilled: { count: number; first: Date; last: Date }): AuditRecord {
    return {
      id: randomUUID(),
      time: spilled.first.toISOString(),
      principal: { id: 'anonymous', account: ANONYMOUS_AUDIT_ACCOUNT },
      viaRole: null,
      operation: ADMIT_OPERATION,
      resource: accountResourceName(ANONYMOUS_AUDIT_ACCOUNT),
      requestParameters: {
        reason: `refusals from more sources and reasons than SLUICE_AUDIT_REFUSALS_MAX_KEYS (${this.options.maxKeys}) in one period`,
        code: 'OVERFLOW',
        surface: '*',
        count: spilled.count,
        ...this.window(period),
        lastAt: spilled.last.toISOString(),
        message: 'counted only',
      },
      decision: 'ImplicitDeny',
      decidingStatement: null,
      result: { status: 'failed', errorCode: 'OVERFLOW' },
      sourceIp: null,
      userAgent: null,
      requestId: randomUUID(),
    };
  }
}
