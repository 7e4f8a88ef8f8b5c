/** A token bucket: `burst` tokens, refilled at `perSecond`. */
export interface RateRule {
  readonly perSecond: number;
  readonly burst: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** When not allowed: how long until enough tokens are back. */
  readonly retryAfterMs: number;
}

/**
 * Limits shared by every connection of a user, on every node (Redis in a cluster). Per-connection
 * limits need no port: a connection lives in one process.
 */
export abstract class RateLimiter {
  /** Takes `cost` tokens (1 unless told, such as bytes for a quota in bytes), or none when fewer are left. */
  abstract consume(key: string, rule: RateRule, cost?: number): Promise<RateDecision>;
  /** Gives back `cost` tokens taken for something that then did not happen (never beyond `burst`). */
  abstract refund(key: string, rule: RateRule, cost: number): Promise<void>;
}

/** A client sent too much too fast, or the server has too much of it to do; `retryAfterMs` says when to try again. */
export class RateLimitedError extends Error {
  readonly code = 'rate_limited';

  constructor(
    readonly retryAfterMs: number,
    message = `Too many requests; retry in ${retryAfterMs} ms`,
  ) {
    super(message);
  }
}
