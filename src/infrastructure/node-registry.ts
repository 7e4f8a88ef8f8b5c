import type { Redis } from 'ioredis';
import { NodeRegistry } from '../application/ports/node-registry.port';

/** One process, one node: only this node is ever alive. */
export class LocalNodeRegistry extends NodeRegistry {
  readonly shared = false;
  private readonly alive = new Set<string>();

  constructor(private readonly onClose: () => void = () => undefined) {
    super();
  }

  heartbeat(node: string): Promise<void> {
    this.alive.add(node);
    return Promise.resolve();
  }

  aliveNodes(): Promise<ReadonlySet<string>> {
    return Promise.resolve(new Set(this.alive));
  }

  leave(node: string): Promise<void> {
    this.alive.delete(node);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.onClose();
    return Promise.resolve();
  }
}

/** A key per node with a time-to-live, refreshed by every heartbeat: `<cluster>:node:<id>`. */
export class RedisNodeRegistry extends NodeRegistry {
  readonly shared = true;

  constructor(
    private readonly redis: Redis,
    private readonly cluster: string,
    private readonly timeoutMs: number,
    private readonly onClose: () => Promise<void>,
  ) {
    super();
  }

  async heartbeat(node: string): Promise<void> {
    await this.redis.set(this.key(node), Date.now().toString(), 'PX', this.timeoutMs);
  }

  async aliveNodes(): Promise<ReadonlySet<string>> {
    const alive = new Set<string>();
    const prefix = this.key('');
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 200);
      for (const key of keys) alive.add(key.slice(prefix.length));
      cursor = next;
    } while (cursor !== '0');
    return alive;
  }

  async leave(node: string): Promise<void> {
    await this.redis.del(this.key(node));
  }

  close(): Promise<void> {
    return this.onClose();
  }

  private key(node: string): string {
    return `${this.cluster}:node:${node}`;
  }
}
