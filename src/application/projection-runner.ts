import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from './ports/app-config';
import { EventStore, StoreUnavailableError, type RecordedEvent, type Subscription } from './ports/event-store.port';
import { Notifier } from './ports/notifier.port';
import { FilesReadModel } from './read-models/files.read-model';
import { RoomsReadModel } from './read-models/rooms.read-model';
import { UsersReadModel } from './read-models/users.read-model';
import type { Projection } from './read-models/projection';
import { decodeState, encodeState } from './state-codec';

const SNAPSHOT = 'read-models';
/**
 * The shape of the saved read models. Change it whenever what a read model exports, or how it folds
 * an event, changes: a snapshot of another shape is then ignored and the models rebuilt from the log.
 */
const SNAPSHOT_SCHEMA = 'read-models/4';

/**
 * Feeds the log, in position order, into the read models: at start, the saved snapshot (if it is of
 * this shape) and the events after it, or the whole log; then every new event. Events this node
 * appended after start are also pushed to clients. The models are saved again every
 * SNAPSHOT_EVERY events and at a clean stop.
 */
@Injectable()
export class ProjectionRunner implements OnApplicationShutdown {
  private readonly logger = new Logger(ProjectionRunner.name);
  private readonly projections: Projection[];
  private subscription: Subscription | undefined;
  private position = 0;
  private replayedUpTo = Number.POSITIVE_INFINITY;
  private waiters: { position: number; resolve: () => void }[] = [];
  private readonly named: (readonly [string, Projection])[];
  private readonly schema: string;
  private savedAt = 0;
  private saving: Promise<void> | undefined;
  private following = false;
  /** Told of every event after the read models (the command executor, with a shared store). */
  private readonly observers: ((event: RecordedEvent) => void)[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly notifier: Notifier,
    private readonly config: AppConfig,
    rooms: RoomsReadModel,
    users: UsersReadModel,
    files: FilesReadModel,
  ) {
    this.named = [
      ['rooms', rooms],
      ['users', users],
      ['files', files],
    ];
    this.projections = this.named.map(([, projection]) => projection);
    // What the models hold depends on these settings too.
    this.schema = `${SNAPSHOT_SCHEMA};window=${config.historyWindow};rooms=${JSON.stringify(config.chatRooms)}`;
  }

  /** Restores the snapshot, replays the log after it and starts following. Resolves once caught up. */
  async start(): Promise<void> {
    const started = Date.now();
    const from = this.config.rebuild ? 0 : await this.restore();
    const head = await this.store.headPosition();
    this.replayedUpTo = head;
    this.position = from;
    this.savedAt = from;
    this.subscription = this.store.subscribe(from, (event) => this.apply(event));
    await this.waitFor(head);
    this.following = true;
    this.logger.log({ snapshotAt: from, events: head - from, ms: Date.now() - started }, 'read models caught up with the log');
    // The next start should not have to fold these events again.
    if (head > from) await this.saveSnapshot();
  }

  /** The position the saved snapshot is valid at, with the models restored to it; 0 when there is none to use. */
  private async restore(): Promise<number> {
    let snapshot;
    try {
      snapshot = await this.store.readSnapshot(SNAPSHOT);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      this.logger.warn({ err: error }, 'the read models snapshot is damaged: rebuilding from the log');
      return 0;
    }
    if (snapshot === undefined) return 0;
    if (snapshot.schema !== this.schema) {
      this.logger.warn(
        { saved: snapshot.schema, expected: this.schema },
        'the read models snapshot is of another version: rebuilding from the log',
      );
      return 0;
    }
    try {
      const state = decodeState(snapshot.data) as Record<string, unknown>;
      for (const [name, projection] of this.named) projection.importState(state[name]);
      return snapshot.position;
    } catch (error) {
      for (const projection of this.projections) projection.reset();
      this.logger.warn({ err: error }, 'the read models snapshot does not load: rebuilding from the log');
      return 0;
    }
  }

  /**
   * Saves the read models as of the last event applied (captured at once, written in the background).
   * A failed write is logged and changes nothing: the previous snapshot, or the log, still holds.
   */
  saveSnapshot(): Promise<void> {
    // One write at a time; a call during one saves again once it is done, with what is newer.
    if (this.saving !== undefined) return this.saving.then(() => this.saveSnapshot());
    const position = this.position;
    if (position === this.savedAt) return Promise.resolve();
    const data = encodeState(Object.fromEntries(this.named.map(([name, projection]) => [name, projection.exportState()])));
    this.saving = this.store
      .writeSnapshot(SNAPSHOT, { schema: this.schema, position, data })
      .then(
        () => {
          this.savedAt = position;
        },
        (error: unknown) => this.logger.warn({ err: error, position }, 'could not save the read models snapshot'),
      )
      .finally(() => {
        this.saving = undefined;
      });
    return this.saving;
  }

  get caughtUpTo(): number {
    return this.position;
  }

  /** `observer` is told of every event this node follows from the log, once the read models applied it. */
  observe(observer: (event: RecordedEvent) => void): void {
    this.observers.push(observer);
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
    for (const observer of this.observers) observer(event);
    this.position = event.position;
    if (
      this.following &&
      this.config.snapshotEvery > 0 &&
      this.saving === undefined &&
      this.position - this.savedAt >= this.config.snapshotEvery
    ) {
      void this.saveSnapshot();
    }
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
