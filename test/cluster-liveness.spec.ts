import type { Redis } from 'ioredis';
import { RedisNodeRegistry } from '../src/infrastructure/node-registry';
import { ClusterLiveness } from '../src/application/cluster-liveness';
import type { AppConfig } from '../src/application/ports/app-config';
import type { ConnectionRegistry } from '../src/application/ports/connection-registry.port';
import type { PresenceKeeper } from '../src/application/presence-keeper';

/** The few Redis commands the registry uses, with key expiry on Jest's fake clock. */
class FakeRedis {
  private readonly keys = new Map<string, { value: string; expiresAt: number }>();

  set(key: string, value: string, _px: 'PX', ms: number): Promise<'OK'> {
    this.keys.set(key, { value, expiresAt: Date.now() + ms });
    return Promise.resolve('OK');
  }

  scan(_cursor: string, _match: 'MATCH', pattern: string): Promise<[string, string[]]> {
    const prefix = pattern.replace(/\*$/, '');
    return Promise.resolve(['0', [...this.keys.keys()].filter((key) => key.startsWith(prefix) && this.live(key))]);
  }

  pttl(key: string): Promise<number> {
    return Promise.resolve(this.live(key) ? (this.keys.get(key)?.expiresAt ?? 0) - Date.now() : -2);
  }

  del(key: string): Promise<number> {
    return Promise.resolve(this.keys.delete(key) ? 1 : 0);
  }

  flushall(): void {
    this.keys.clear();
  }

  private live(key: string): boolean {
    const entry = this.keys.get(key);
    if (entry === undefined) return false;
    if (entry.expiresAt > Date.now()) return true;
    this.keys.delete(key);
    return false;
  }
}

const TIMEOUT = 6000;
const PERIOD = TIMEOUT / 3;

describe('ClusterLiveness', () => {
  let redis: FakeRedis;
  let other: RedisNodeRegistry;
  let liveness: ClusterLiveness;
  let heartbeats: NodeJS.Timeout | undefined;
  /** When the survivor forgot the other node's connection and started its user's grace period; undefined while it has not. */
  let closedAt: number | undefined;

  const registry = (): RedisNodeRegistry => new RedisNodeRegistry(redis as unknown as Redis, 'spec', TIMEOUT, () => Promise.resolve());
  /** Node B heartbeats every `every` ms from now on, until `stopB`. */
  const heartbeatB = async (every: number): Promise<void> => {
    await other.heartbeat('B');
    heartbeats = setInterval(() => void other.heartbeat('B'), every);
  };
  const stopB = (): void => clearInterval(heartbeats);

  beforeEach(async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    redis = new FakeRedis();
    other = registry();
    closedAt = undefined;
    // Node B holds one connection, of u1, until forgotten.
    let forgotten = false;
    const connections = {
      refresh: () => Promise.resolve(),
      nodes: () => Promise.resolve(forgotten ? [] : ['B']),
      usersOn: (node: string) => Promise.resolve(node === 'B' && !forgotten ? ['u1'] : []),
      forget: (node: string) => {
        expect(node).toBe('B');
        forgotten = true;
        return Promise.resolve();
      },
    } as unknown as ConnectionRegistry;
    const presence = {
      repair: () => Promise.resolve(),
      startGracePeriod: (userId: string) => {
        expect(userId).toBe('u1');
        closedAt = Date.now();
      },
    } as unknown as PresenceKeeper;
    liveness = new ClusterLiveness(registry(), connections, presence, { nodeId: 'A', nodeTimeoutMs: TIMEOUT } as AppConfig, {
      now: () => new Date(),
    });
    // B heartbeats just after each of A's sweeps: A last sees B's key just before it expires.
    await liveness.start();
    await jest.advanceTimersByTimeAsync(1);
    await heartbeatB(PERIOD);
  });

  afterEach(() => {
    stopB();
    liveness.stop();
    jest.useRealTimers();
  });

  it('forgets the connections of a node, starting the grace period of its users, within NODE_TIMEOUT_MS and one sweep of its last heartbeat', async () => {
    await jest.advanceTimersByTimeAsync(3 * TIMEOUT);
    expect(closedAt).toBeUndefined();
    // Killed just before its next heartbeat: the last one is a whole period old.
    await jest.advanceTimersByTimeAsync(PERIOD - 1);
    stopB();
    const killedAt = Date.now();
    await jest.advanceTimersByTimeAsync(3 * TIMEOUT);
    expect(closedAt).toBeDefined();
    expect((closedAt ?? 0) - killedAt).toBeLessThanOrEqual(TIMEOUT + PERIOD);
  });

  it('never takes a node for dead whose heartbeats come late but within NODE_TIMEOUT_MS', async () => {
    stopB();
    await heartbeatB(TIMEOUT - 200);
    await jest.advanceTimersByTimeAsync(10 * TIMEOUT);
    expect(closedAt).toBeUndefined();
  });

  it('takes no one for dead when Redis loses its keys', async () => {
    await jest.advanceTimersByTimeAsync(2 * TIMEOUT);
    // Just after B's heartbeat: A's next sweeps find neither key until both heartbeat again.
    await jest.advanceTimersByTimeAsync(PERIOD);
    redis.flushall();
    await jest.advanceTimersByTimeAsync(2 * TIMEOUT);
    expect(closedAt).toBeUndefined();
  });
});
