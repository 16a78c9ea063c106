/** A rate: `perSecond` on average, up to `burst` at once. `perSecond` 0 means unlimited. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * One token bucket per key (a source address, a principal), in this process's memory. At most `maxKeys` buckets
 * are kept: the least recently used goes first (a forgotten key starts again full, which only favours it).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: RateLimit,
    private readonly options: { maxKeys?: number; now?: () => number } = {},
  ) {}

  get unlimited(): boolean {
    return this.rate.perSecond <= 0;
  }

  /** Takes `cost` tokens (at most a whole burst) from `key`'s bucket, or says how long until they are there. */
  take(key: string, cost = 1): TakeResult {
    if (this.unlimited) return { allowed: true };
    const needed = Math.min(Math.max(1, cost), this.rate.burst);
    const now = (this.options.now ?? Date.now)();
    const { perSecond, burst } = this.rate;
    const known = this.buckets.get(key);
    const bucket = known ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    // Re-inserted so that the map's order is least recently used first.
    if (known) this.buckets.delete(key);
    else if (this.buckets.size >= (this.options.maxKeys ?? 100_000)) this.buckets.delete(this.buckets.keys().next().value!);
    this.buckets.set(key, bucket);
    if (bucket.tokens >= needed) {
      bucket.tokens -= needed;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((needed - bucket.tokens) / perSecond)) };
  }

  /** Buckets kept now (bounded by `maxKeys`). */
  get size(): number {
    return this.buckets.size;
  }
}
