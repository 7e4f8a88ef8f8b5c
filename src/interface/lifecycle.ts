import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ClusterLiveness } from '../application/cluster-liveness';
import { CommandExecutor } from '../application/command-executor';
import { FileExpiry } from '../application/file-expiry';
import { LegacyClaims } from '../application/legacy-claims';
import { BlobStore } from '../application/ports/blob-store.port';
import { EventStore } from '../application/ports/event-store.port';
import { ProjectionRunner } from '../application/projection-runner';

/**
 * Start: rebuild the read models from the log, carry old name claims over to their skeleton streams
 * (`LegacyClaims`), then join the cluster (which closes what dead
 * nodes left open), then start the expiry of unshared files. Stop (after the sockets are closed):
 * stop expiring, let in-flight commands finish, leave the cluster, close the store.
 */
@Injectable()
export class Lifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');

  constructor(
    private readonly projections: ProjectionRunner,
    private readonly liveness: ClusterLiveness,
    private readonly executor: CommandExecutor,
    private readonly store: EventStore,
    private readonly blobs: BlobStore,
    private readonly expiry: FileExpiry,
    private readonly legacyClaims: LegacyClaims,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.projections.start();
    await this.legacyClaims.carryOver();
    await this.liveness.start();
    this.expiry.start();
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.liveness.stop();
    await this.expiry.stop();
    await this.executor.drain();
    await this.projections.saveSnapshot();
    await this.liveness.leave();
    await this.store.close();
    await this.blobs.close();
    this.logger.log({ signal }, 'commands drained, event store closed');
  }
}
