import type { createAdapter } from '@socket.io/redis-streams-adapter';
import type { AppConfig } from '../application/ports/app-config';
import type { ConnectionRegistry } from '../application/ports/connection-registry.port';
import type { NodeRegistry } from '../application/ports/node-registry.port';
import type { RateLimiter } from '../application/ports/rate-limiter.port';
import { InMemoryConnectionRegistry } from './connection-registry';
import { LocalNodeRegistry } from './node-registry';
import { InMemoryRateLimiter } from './rate-limiters';
import type * as RedisClusterModule from './redis-cluster';

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
 * Without REDIS_URL: one node. With it: the wiring of `redis-cluster.ts`, loaded only then, so a
 * single node does not load the Redis client and adapter at start-up.
 */
export const connectCluster = async (config: AppConfig): Promise<ClusterWiring> => {
  const { redisUrl } = config;
  if (redisUrl === undefined) {
    const rateLimiter = new InMemoryRateLimiter();
    return { registry: new LocalNodeRegistry(() => rateLimiter.close()), connections: new InMemoryConnectionRegistry(), rateLimiter };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { connectRedisCluster } = require('./redis-cluster') as typeof RedisClusterModule;
  return connectRedisCluster({ ...config, redisUrl });
};
