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

  aliveNodes(): Promise<ReadonlyMap<string, number>> {
    return Promise.resolve(new Map([...this.alive].map((node) => [node, 0])));
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

/**
 * A key per node with a time-to-live, refreshed by every heartbeat: `<cluster>:node:<id>`. A
 * heartbeat's age is read from the key's remaining time-to-live, so it needs no clock shared by nodes.
 */
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

  async aliveNodes(): Promise<ReadonlyMap<string, number>> {
    const found: string[] = [];
    const prefix = this.key('');
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 200);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    const alive = new Map<string, number>();
    const ttls = await Promise.all(found.map((key) => this.redis.pttl(key)));
    found.forEach((key, i) => {
      const ttl = ttls[i] ?? -2;
      // -2: expired since the scan; -1: no time-to-live (set by hand), taken as just now.
      if (ttl !== -2) alive.set(key.slice(prefix.length), ttl < 0 ? 0 : Math.max(0, this.timeoutMs - ttl));
    });
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
