import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PresenceKeeper } from '../application/commands/presence.commands';
import { CommandExecutor } from '../application/handle-command';
import { AppConfig } from '../application/ports/app-config';
import { BlobStore } from '../application/ports/blob-store.port';
import { EventStore } from '../application/ports/event-store.port';
import { NodeRegistry } from '../application/ports/node-registry.port';
import { ProjectionRunner } from '../application/projection-runner';

/**
 * Start: rebuild the read models from the log, announce this node, and close the connections
 * that nodes no longer alive left open (a previous run of this one included); keep doing both
 * while running. Stop (after the sockets are closed): let in-flight commands finish, leave the
 * cluster, close the store.
 */
@Injectable()
export class Lifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;
  /** When this node last saw each node's heartbeat. */
  private readonly lastSeen = new Map<string, number>();
  /** Since when the registry has answered without a break; unset while it does not. */
  private reachableSince: number | undefined;

  constructor(
    private readonly projections: ProjectionRunner,
    private readonly presence: PresenceKeeper,
    private readonly executor: CommandExecutor,
    private readonly registry: NodeRegistry,
    private readonly config: AppConfig,
    private readonly store: EventStore,
    private readonly blobs: BlobStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.projections.start();
    await this.registry.heartbeat(this.config.nodeId);
    this.reachableSince = Date.now();
    await this.sweep();
    this.timer = setInterval(() => void this.tick(), Math.max(250, Math.floor(this.config.nodeTimeoutMs / 3)));
    this.timer.unref();
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    clearInterval(this.timer);
    await this.executor.drain();
    await this.registry
      .leave(this.config.nodeId)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not leave the cluster'));
    await this.registry.close();
    await this.store.close();
    await this.blobs.close();
    this.logger.log({ signal }, 'commands drained, event store closed');
  }

  private async tick(): Promise<void> {
    try {
      await this.registry.heartbeat(this.config.nodeId);
      this.reachableSince ??= Date.now();
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
   * A node is dead once the registry has answered for a whole NODE_TIMEOUT_MS and this node has not
   * seen its heartbeat for as long. So a node that just started, a Redis outage, or a Redis that came
   * back without its keys takes no live node for dead: live nodes heartbeat again well within it.
   */
  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const now = Date.now();
      for (const node of await this.registry.aliveNodes()) this.lastSeen.set(node, now);
      const settled = this.reachableSince !== undefined && now - this.reachableSince >= this.config.nodeTimeoutMs;
      const isAlive = (node: string): boolean =>
        node === this.config.nodeId ||
        (this.registry.shared && (!settled || now - (this.lastSeen.get(node) ?? 0) < this.config.nodeTimeoutMs));
      await this.presence.reap(isAlive);
    } finally {
      this.sweeping = false;
    }
  }
}
