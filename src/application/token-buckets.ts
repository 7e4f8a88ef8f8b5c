import type { RateDecision, RateRule } from './ports/rate-limiter.port';

/** Token buckets in memory, by key: per-connection limits, and per-user limits on a single node. */
export class TokenBuckets {
  /** `fullAt`: when the bucket is full again if nothing more is taken; forgetting it after that changes nothing. */
  private readonly buckets = new Map<string, { tokens: number; at: number; fullAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  take(key: string, rule: RateRule, cost = 1): RateDecision {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: rule.burst, at: now, fullAt: now };
    bucket.tokens = Math.min(rule.burst, bucket.tokens + ((now - bucket.at) / 1000) * rule.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    let decision: RateDecision;
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      decision = { allowed: true, retryAfterMs: 0 };
    } else {
      decision = { allowed: false, retryAfterMs: Math.ceil(((cost - bucket.tokens) / rule.perSecond) * 1000) };
    }
    bucket.fullAt = now + Math.ceil(((rule.burst - bucket.tokens) / rule.perSecond) * 1000);
    return decision;
  }

  /** Puts back tokens taken for something that did not happen. */
  give(key: string, rule: RateRule, cost: number): void {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return;
    bucket.tokens = Math.min(rule.burst, bucket.tokens + cost);
    bucket.fullAt = bucket.at + Math.ceil(((rule.burst - bucket.tokens) / rule.perSecond) * 1000);
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }

  /**
   * Drops buckets not used for a while that are full again by now, so memory follows active users
   * only; a slow bucket (a daily quota) is kept until it has refilled, so forgetting it grants nothing.
   */
  prune(olderThanMs: number): void {
    const now = this.now();
    const cutoff = now - olderThanMs;
    for (const [key, bucket] of this.buckets) if (bucket.at < cutoff && bucket.fullAt <= now) this.buckets.delete(key);
  }
}
