import {
  EventStore,
  type AppendResult,
  type AuthoredType,
  type ExpectedVersion,
  type NewEvent,
  type RecordedEvent,
  type RoomEventKind,
  type SeqRange,
  type Snapshot,
  type Subscription,
  type VersionRange,
} from '../../application/ports/event-store.port';

/**
 * Events read at a time when a subscription catches up (a first start folds the whole log so). A
 * page's events are all alive until it is folded: pages that fit V8's young generation die there,
 * cheaply, where pages of 5,000 outlived it and went to the old generation for the full collector
 * (1,000,000 events: fold 8.0 s → 3.4 s, RSS when ready 230 → 167 MB).
 */
const CATCH_UP_BATCH = 500;
/** A batch holding this many appends is written at once rather than at the end of the turn. */
export const MAX_BATCH = 1000;

/** An append waiting for its batch to be written. */
export type PendingAppend = {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedVersion: ExpectedVersion;
};

type Queued = PendingAppend & { resolve: (result: AppendResult) => void; reject: (error: unknown) => void };

/** For each append of a batch, its recorded events or the error that refused it. */
export type BatchOutcomes = (RecordedEvent[] | Error)[];

/**
 * An event store that lives in this process (memory, or a SQLite file this process writes).
 * Group commit: appends are written in batches, in call order, each batch as one transaction (one
 * disk sync for all of it). A batch gathers the appends made within one turn of the event loop, and,
 * while a batch is being written, every append made meanwhile. Each append keeps its own outcome: a
 * conflict or a repeated client id fails only that append. Subscribers are told about a batch's
 * events once it is written and before any of its appends resolves, so a command that returns has
 * already been projected.
 */
export abstract class LocalEventStore extends EventStore {
  private readonly subscribers = new Set<(events: readonly RecordedEvent[]) => void>();
  private queued: Queued[] = [];
  private scheduled = false;
  private writing = false;
  private idle: (() => void)[] = [];

  override get exclusiveWriter(): boolean {
    return true;
  }

  /**
   * Writes a batch of appends in order, each all or nothing; returns, for each, its recorded events
   * or the error that refused it (a conflict, a repeated client id). Throws (or rejects) when the
   * batch as a whole could not be written (a storage failure): none of it is stored then.
   */
  protected abstract appendBatch(batch: readonly PendingAppend[]): BatchOutcomes | Promise<BatchOutcomes>;
  /** `limit`: at most that many events; Infinity, all of them. */
  protected abstract readStreamSync(streamId: string, fromVersion: number, limit: number): RecordedEvent[];
  protected abstract readStreamBackwardSync(streamId: string, beforeVersion: number, limit: number): RecordedEvent[];
  protected abstract readRoomEventsSync(streamId: string, kind: RoomEventKind, range: VersionRange, limit: number): RecordedEvent[];
  protected abstract readMessagesSync(streamId: string, range: SeqRange, limit: number): RecordedEvent[];
  protected abstract countMessagesSync(streamId: string, after: number, before: number, exceptSender: string): number;
  protected abstract countConversationSync(userA: string, userB: string, after: number, before: number, from: string): number;
  protected abstract readMessageEventsSync(streamId: string, messageIds: readonly string[]): RecordedEvent[];
  protected abstract findByClientIdSync(streamId: string, senderId: string, clientId: string): RecordedEvent | undefined;
  protected abstract readFileSharesSync(fileId: string): RecordedEvent[];
  protected abstract readAuthoredSync(userId: string, type: AuthoredType, afterPosition: number, limit: number): RecordedEvent[];
  protected abstract readConversationSync(userA: string, userB: string, beforePosition: number, limit: number): RecordedEvent[];
  protected abstract readConversationAfterSync(userA: string, userB: string, afterPosition: number, limit: number): RecordedEvent[];
  protected abstract readAllSync(fromPosition: number, limit: number): RecordedEvent[];
  protected abstract headPositionSync(): number;
  protected abstract readSnapshotSync(name: string): Snapshot | undefined;
  protected abstract writeSnapshotSync(name: string, snapshot: Snapshot): void;

  readSnapshot(name: string): Promise<Snapshot | undefined> {
    return this.attempt(() => this.readSnapshotSync(name));
  }

  writeSnapshot(name: string, snapshot: Snapshot): Promise<void> {
    return this.attempt(() => this.writeSnapshotSync(name, snapshot));
  }

