import { RateLimiter, requestWeight } from './rate-limiter';
import { TokenBuckets } from './token-buckets';

describe('TokenBuckets', () => {
  it('lets a burst through, then one request per 1/rate seconds, and says when to retry', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 2, burst: 3 }, { now: () => now });
    expect([1, 2, 3].map(() => buckets.take('a').allowed)).toEqual([true, true, true]);
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(buckets.take('b').allowed).toBe(true);
    now = 500;
    expect(buckets.take('a').allowed).toBe(true);
    expect(buckets.take('a').allowed).toBe(false);
    now = 60_000;
    expect([1, 2, 3, 4].map(() => buckets.take('a').allowed)).toEqual([true, true, true, false]);
  });

  it('says to wait longer at a slow rate', () => {
    const buckets = new TokenBuckets({ perSecond: 0.1 as unknown as number, burst: 1 }, { now: () => 0 });
    buckets.take('a');
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('keeps at most maxKeys buckets, forgetting the least recently used', () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 }, { now: () => 0, maxKeys: 2 });
    buckets.take('a');
    buckets.take('b');
    buckets.take('a');
    buckets.take('c');
    expect(buckets.size).toBe(2);
    expect(buckets.take('a').allowed).toBe(false);
    expect(buckets.take('b').allowed).toBe(true); // forgotten, so full again
  });

  it('takes a heavier request’s weight, at most a whole burst', () => {
    const buckets = new TokenBuckets({ perSecond: 10, burst: 50 }, { now: () => 0 });
    expect(buckets.take('a', 38).allowed).toBe(true);
    expect(buckets.take('a', 38)).toEqual({ allowed: false, retryAfterSeconds: 3 });
    expect(new TokenBuckets({ perSecond: 10, burst: 5 }, { now: () => 0 }).take('a', 1000).allowed).toBe(true);
    expect([requestWeight({}), requestWeight({ 'content-length': '100' }), requestWeight({ 'content-length': String(600 * 1024) }), requestWeight({ 'content-length': 'x' })]).toEqual([1, 1, 38, 1]);
  });

  it('is off at 0 per second', () => {
    const buckets = new TokenBuckets({ perSecond: 0, burst: 1 });
    expect(Array.from({ length: 1000 }, () => buckets.take('a').allowed).every(Boolean)).toBe(true);
    expect(buckets.size).toBe(0);
  });
});

describe('RateLimiter', () => {
  it('names the limit and its variable, and counts a role session for whoever assumed the role', () => {
    const limiter = new RateLimiter({ perAddress: { perSecond: 1, burst: 1 }, perPrincipal: { perSecond: 5, burst: 1 } }, { now: () => 0 });
    expect(limiter.address('10.0.0.1').allowed).toBe(true);
    expect(limiter.address('10.0.0.1')).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
      message: 'Too many requests from 10.0.0.1: the limit is 1 per second in bursts of up to 1 (SLUICE_RATE_LIMIT_PER_ADDRESS); retry after 1 s.',
    });
    const bob = { id: 'bob', account: 'globex', policies: [] };
    const session = { id: 'deployer', account: 'acme', policies: [], assumedBy: { id: 'bob', account: 'globex' } };
    expect(limiter.principal(bob).allowed).toBe(true);
    const refused = limiter.principal(session);
    expect(refused.allowed).toBe(false);
    expect(refused.allowed ? '' : refused.message).toMatch(/^Too many requests from bob of account globex: .*\(SLUICE_RATE_LIMIT_PER_PRINCIPAL\)/);
  });
});
