import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from './ports/app-config';
import { Clock } from './ports/clock.port';
import { ConnectionRegistry } from './ports/connection-registry.port';
import { NodeRegistry } from './ports/node-registry.port';
import { PresenceKeeper } from './presence-keeper';

/**
 * This node's part in the cluster: it heartbeats (its node key, and its connections in the
 * `ConnectionRegistry`), tells which nodes are dead, forgets the connections dead nodes (a previous run
 * of this one included) left registered and starts the grace period of their users, and has the
 * presence keeper repair what they left half done. It runs once at start and then every third of
 * NODE_TIMEOUT_MS.
 */
@Injectable()
export class ClusterLiveness {
  private readonly logger = new Logger(ClusterLiveness.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;
  /** When (on this node's clock) each node last heartbeated, as far as this node saw; as many entries as there are nodes. */
  private readonly lastSeen = new Map<string, number>();
  /** Since when the registry has answered without a break; unset while it does not. */
  private reachableSince: number | undefined;

  constructor(
    private readonly registry: NodeRegistry,
    private readonly connections: ConnectionRegistry,
    private readonly presence: PresenceKeeper,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async start(): Promise<void> {
    await this.heartbeat();
    this.reachableSince = this.now();
    await this.sweep();
    this.timer = setInterval(() => void this.tick(), Math.max(250, Math.floor(this.config.nodeTimeoutMs / 3)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async leave(): Promise<void> {
    await this.registry
      .leave(this.config.nodeId)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not leave the cluster'));
    await this.registry.close();
  }

  private async tick(): Promise<void> {
    try {
      await this.heartbeat();
      this.reachableSince ??= this.now();
    } catch (error) {
      this.reachableSince = undefined;
      this.logger.warn({ err: error }, 'heartbeat failed; retrying');
      return;
    }
    try {
      await this.sweep();
    } catch (error) {
      this.logger.warn({ err: error }, 'sweep failed; retrying');
    }
  }

  /**
   * A node is dead once the registry has answered for a whole NODE_TIMEOUT_MS and the node's last
   * heartbeat this node saw is as old. So a node that just started, a Redis outage, or a Redis that came
   * back without its keys takes no live node for dead: live nodes heartbeat again well within it.
   */
  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const now = this.now();
      // When the heartbeat was written, not when it was read: a key read just before it expires is a
      // whole NODE_TIMEOUT_MS old, and its node is dead at the next sweep, not one more timeout later.
      for (const [node, age] of await this.registry.aliveNodes()) {
        this.lastSeen.set(node, Math.max(this.lastSeen.get(node) ?? 0, now - age));
      }
      const settled = this.reachableSince !== undefined && now - this.reachableSince >= this.config.nodeTimeoutMs;
      const isAlive = (node: string): boolean =>
        node === this.config.nodeId ||
        (this.registry.shared && (!settled || now - (this.lastSeen.get(node) ?? 0) < this.config.nodeTimeoutMs));
      for (const node of await this.connections.nodes()) {
        if (isAlive(node)) continue;
        const users = await this.connections.usersOn(node);
        await this.connections.forget(node);
        for (const userId of users) this.presence.startGracePeriod(userId);
      }
      await this.presence.repair();
    } finally {
      this.sweeping = false;
    }
  }

  private async heartbeat(): Promise<void> {
    await this.registry.heartbeat(this.config.nodeId);
    await this.connections.refresh(this.config.nodeId);
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
