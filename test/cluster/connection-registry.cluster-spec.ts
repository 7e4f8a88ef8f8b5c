import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ConnectionRegistry } from '../../src/application/ports/connection-registry.port';
import { InMemoryConnectionRegistry, RedisConnectionRegistry } from '../../src/infrastructure/connection-registry';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TIMEOUT = 3000;

/** What both adapters promise, for the nodes that write to them (one node for memory). */
const contract = (name: string, open: () => { registry: ConnectionRegistry; close: () => Promise<void> }): void => {
  describe(`${name}: the contract`, () => {
    let registry: ConnectionRegistry;
    let close: () => Promise<void>;

    beforeEach(() => {
      ({ registry, close } = open());
    });

    afterEach(async () => {
      await close();
    });

    it('knows a user connected while any of their connections is registered', async () => {
      await registry.refresh('n1');
      await registry.add('c1', 'u1', 'n1');
      await registry.add('c2', 'u1', 'n1');
      await registry.add('c3', 'u2', 'n1');
      expect(await registry.connected(['u1', 'u2', 'u3'])).toEqual(new Set(['u1', 'u2']));
      await expect(registry.remove('c1', 'n1')).resolves.toBe('u1');
      expect(await registry.connected(['u1'])).toEqual(new Set(['u1']));
      await expect(registry.remove('c2', 'n1')).resolves.toBe('u1');
      expect(await registry.connected(['u1', 'u2'])).toEqual(new Set(['u2']));
      expect(registry.localCount()).toBe(1);
    });

    it('ignores a duplicate add and a remove of a connection it does not hold', async () => {
      await registry.add('c1', 'u1', 'n1');
      await registry.add('c1', 'u1', 'n1');
      await expect(registry.remove('c1', 'n1')).resolves.toBe('u1');
      await expect(registry.remove('c1', 'n1')).resolves.toBeUndefined();
      expect(await registry.connected(['u1'])).toEqual(new Set());
      expect(registry.localCount()).toBe(0);
    });

    it('lists the users of a node, and forgets them', async () => {
      await registry.add('c1', 'u1', 'n1');
      await registry.add('c2', 'u2', 'n1');
      expect(await registry.nodes()).toContain('n1');
      expect((await registry.usersOn('n1')).sort()).toEqual(['u1', 'u2']);
      await registry.forget('n1');
      expect(await registry.nodes()).not.toContain('n1');
      expect(await registry.usersOn('n1')).toEqual([]);
    });
  });
};

contract('InMemoryConnectionRegistry', () => ({ registry: new InMemoryConnectionRegistry(), close: () => Promise.resolve() }));

describe('RedisConnectionRegistry', () => {
  let redis: Redis;
  let cluster: string;
  let now: number;
  const open = (): RedisConnectionRegistry => new RedisConnectionRegistry(redis, cluster, TIMEOUT, () => now);
  /** Redis losing this cluster's data (the shared Redis serves other specs: no FLUSHALL). */
  const loseData = async (): Promise<void> => {
    const keys = await redis.keys(`${cluster}:*`);
    if (keys.length > 0) await redis.del(...keys);
  };

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });

  beforeEach(async () => {
    cluster = `registry-spec-${randomUUID()}`;
    now = 1_000_000;
    // The cluster's first look at Redis: no data yet, so nothing to be sure of for one NODE_TIMEOUT_MS.
    await open().refresh('bootstrap');
    await redis.del(`${cluster}:connections:bootstrap`);
    await redis.srem(`${cluster}:connection-nodes`, 'bootstrap');
  });

  afterEach(async () => {
    await loseData();
  });

  afterAll(async () => {
    await redis.quit();
  });

  contract('RedisConnectionRegistry', () => ({ registry: open(), close: () => loseData() }));

  it("tells one node's connections to another, and a node's hash outlives a missed heartbeat but not two timeouts", async () => {
    const a = open();
    const b = open();
    await a.refresh('A');
    await b.refresh('B');
    await a.add('c1', 'u1', 'A');
    expect(await b.connected(['u1'])).toEqual(new Set(['u1']));
    expect(await b.usersOn('A')).toEqual(['u1']);
    const ttl = await redis.pttl(`${cluster}:connections:A`);
    expect(ttl).toBeGreaterThan(TIMEOUT);
    expect(ttl).toBeLessThanOrEqual(2 * TIMEOUT);
  });

  it('cannot tell for one node timeout after Redis lost its data, while every node writes its own back', async () => {
    const a = open();
    const b = open();
    await a.refresh('A');
    await b.refresh('B');
    await a.add('c1', 'u1', 'A');
    now += 2 * TIMEOUT;
    expect(await b.connected(['u1'])).toEqual(new Set(['u1']));
    await loseData();
    // B notices first, and cannot tell; A writes its connections back at its next heartbeat.
    await expect(b.connected(['u1'])).resolves.toBeUndefined();
    await a.refresh('A');
    await expect(b.connected(['u1'])).resolves.toBeUndefined();
    now += TIMEOUT;
    expect(await b.connected(['u1'])).toEqual(new Set(['u1']));
    await a.remove('c1', 'A');
    expect(await b.connected(['u1'])).toEqual(new Set());
  });
});
