import { appendAuditRecord, type AppendAuditRecordOptions, type Principal } from '@sluice/authz';
import type { EventStore } from '@sluice/eventing';
import type { CallOrigin } from '../auth/audit-recorder';
import { RefusalTally, type Refusal } from '../auth/refusal-tally';
import { ConnectionLimits } from './connection-limits';
import type { GatewayLimits } from './limits-config';
import { RateLimiter, type RateRefusal } from './rate-limiter';

/**
 * What lets a request in before it costs anything: the rate per address and per principal, and the bounded, aggregated
 * record of every request turned away (RefusalTally). One per gateway process.
 */
export class Admission {
  readonly limiter: RateLimiter;
  readonly refusals: RefusalTally;
  readonly connections: ConnectionLimits;

  constructor(
    readonly limits: GatewayLimits,
    store: EventStore,
    log: (line: string) => void,
    /** How the refusal records are appended (the audit chain key), as the gateway's other records are. */
    append: AppendAuditRecordOptions = {},
  ) {
    this.limiter = new RateLimiter(limits);
    this.connections = new ConnectionLimits(limits);
    this.refusals = new RefusalTally({ flushMs: limits.refusalFlushMs, maxKeys: limits.refusalMaxKeys, log, write: (record) => appendAuditRecord(store, record, append) });
    this.refusals.start();
  }

  /** One request from `origin`'s address to `surface`, of `weight` (requestWeight: its body's size); a refusal is counted. */
  address(origin: CallOrigin, surface: string, weight = 1): RateRefusal | undefined {
    const taken = this.limiter.address(origin.sourceIp, weight);
    if (taken.allowed) return undefined;
    this.refuse({ code: 'RATE_LIMITED', surface, reason: 'over the rate per address', message: taken.message }, origin);
    return taken;
  }

  /** One request of `principal`, of `weight`; a refusal is counted under the principal. */
  principal(principal: Principal, origin: CallOrigin, surface: string, weight = 1): RateRefusal | undefined {
    const taken = this.limiter.principal(principal, weight);
    if (taken.allowed) return undefined;
    this.refuse({ code: 'RATE_LIMITED', surface, reason: 'over the rate per principal', message: taken.message }, origin, principal);
    return taken;
  }

  /** Counts a refusal (one audit record per source, reason and period: RefusalTally). */
  refuse(refusal: Refusal, origin: CallOrigin, principal?: Principal): void {
    this.refusals.count(refusal, origin, principal);
  }

  /** Writes what is counted and stops the timer. */
  stop(): Promise<void> {
    return this.refusals.stop();
  }
}
