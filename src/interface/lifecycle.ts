import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PresenceKeeper } from '../application/commands/presence.commands';
import { CommandExecutor } from '../application/handle-command';
import { AppConfig } from '../application/ports/app-config';
import { EventStore } from '../application/ports/event-store.port';
import { ProjectionRunner } from '../application/projection-runner';

/**
 * Start: rebuild the read models from the log, then close the connections a previous run of this
 * server left open. Stop (after the sockets are closed): let in-flight commands finish, then
 * close the store.
 */
@Injectable()
export class Lifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');

  constructor(
    private readonly projections: ProjectionRunner,
    private readonly presence: PresenceKeeper,
    private readonly executor: CommandExecutor,
    private readonly config: AppConfig,
    private readonly store: EventStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.projections.start();
    await this.presence.reap((node) => node === this.config.nodeId);
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    await this.executor.drain();
    await this.store.close();
    this.logger.log({ signal }, 'commands drained, event store closed');
  }
}
