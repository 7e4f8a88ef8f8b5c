/** A token bucket: `burst` tokens, refilled at `perSecond`. */
export interface RateRule {
  readonly perSecond: number;
  readonly burst: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** When not allowed: how long until one token is back. */
  readonly retryAfterMs: number;
}

/**
 * Limits shared by every connection of a user, on every node (Redis in a cluster). Per-connection
 * limits need no port: a connection lives in one process.
 */
export abstract class RateLimiter {
  abstract consume(key: string, rule: RateRule): Promise<RateDecision>;
}
