import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ConnectionRegistry } from '../application/ports/connection-registry.port';

/** One process, one node: the connections are this node's sockets, in memory. */
export class InMemoryConnectionRegistry extends ConnectionRegistry {
  readonly shared = false;
  /** connection id → user and node */
  private readonly connections = new Map<string, { userId: string; node: string }>();
  /** node → user → connections of the user on the node */
  private readonly byNode = new Map<string, Map<string, number>>();

  add(connectionId: string, userId: string, node: string): Promise<void> {
    if (!this.connections.has(connectionId)) {
      this.connections.set(connectionId, { userId, node });
      let users = this.byNode.get(node);
      if (users === undefined) this.byNode.set(node, (users = new Map()));
      users.set(userId, (users.get(userId) ?? 0) + 1);
    }
    return Promise.resolve();
  }

  remove(connectionId: string): Promise<string | undefined> {
    const connection = this.connections.get(connectionId);
    if (connection === undefined) return Promise.resolve(undefined);
    this.connections.delete(connectionId);
    const users = this.byNode.get(connection.node);
    const left = (users?.get(connection.userId) ?? 1) - 1;
    if (left > 0) users?.set(connection.userId, left);
    else users?.delete(connection.userId);
    if (users?.size === 0) this.byNode.delete(connection.node);
    return Promise.resolve(connection.userId);
  }

  connected(userIds: readonly string[]): Promise<ReadonlySet<string>> {
    const found = new Set<string>();
    for (const users of this.byNode.values()) for (const userId of userIds) if (users.has(userId)) found.add(userId);
    return Promise.resolve(found);
  }

  nodes(): Promise<string[]> {
    return Promise.resolve([...this.byNode.keys()]);
  }

  usersOn(node: string): Promise<string[]> {
    return Promise.resolve([...(this.byNode.get(node)?.keys() ?? [])]);
  }

  forget(node: string): Promise<void> {
    this.byNode.delete(node);
    for (const [id, connection] of this.connections) if (connection.node === node) this.connections.delete(id);
    return Promise.resolve();
  }

  refresh(): Promise<void> {
    return Promise.resolve();
  }

  localCount(): number {
    return this.connections.size;
  }
}

/**
 * This node's connections in memory (the truth about its own sockets), mirrored into Redis for the
 * other nodes: one hash per node, `<cluster>:connections:<node>` (user id → how many connections the
 * user has on the node), with a time-to-live of twice NODE_TIMEOUT_MS that every heartbeat extends, and a
 * set of the nodes that wrote one, `<cluster>:connection-nodes`. Each node writes only its own hash.
 *
 * Redis can lose its data (a restart without persistence, a failover, eviction). A key no node writes
 * otherwise, `<cluster>:connections-epoch`, tells: when it is missing or changed, each node writes its
 * hash back at once and, for one NODE_TIMEOUT_MS (by then every live node has heartbeaten and written
 * its own back), `connected` answers that it cannot tell.
 */
export class RedisConnectionRegistry extends ConnectionRegistry {
  readonly shared = true;
  /** connection id → user, on this node */
  private readonly local = new Map<string, string>();
  /** user → connections on this node */
  private readonly perUser = new Map<string, number>();
  private node: string | undefined;
  private epoch: string | undefined;
  private unsureUntil = 0;
  /** A write to Redis failed: the next heartbeat writes the whole hash again. */
  private dirty = false;

