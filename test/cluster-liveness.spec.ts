import type { Redis } from 'ioredis';
import type { CommandBus } from '@nestjs/cqrs';
import { RedisNodeRegistry } from '../src/infrastructure/node-registry';
import { ClusterLiveness } from '../src/application/cluster-liveness';
import type { CloseConnectionCommand } from '../src/application/commands/close-connection.command';
import type { AppConfig } from '../src/application/ports/app-config';
import type { IdGenerator } from '../src/application/ports/id-generator.port';
import type { PresenceKeeper } from '../src/application/presence-keeper';
import type { UsersReadModel } from '../src/application/read-models/users.read-model';

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
  /** When the survivor closed the other node's connection; undefined while it has not. */
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
    const users = {
      openConnections: () => (closedAt === undefined ? [{ userId: 'u1', connectionId: 'c1', node: 'B' }] : []),
    } as unknown as UsersReadModel;
    const commandBus = {
      execute: (command: CloseConnectionCommand) => {
        expect(command).toMatchObject({ userId: 'u1', connectionId: 'c1' });
        closedAt = Date.now();
        return Promise.resolve();
      },
    } as unknown as CommandBus;
    liveness = new ClusterLiveness(
      registry(),
      { repair: () => Promise.resolve() } as unknown as PresenceKeeper,
      { nodeId: 'A', nodeTimeoutMs: TIMEOUT } as AppConfig,
      { now: () => new Date() },
      { id: () => 'correlation' } as unknown as IdGenerator,
      users,
      commandBus,
    );
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

  it('closes the connections of a node within NODE_TIMEOUT_MS and one sweep of its last heartbeat', async () => {
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
