import { TokenBuckets } from './token-buckets';

describe('token buckets', () => {
  const DAY = { perSecond: 1000 / 86_400, burst: 1000 };

  it('takes a cost at once, and says how long until that much is back', () => {
    let now = 0;
    const buckets = new TokenBuckets(() => now);
    expect(buckets.take('k', DAY, 600)).toEqual({ allowed: true, retryAfterMs: 0 });
    const refused = buckets.take('k', DAY, 600);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBe(Math.ceil((200 / DAY.perSecond) * 1000));
    now += refused.retryAfterMs;
    expect(buckets.take('k', DAY, 600).allowed).toBe(true);
  });

  it('gives back what was taken for nothing, never beyond the burst', () => {
    const buckets = new TokenBuckets(() => 0);
    buckets.take('k', DAY, 1000);
    buckets.give('k', DAY, 5000);
    expect(buckets.take('k', DAY, 1000).allowed).toBe(true);
    expect(buckets.take('k', DAY, 1).allowed).toBe(false);
  });

  it('forgets an idle bucket only once it has refilled, so pruning grants nothing', () => {
    let now = 0;
    const buckets = new TokenBuckets(() => now);
    buckets.take('k', DAY, 1000);
    now = 10 * 60_000;
    buckets.prune(60_000);
    expect(buckets.take('k', DAY, 1000).allowed).toBe(false);
    now += 86_400_000 + 1;
    buckets.prune(60_000);
    expect(buckets.take('k', DAY, 1000).allowed).toBe(true);
  });
});
