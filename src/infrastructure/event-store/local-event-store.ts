import {
  ConcurrencyError,
  DuplicateClientIdError,
  EventStore,
  type AppendResult,
  type ExpectedVersion,
  type NewEvent,
  type RecordedEvent,
  type SeqRange,
  type Snapshot,
  type Subscription,
} from '../../application/ports/event-store.port';

const CATCH_UP_BATCH = 5000;
/** A batch holding this many appends is written at once rather than at the end of the turn. */
export const MAX_BATCH = 1000;

/** An append waiting for its batch to be written. */
export type PendingAppend = {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedVersion: ExpectedVersion;
};

type Queued = PendingAppend & { resolve: (result: AppendResult) => void; reject: (error: unknown) => void };

/**
 * An event store that lives in this process (memory, or a SQLite file this process writes).
 * Group commit: the appends made within one turn of the event loop are written together, in call
 * order, as one transaction (one disk sync for all of them), at the end of the turn. Each keeps its
 * own outcome: a conflict or a repeated client id fails only that append. Subscribers are told about
 * a batch's events once it is written and before any of its appends resolves, so a command that
 * returns has already been projected.
 */
export abstract class LocalEventStore extends EventStore {
  private readonly subscribers = new Set<(events: readonly RecordedEvent[]) => void>();
  private queued: Queued[] = [];

  override get exclusiveWriter(): boolean {
    return true;
  }

  protected abstract appendSync(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): RecordedEvent[];
  /**
   * Writes a batch of appends in order, each all or nothing; returns, for each, its recorded events
   * or the error that refused it (a conflict, a repeated client id). Throws when the batch as a whole
   * could not be written (a storage failure): none of it is stored then.
   */
  protected appendBatchSync(batch: readonly PendingAppend[]): (RecordedEvent[] | Error)[] {
    return batch.map(({ streamId, events, expectedVersion }) => {
      try {
        return this.appendSync(streamId, events, expectedVersion);
      } catch (error) {
        if (error instanceof ConcurrencyError || error instanceof DuplicateClientIdError) return error;
        throw error;
      }
    });
  }
  protected abstract readStreamSync(streamId: string, fromVersion: number): RecordedEvent[];
  protected abstract readStreamBackwardSync(streamId: string, beforeVersion: number, limit: number): RecordedEvent[];
  protected abstract readMessagesSync(streamId: string, range: SeqRange, limit: number): RecordedEvent[];
  protected abstract readMessageEventsSync(streamId: string, messageIds: readonly string[]): RecordedEvent[];
  protected abstract findByClientIdSync(streamId: string, senderId: string, clientId: string): RecordedEvent | undefined;
  protected abstract readFileSharesSync(fileId: string): RecordedEvent[];
  protected abstract readConversationSync(userA: string, userB: string, beforePosition: number, limit: number): RecordedEvent[];
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
      if (this.queued.length === 1) setImmediate(() => this.write());
      else if (this.queued.length >= MAX_BATCH) this.write();
    });
  }

  /** Writes the queued appends as one batch, tells the subscribers, then answers each append. */
  private write(): void {
    const batch = this.queued;
    if (batch.length === 0) return;
    this.queued = [];
    let outcomes: (RecordedEvent[] | Error)[];
    try {
      outcomes = this.appendBatchSync(batch);
    } catch (error) {
      for (const append of batch) append.reject(error);
      return;
    }
    const recorded = outcomes.flatMap((outcome) => (outcome instanceof Error ? [] : outcome));
    if (recorded.length > 0) for (const subscriber of this.subscribers) subscriber(recorded);
    batch.forEach((append, i) => {
      const outcome = outcomes[i]!;
      if (outcome instanceof Error) return append.reject(outcome);
      const last = outcome[outcome.length - 1];
      append.resolve({ nextVersion: last?.version ?? 0, events: outcome });
    });
  }

  readStream(streamId: string, fromVersion = 1): Promise<RecordedEvent[]> {
    return this.attempt(() => this.readStreamSync(streamId, fromVersion));
  }

  readStreamBackward(streamId: string, beforeVersion: number, limit: number): Promise<RecordedEvent[]> {
    return this.attempt(() => (limit > 0 ? this.readStreamBackwardSync(streamId, beforeVersion, limit) : []));
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

  readConversation(userA: string, userB: string, beforePosition: number, limit: number): Promise<RecordedEvent[]> {
    return this.attempt(() => (limit > 0 ? this.readConversationSync(userA, userB, beforePosition, limit) : []));
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
