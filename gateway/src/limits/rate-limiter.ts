import { auditIdentity, type Principal } from '@sluice/authz';
import type { GatewayLimits } from './limits-config';
import { TokenBuckets, type RateLimit, type TakeResult } from './token-buckets';

export type RateRefusal = { allowed: false; retryAfterSeconds: number; message: string };

/** Each this many bytes of a request's declared body count as one more request: a 600 KB body is 38 requests' worth. */
export const BYTES_PER_REQUEST = 16 * 1024;

/** What a request costs in the buckets: 1, plus one per 16 KiB of its declared `content-length` (a body refused late still had to be read). */
export function requestWeight(headers: Readonly<Record<string, string | string[] | undefined>>): number {
  const declared = Number(headers['content-length']);
  return Number.isFinite(declared) && declared > 0 ? 1 + Math.floor(declared / BYTES_PER_REQUEST) : 1;
}

/** The per-address and per-principal token buckets of one gateway process. */
export class RateLimiter {
  private readonly addresses: TokenBuckets;
  private readonly principals: TokenBuckets;

  constructor(
    private readonly limits: Pick<GatewayLimits, 'perAddress' | 'perPrincipal'>,
    options: { now?: () => number; maxKeys?: number } = {},
  ) {
    this.addresses = new TokenBuckets(limits.perAddress, options);
    this.principals = new TokenBuckets(limits.perPrincipal, options);
  }

  /** One request from `address` (the socket's peer), of `weight` (requestWeight). */
  address(address: string | null, weight = 1): { allowed: true } | RateRefusal {
    const taken = this.addresses.take(address ?? 'unknown', weight);
    return taken.allowed ? taken : refused(taken, `Too many requests from ${address ?? 'this address'}`, this.limits.perAddress, 'SLUICE_RATE_LIMIT_PER_ADDRESS');
  }

  /** One request of `principal` (a role session counts for whoever assumed the role), of `weight` (requestWeight). */
  principal(principal: Principal, weight = 1): { allowed: true } | RateRefusal {
    const { principal: who } = auditIdentity(principal);
    const taken = this.principals.take(`${who.account}/${who.id}`, weight);
    return taken.allowed ? taken : refused(taken, `Too many requests from ${who.id} of account ${who.account}`, this.limits.perPrincipal, 'SLUICE_RATE_LIMIT_PER_PRINCIPAL');
  }
}

function refused(taken: Extract<TakeResult, { allowed: false }>, what: string, rate: RateLimit, variable: string): RateRefusal {
  return {
    allowed: false,
    retryAfterSeconds: taken.retryAfterSeconds,
    message: `${what}: the limit is ${rate.perSecond} per second in bursts of up to ${rate.burst} (${variable}); retry after ${taken.retryAfterSeconds} s.`,
  };
}
