import {
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

/**
 * An event store that lives in this process (memory, or a SQLite file this process writes).
 * Appends are synchronous, so subscribers are told about them before `append` resolves: a command
 * that returns has already been projected.
 */
export abstract class LocalEventStore extends EventStore {
  private readonly subscribers = new Set<(events: readonly RecordedEvent[]) => void>();

  override get exclusiveWriter(): boolean {
    return true;
  }

  protected abstract appendSync(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): RecordedEvent[];
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
    let recorded: RecordedEvent[];
    try {
      recorded = this.appendSync(streamId, events, expectedVersion);
    } catch (error) {
      return Promise.reject(error);
    }
    for (const subscriber of this.subscribers) subscriber(recorded);
    const last = recorded[recorded.length - 1];
    return Promise.resolve({ nextVersion: last?.version ?? 0, events: recorded });
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