  append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queued.push({ streamId, events, expectedVersion, resolve, reject });
      if (this.writing) return;
      if (this.queued.length >= MAX_BATCH) this.write();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.write();
        });
      }
    });
  }

  /** Resolves once every append made so far is written (or refused). */
  protected settled(): Promise<void> {
    if (!this.writing && this.queued.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Writes the next batch of queued appends. */
  private write(): void {
    if (this.writing) return;
    const batch = this.queued.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    let outcomes: BatchOutcomes | Promise<BatchOutcomes>;
    try {
      outcomes = this.appendBatch(batch);
    } catch (error) {
      return this.answer(batch, error);
    }
    if (!(outcomes instanceof Promise)) return this.answer(batch, outcomes);
    this.writing = true;
    outcomes.then(
      (written) => this.answer(batch, written),
      (error: unknown) => this.answer(batch, error),
    );
  }

  /**
   * Tells the subscribers about a written batch (or, given an error, about nothing), answers each of
   * its appends, and writes what was queued meanwhile.
   */
  private answer(batch: readonly Queued[], outcomes: unknown): void {
    this.writing = false;
    if (!Array.isArray(outcomes)) {
      for (const append of batch) append.reject(outcomes);
    } else {
      const written = outcomes as BatchOutcomes;
      const recorded = written.flatMap((outcome) => (outcome instanceof Error ? [] : outcome));
      if (recorded.length > 0) for (const subscriber of this.subscribers) subscriber(recorded);
      batch.forEach((append, i) => {
        const outcome = written[i]!;
        if (outcome instanceof Error) return append.reject(outcome);
        append.resolve({ nextVersion: outcome[outcome.length - 1]?.version ?? 0, events: outcome });
      });
    }
    // Appends made while this batch was written go out now; the ones of the current turn at its end.
    if (this.queued.length >= MAX_BATCH || (this.queued.length > 0 && !this.scheduled)) this.write();
    if (!this.writing && this.queued.length === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  readStream(streamId: string, fromVersion = 1, limit = Number.POSITIVE_INFINITY): Promise<RecordedEvent[]> {
    return this.attempt(() => (limit > 0 ? this.readStreamSync(streamId, fromVersion, limit) : []));
  }

  readStreamBackward(streamId: string, beforeVersion: number, limit: number): Promise<RecordedEvent[]> {
    return this.attempt(() => (limit > 0 ? this.readStreamBackwardSync(streamId, beforeVersion, limit) : []));
  }

  readRoomEvents(streamId: string, kind: RoomEventKind, range: VersionRange, limit: number): Promise<RecordedEvent[]> {
    return this.attempt(() => (limit > 0 ? this.readRoomEventsSync(streamId, kind, range, limit) : []));
  }

  countMessages(streamId: string, range: { readonly after: number; readonly before: number }, exceptSender: string): Promise<number> {
    return this.attempt(() =>
      range.before - range.after > 1 ? this.countMessagesSync(streamId, range.after, range.before, exceptSender) : 0,
    );
  }

  countConversation(
    userA: string,
    userB: string,
    range: { readonly after: number; readonly before: number },
    from: string,
  ): Promise<number> {
    return this.attempt(() =>
      range.before - range.after > 1 ? this.countConversationSync(userA, userB, range.after, range.before, from) : 0,
    );
  }

  readMessages(streamId: string, range: SeqRange, limit: number): Promise<RecordedEvent[]> {
    return this.attempt(() => (limit > 0 ? this.readMessagesSync(streamId, range, limit) : []));
  }

  readMessageEvents(streamId: string, messageIds: readonly string[]): Promise<RecordedEvent[]> {
    return this.attempt(() => (messageIds.length > 0 ? this.readMessageEventsSync(streamId, messageIds) : []));
  }

  findByClientId(streamId: string, senderId: string, clientId: string): Promise<RecordedEvent | undefined> {
    return this.attempt(() => this.findByClientIdSync(streamId, senderId, clientId));
  }

  readFileShares(fileId: string): Promise<RecordedEvent[]> {
    return this.attempt(() => this.readFileSharesSync(fileId));
  }

  readAuthored(userId: string, type: AuthoredType, afterPosition: number, limit: number): Promise<RecordedEvent[]> {
    return this.attempt(() => (limit > 0 ? this.readAuthoredSync(userId, type, afterPosition, limit) : []));
  }

  readConversation(userA: string, userB: string, beforePosition: number, limit: number): Promise<RecordedEvent[]> {
    return this.attempt(() => (limit > 0 ? this.readConversationSync(userA, userB, beforePosition, limit) : []));
  }

  readConversationAfter(userA: string, userB: string, afterPosition: number, limit: number): Promise<RecordedEvent[]> {
    return this.attempt(() => (limit > 0 ? this.readConversationAfterSync(userA, userB, afterPosition, limit) : []));
  }

  readAll(fromPosition: number, limit: number): Promise<RecordedEvent[]> {
    return this.attempt(() => this.readAllSync(fromPosition, limit));
  }

  headPosition(): Promise<number> {
    return this.attempt(() => this.headPositionSync());
  }

  subscribe(fromPosition: number, handler: (event: RecordedEvent) => void): Subscription {
    let position = fromPosition;
    for (let batch = this.readAllSync(position, CATCH_UP_BATCH); batch.length > 0; batch = this.readAllSync(position, CATCH_UP_BATCH)) {
      for (const event of batch) {
        handler(event);
        position = event.position;
      }
    }
    const subscriber = (events: readonly RecordedEvent[]): void => {
      for (const event of events) {
        if (event.position <= position) continue;
        position = event.position;
        handler(event);
      }
    };
    this.subscribers.add(subscriber);
    return { close: () => this.subscribers.delete(subscriber) };
  }

  private attempt<T>(read: () => T): Promise<T> {
    try {
      return Promise.resolve(read());
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