  constructor(
    private readonly redis: Redis,
    private readonly cluster: string,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async add(connectionId: string, userId: string, node: string): Promise<void> {
    this.node = node;
    if (this.local.has(connectionId)) return;
    this.local.set(connectionId, userId);
    this.perUser.set(userId, (this.perUser.get(userId) ?? 0) + 1);
    await this.write(node, userId);
  }

  async remove(connectionId: string, node: string): Promise<string | undefined> {
    const userId = this.local.get(connectionId);
    if (userId === undefined) return undefined;
    this.local.delete(connectionId);
    const left = (this.perUser.get(userId) ?? 1) - 1;
    if (left > 0) this.perUser.set(userId, left);
    else this.perUser.delete(userId);
    await this.write(node, userId);
    return userId;
  }

  async connected(userIds: readonly string[]): Promise<ReadonlySet<string> | undefined> {
    if (userIds.length === 0) return new Set();
    const nodes = await this.redis.smembers(this.nodesKey());
    const read = this.redis.multi().get(this.epochKey());
    for (const node of nodes) read.hmget(this.hashKey(node), ...userIds);
    const results = (await read.exec()) ?? [];
    const [epochError, epoch] = results[0] ?? [null, null];
    if (epochError) throw epochError;
    if (await this.lost(epoch as string | null)) return undefined;
    if (this.now() < this.unsureUntil) return undefined;
    const found = new Set(userIds.filter((userId) => this.perUser.has(userId)));
    for (const [error, values] of results.slice(1)) {
      if (error) throw error;
      (values as (string | null)[]).forEach((value, i) => {
        if (value !== null && Number(value) > 0) found.add(userIds[i]!);
      });
    }
    return found;
  }

  nodes(): Promise<string[]> {
    return this.redis.smembers(this.nodesKey());
  }

  usersOn(node: string): Promise<string[]> {
    return this.redis.hkeys(this.hashKey(node));
  }

  async forget(node: string): Promise<void> {
    await this.redis.multi().del(this.hashKey(node)).srem(this.nodesKey(), node).exec();
  }

  async refresh(node: string): Promise<void> {
    this.node = node;
    const results =
      (await this.redis
        .multi()
        .get(this.epochKey())
        .pexpire(this.hashKey(node), 2 * this.timeoutMs)
        .sadd(this.nodesKey(), node)
        .exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    if (await this.lost((results[0]?.[1] ?? null) as string | null)) return;
    if (this.dirty || (results[1]?.[1] === 0 && this.perUser.size > 0)) await this.rewrite(node);
  }

  localCount(): number {
    return this.local.size;
  }

  /** Whether Redis lost its data since this node last looked; if so, writes this node's hash back. */
  private async lost(epoch: string | null): Promise<boolean> {
    if (epoch !== null && epoch === this.epoch) return false;
    if (epoch !== null && this.epoch === undefined) {
      this.epoch = epoch;
      return false;
    }
    // Missing (lost, or a new Redis), or set anew by a node that found it missing.
    await this.redis.set(this.epochKey(), randomUUID(), 'NX');
    this.epoch = (await this.redis.get(this.epochKey())) ?? undefined;
    this.unsureUntil = this.now() + this.timeoutMs;
    if (this.node !== undefined) await this.rewrite(this.node);
    return true;
  }

  private async write(node: string, userId: string): Promise<void> {
    const count = this.perUser.get(userId) ?? 0;
    const write = this.redis.multi();
    if (count > 0) write.hset(this.hashKey(node), userId, count);
    else write.hdel(this.hashKey(node), userId);
    write.pexpire(this.hashKey(node), 2 * this.timeoutMs).sadd(this.nodesKey(), node);
    try {
      const results = (await write.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
    } catch {
      // Redis is away: this node still knows its sockets, and its next heartbeat writes them all back.
      this.dirty = true;
    }
  }

  private async rewrite(node: string): Promise<void> {
    const write = this.redis.multi().del(this.hashKey(node));
    if (this.perUser.size > 0) write.hset(this.hashKey(node), Object.fromEntries(this.perUser));
    write.pexpire(this.hashKey(node), 2 * this.timeoutMs).sadd(this.nodesKey(), node);
    const results = (await write.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    this.dirty = false;
  }

  private hashKey(node: string): string {
    return `${this.cluster}:connections:${node}`;
  }

  private nodesKey(): string {
    return `${this.cluster}:connection-nodes`;
  }

  private epochKey(): string {
    return `${this.cluster}:connections-epoch`;
  }
}
