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
      await this.sweep();
    } catch (error) {
      this.logger.warn({ err: error }, 'heartbeat or sweep failed; retrying');
    }
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const alive = await this.registry.aliveNodes();
      await this.presence.reap((node) => node === this.config.nodeId || alive.has(node));
    } finally {
      this.sweeping = false;
    }
  }
}
