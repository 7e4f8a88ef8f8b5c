import type { RateDecision, RateRule } from './ports/rate-limiter.port';

/** Token buckets in memory, by key: per-connection limits, and per-user limits on a single node. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  take(key: string, rule: RateRule): RateDecision {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: rule.burst, at: now };
    bucket.tokens = Math.min(rule.burst, bucket.tokens + ((now - bucket.at) / 1000) * rule.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) / rule.perSecond) * 1000) };
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }

  /** Drops buckets that have been full for a while, so memory follows active users only. */
  prune(olderThanMs: number): void {
    const cutoff = this.now() - olderThanMs;
    for (const [key, bucket] of this.buckets) if (bucket.at < cutoff) this.buckets.delete(key);
  }
}
