import { createAdapter } from '@socket.io/redis-adapter';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { StoreUnavailableError } from '../application/ports/event-store.port';
import type { AppConfig } from '../application/ports/app-config';
import type { ConnectionRegistry } from '../application/ports/connection-registry.port';
import type { NodeRegistry } from '../application/ports/node-registry.port';
import type { RateLimiter } from '../application/ports/rate-limiter.port';
import { InMemoryConnectionRegistry, RedisConnectionRegistry } from './connection-registry';
import { LocalNodeRegistry, RedisNodeRegistry } from './node-registry';
import { InMemoryRateLimiter, RedisRateLimiter } from './rate-limiters';

export interface ClusterWiring {
  readonly registry: NodeRegistry;
  /** Who is connected where: in memory on one node, mirrored into Redis across a cluster. */
  readonly connections: ConnectionRegistry;
  /** Per-user limits: in memory on one node, in Redis across a cluster. */
  readonly rateLimiter: RateLimiter;
  /** The Socket.IO adapter that carries emits to the sockets of every node; none on a single node. */
  readonly ioAdapter?: ReturnType<typeof createAdapter>;
}

/**
 * The Redis adapter publishes without handling a failed publish; during a Redis outage that
 * would be an unhandled rejection. The emit is lost either way (clients catch up with `since`).
 */
const publishingSafely = (redis: Redis, logger: Logger): Redis =>
  new Proxy(redis, {
    get(target, property, receiver) {
      if (property !== 'publish') return Reflect.get(target, property, receiver) as unknown;
      return (...args: Parameters<Redis['publish']>) =>
        target.publish(...args).catch((error: unknown) => {
          logger.warn({ err: error }, 'Socket.IO Redis publish failed');
          return 0;
        });
    },
  });

/**
 * Without REDIS_URL: one node. With it: the Socket.IO Redis adapter (pub/sub) for fan-out and a
 * Redis heartbeat registry for node liveness and the registry of every node's connections, on two
 * connections.
 */
export const connectCluster = async (config: AppConfig): Promise<ClusterWiring> => {
  if (config.redisUrl === undefined) {
    const rateLimiter = new InMemoryRateLimiter();
    return { registry: new LocalNodeRegistry(() => rateLimiter.close()), connections: new InMemoryConnectionRegistry(), rateLimiter };
  }
  const logger = new Logger('Redis');
  const pub = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true });
  const sub = pub.duplicate();
  for (const client of [pub, sub])
    client.on('error', (error: Error) => logger.warn({ err: error }, 'Redis connection error; reconnecting'));
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (error) {
    pub.disconnect();
    sub.disconnect();
    throw new StoreUnavailableError(`Cannot reach Redis at REDIS_URL: ${(error as Error).message}`, { cause: error });
  }
  const close = async (): Promise<void> => {
    await Promise.allSettled([pub.quit(), sub.quit()]);
  };
  return {
    registry: new RedisNodeRegistry(pub, config.clusterName, config.nodeTimeoutMs, close),
    connections: new RedisConnectionRegistry(pub, config.clusterName, config.nodeTimeoutMs),
    rateLimiter: new RedisRateLimiter(pub, config.clusterName),
    ioAdapter: createAdapter(publishingSafely(pub, logger), sub, { key: `${config.clusterName}#io` }),
  };
};
