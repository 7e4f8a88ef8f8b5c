import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { StoreUnavailableError } from '../application/ports/event-store.port';
import type { AppConfig } from '../application/ports/app-config';
import type { ClusterWiring } from './cluster';
import { RedisConnectionRegistry } from './connection-registry';
import { RedisNodeRegistry } from './node-registry';
import { RedisRateLimiter } from './rate-limiters';

/**
 * Pushes to other nodes that wait, while Redis is away, in the adapter connection's queue; beyond
 * this many, new ones are dropped (logged) so that a long outage cannot fill the memory. Clients
 * then catch up with `join {room, cursor}`.
 */
export const MAX_QUEUED_PUSHES = 20_000;
/** Entries the adapter's Redis stream keeps: how far a node may fall behind and still read every push. */
const STREAM_LENGTH = 100_000;

/**
 * The adapter's connection, with what it sends counted: beyond `MAX_QUEUED_PUSHES` waiting, a push
 * is dropped; a failed one is logged instead of rejecting (the adapter does not handle it, so it
 * would be an unhandled rejection).
 */
const queueingBounded = (redis: Redis, logger: Logger): Redis => {
  let waiting = 0;
  let dropping = false;
  return new Proxy(redis, {
    get(target, property, receiver) {
      if (property !== 'xadd' && property !== 'publish') return Reflect.get(target, property, receiver) as unknown;
      const send = Reflect.get(target, property, receiver) as (...args: unknown[]) => Promise<unknown>;
      return (...args: unknown[]) => {
        if (waiting >= MAX_QUEUED_PUSHES) {
          if (!dropping) logger.warn({ waiting }, 'Redis unreachable and the push queue is full: pushes to other nodes are dropped');
          dropping = true;
          return Promise.resolve(null);
        }
        waiting++;
        return send.apply(target, args).then(
          (result) => {
            if (--waiting === 0) dropping = false;
            return result;
          },
          (error: unknown) => {
            waiting--;
            logger.warn({ err: error }, 'Socket.IO Redis push failed');
            return null;
          },
        );
      };
    },
  });
};

/** How long a closing connection may take to say goodbye (Redis may be away) before it is dropped. */
const QUIT_TIMEOUT_MS = 1000;

/**
 * Says goodbye (QUIT, after what is queued) and drops the connection if that takes longer than
 * `QUIT_TIMEOUT_MS`: the push connection retries without limit, so with Redis away it would wait forever.
 */
const closeWithin = async (client: Redis): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, QUIT_TIMEOUT_MS)));
  await Promise.race([
    client.quit().then(
      () => undefined,
      () => undefined,
    ),
    late,
  ]);
  clearTimeout(timer);
  client.disconnect();
};

/**
 * The wiring of a node in a cluster: the Socket.IO Redis streams adapter for fan-out, and a Redis
 * heartbeat registry for node liveness and the registry of every node's connections.
 *
 * The adapter appends each push to a Redis stream that every node reads from its last offset, so a
 * node whose connection blinked reads on where it stopped; and its connection queues what it sends
 * while Redis is away (no retry limit), so nothing is lost in a short outage. The registries use a
 * connection of their own that fails fast instead (`maxRetriesPerRequest: 3`).
 */
export const connectRedisCluster = async (config: AppConfig & { readonly redisUrl: string }): Promise<ClusterWiring> => {
  const logger = new Logger('Redis');
  const pub = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true });
  const pushes = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null, enableOfflineQueue: true });
  for (const client of [pub, pushes])
    client.on('error', (error: Error) => logger.warn({ err: error }, 'Redis connection error; reconnecting'));
  try {
    await Promise.all([pub.connect(), pushes.connect()]);
  } catch (error) {
    pub.disconnect();
    pushes.disconnect();
    throw new StoreUnavailableError(`Cannot reach Redis at REDIS_URL: ${(error as Error).message}`, { cause: error });
  }
  const close = async (): Promise<void> => {
    await Promise.all([pub, pushes].map(closeWithin));
  };
  return {
    registry: new RedisNodeRegistry(pub, config.clusterName, config.nodeTimeoutMs, close),
    connections: new RedisConnectionRegistry(pub, config.clusterName, config.nodeTimeoutMs),
    rateLimiter: new RedisRateLimiter(pub, config.clusterName),
    ioAdapter: createAdapter(queueingBounded(pushes, logger), {
      streamName: `${config.clusterName}#io`,
      channelPrefix: `${config.clusterName}#io`,
      maxLen: STREAM_LENGTH,
      // A node that stops reads on for at most this long before its connection closes.
      blockTimeInMs: 1000,
    }),
  };
};
