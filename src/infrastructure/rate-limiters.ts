import type { Redis } from 'ioredis';
import { Logger } from '@nestjs/common';
import { RateLimiter, type RateDecision, type RateRule } from '../application/ports/rate-limiter.port';
import { TokenBuckets } from '../application/token-buckets';

export class InMemoryRateLimiter extends RateLimiter {
  private readonly buckets = new TokenBuckets();
  private readonly pruner = setInterval(() => this.buckets.prune(10 * 60_000), 60_000).unref();

  consume(key: string, rule: RateRule, cost = 1): Promise<RateDecision> {
    return Promise.resolve(this.buckets.take(key, rule, cost));
  }

  refund(key: string, rule: RateRule, cost: number): Promise<void> {
    this.buckets.give(key, rule, cost);
    return Promise.resolve();
  }

  close(): void {
    clearInterval(this.pruner);
  }
}

/**
 * The same token bucket as one atomic Lua script on Redis, so every node draws from one bucket.
 * `cost` tokens at once (bytes for a quota); a negative cost gives tokens back. The key expires when
 * the bucket would be full again.
 */
const TOKEN_BUCKET = `
local key = KEYS[1]
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) / 1000 * rate)
local allowed = 0
local retry = 0
if cost < 0 then
  tokens = math.min(burst, tokens - cost)
  allowed = 1
elseif tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry = math.ceil((cost - tokens) / rate * 1000)
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', key, math.ceil((burst - tokens) / rate * 1000) + 1000)
return { allowed, retry }
`;

/**
 * While Redis cannot be reached, the limits are kept by this node alone (in memory), so a Redis
 * outage neither stops the chat nor lifts the limits; the shared buckets take over again when it is back.
 */
export class RedisRateLimiter extends RateLimiter {
  private readonly logger = new Logger('RateLimiter');
  private readonly local = new InMemoryRateLimiter();
  private degraded = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  async consume(key: string, rule: RateRule, cost = 1): Promise<RateDecision> {
    let answer: [number, number];
    try {
      answer = (await this.redis.eval(TOKEN_BUCKET, 1, `${this.prefix}:rate:${key}`, rule.perSecond, rule.burst, cost)) as [number, number];
    } catch (error) {
      if (!this.degraded) this.logger.warn({ err: error }, 'rate limits: Redis unreachable, limiting on this node alone');
      this.degraded = true;
      return this.local.consume(key, rule, cost);
    }
    if (this.degraded) this.logger.log('rate limits: Redis is back, limiting across the cluster again');
    this.degraded = false;
    return { allowed: answer[0] === 1, retryAfterMs: answer[1] };
  }

  async refund(key: string, rule: RateRule, cost: number): Promise<void> {
    await this.consume(key, rule, -cost);
  }

  close(): void {
    this.local.close();
  }
}
