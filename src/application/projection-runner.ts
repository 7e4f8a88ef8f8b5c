import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from './ports/app-config';
import { EventStore, type RecordedEvent, type Subscription } from './ports/event-store.port';
import { Notifier } from './ports/notifier.port';
import { FilesReadModel } from './read-models/files.read-model';
import { RoomsReadModel } from './read-models/rooms.read-model';
import { UsersReadModel } from './read-models/users.read-model';
import type { Projection } from './read-models/projection';

/**
 * Feeds the log, in position order, into the read models: first the whole history (replay at
 * start), then every new event. Events this node appended after start are also pushed to clients.
 */
@Injectable()
export class ProjectionRunner implements OnApplicationShutdown {
  private readonly logger = new Logger(ProjectionRunner.name);
  private readonly projections: Projection[];
  private subscription: Subscription | undefined;
  private position = 0;
  private replayedUpTo = Number.POSITIVE_INFINITY;
  private waiters: { position: number; resolve: () => void }[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly notifier: Notifier,
    private readonly config: AppConfig,
    rooms: RoomsReadModel,
    users: UsersReadModel,
    files: FilesReadModel,
  ) {
    this.projections = [rooms, users, files];
  }

  /** Replays the log and starts following it. Resolves once the read models are caught up. */
  async start(): Promise<void> {
    const head = await this.store.headPosition();
    this.replayedUpTo = head;
    const started = Date.now();
    this.subscription = this.store.subscribe(this.position, (event) => this.apply(event));
    await this.waitFor(head);
    this.logger.log({ events: head, ms: Date.now() - started }, 'read models rebuilt from the log');
  }

  get caughtUpTo(): number {
    return this.position;
  }

  /** Resolves once the read models have seen every event up to `position`. */
  waitFor(position: number): Promise<void> {
    if (position <= this.position) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  onApplicationShutdown(): void {
    this.subscription?.close();
  }

  private apply(event: RecordedEvent): void {
    for (const projection of this.projections) {
      try {
        projection.apply(event);
      } catch (error) {
        this.logger.error({ err: error, position: event.position, type: event.type }, 'projection failed');
      }
    }
    this.position = event.position;
    if (event.position > this.replayedUpTo && event.metadata.node === this.config.nodeId) {
      try {
        this.notifier.publish(event);
      } catch (error) {
        this.logger.error({ err: error, position: event.position, type: event.type }, 'push failed');
      }
    }
    if (this.waiters.length > 0) this.release();
  }

  private release(): void {
    const due = this.waiters.filter((w) => w.position <= this.position);
    if (due.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.position > this.position);
    for (const waiter of due) waiter.resolve();
  }
}
