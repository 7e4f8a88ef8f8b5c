import {
  ConcurrencyError,
  DuplicateClientIdError,
  type ExpectedVersion,
  type NewEvent,
  type AuthoredType,
  type RecordedEvent,
  type SeqRange,
  type Snapshot,
  type RoomEventKind,
  type VersionRange,
} from '../../application/ports/event-store.port';
import { LocalEventStore, type BatchOutcomes, type PendingAppend } from './local-event-store';
import { authorOf, clientIdOf, messageIdOf, PRIVATE_TYPES, ROOM_EVENT_TYPES } from './stored-event';

const clientKey = (senderId: string, clientId: string): string => `${senderId}\u0000${clientId}`;

/** An event of the private conversation of these two users (a message, either way, or with `changes` a change to one). */
const between = (event: RecordedEvent, userA: string, userB: string, changes = false): boolean => {
  if (changes ? !PRIVATE_TYPES.has(event.type) : event.type !== 'PrivateMessageSent') return false;
  const { fromUserId, toUserId } = event.data as { fromUserId: string; toUserId: string };
  return (fromUserId === userA && toUserId === userB) || (fromUserId === userB && toUserId === userA);
};

/** The log in an array, for specs and `EVENT_STORE=memory`; the message lookups walk the stream. */
export class InMemoryEventStore extends LocalEventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  /** stream → sender and client id → the message, as the SQL stores' unique index. */
  private readonly clientIds = new Map<string, Map<string, RecordedEvent>>();
  /** Author and type → their events in log order, as the SQL stores' author index. */
  private readonly authored = new Map<string, RecordedEvent[]>();

  protected appendBatch(batch: readonly PendingAppend[]): BatchOutcomes {
    return batch.map(({ streamId, events, expectedVersion }) => {
      try {
        return this.appendOne(streamId, events, expectedVersion);
      } catch (error) {
        if (error instanceof ConcurrencyError || error instanceof DuplicateClientIdError) return error;
        throw error;
      }
    });
  }

  private appendOne(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): RecordedEvent[] {
    const stream = this.streams.get(streamId) ?? [];
    if (expectedVersion !== 'any' && stream.length !== expectedVersion) {
      throw new ConcurrencyError(streamId, expectedVersion, stream.length);
    }
    const used = this.clientIds.get(streamId) ?? new Map<string, RecordedEvent>();
    const version = stream.length;
    const recorded = events.map((event, i): RecordedEvent => ({
      ...event,
      streamId,
      version: version + i + 1,
      position: this.log.length + i + 1,
    }));
    const keys = recorded.map((event) => [clientIdOf(event), event] as const).filter(([key]) => key !== undefined);
    for (const [key] of keys) {
      if (used.has(clientKey(key!.senderId, key!.clientId))) throw new DuplicateClientIdError(streamId, key!.senderId, key!.clientId);
    }
    for (const [key, event] of keys) used.set(clientKey(key!.senderId, key!.clientId), event);
    this.clientIds.set(streamId, used);
    this.streams.set(streamId, stream);
    stream.push(...recorded);
    this.log.push(...recorded);
    for (const event of recorded) {
      const author = authorOf(event);
      if (author === undefined) continue;
      const key = clientKey(author, event.type);
      const list = this.authored.get(key);
      if (list === undefined) this.authored.set(key, [event]);
      else list.push(event);
    }
    return recorded;
  }

  protected readStreamSync(streamId: string, fromVersion: number, limit: number): RecordedEvent[] {
    const start = Math.max(0, fromVersion - 1);
    return (this.streams.get(streamId) ?? []).slice(start, limit === Number.POSITIVE_INFINITY ? undefined : start + limit);
  }

  protected readStreamBackwardSync(streamId: string, beforeVersion: number, limit: number): RecordedEvent[] {
    const stream = this.streams.get(streamId) ?? [];
    const end = Math.min(stream.length, Math.max(0, beforeVersion - 1));
    return stream.slice(Math.max(0, end - limit), end).reverse();
  }

  protected readRoomEventsSync(streamId: string, kind: RoomEventKind, range: VersionRange, limit: number): RecordedEvent[] {
    const stream = this.streams.get(streamId) ?? [];
    const wanted = new Set(ROOM_EVENT_TYPES[kind]);
    return stream
      .slice(Math.max(0, range.afterVersion), Math.max(0, range.beforeVersion - 1))
      .filter((event) => wanted.has(event.type))
      .slice(0, limit);
  }

  protected countMessagesSync(streamId: string, after: number, before: number, exceptSender: string): number {
    const events = this.streams.get(streamId) ?? [];
    const deleted = new Set(events.filter((e) => e.type === 'MessageDeleted' || e.type === 'MessageRemoved').map((e) => e.data.messageId));
    return events.filter(
      (e) =>
        e.type === 'MessageSent' &&
        e.data.seq > after &&
        e.data.seq < before &&
        e.data.userId !== exceptSender &&
        !deleted.has(e.data.messageId),
    ).length;
  }

  protected countConversationSync(userA: string, userB: string, after: number, before: number, from: string): number {
    const events = this.log.slice(Math.max(after, 0), Math.max(before - 1, 0)).filter((event) => between(event, userA, userB, true));
    const deleted = new Set(
      events.filter((e) => e.type === 'PrivateMessageDeleted').map((e) => (e.data as { messageId: string }).messageId),
    );
    // A deletion may come after `before`: look at the rest of the log for those of these messages.
    for (const event of this.log.slice(Math.max(before - 1, 0))) {
      if (event.type === 'PrivateMessageDeleted') deleted.add((event.data as { messageId: string }).messageId);
    }
    return events.filter((e) => {
      const data = e.data as { messageId: string; fromUserId: string };
      return e.type === 'PrivateMessageSent' && data.fromUserId === from && !deleted.has(data.messageId);
    }).length;
  }

  protected readMessagesSync(streamId: string, range: SeqRange, limit: number): RecordedEvent[] {
    const sent = (this.streams.get(streamId) ?? []).filter((event) => event.type === 'MessageSent');
    const seq = (event: RecordedEvent): number => (event.data as { seq: number }).seq;
    if ('after' in range) return sent.filter((event) => seq(event) > range.after).slice(0, limit);
    return sent
      .filter((event) => seq(event) < range.before)
      .reverse()
      .slice(0, limit);
  }

  protected readMessageEventsSync(streamId: string, messageIds: readonly string[]): RecordedEvent[] {
    const wanted = new Set(messageIds);
    return (this.streams.get(streamId) ?? []).filter((event) => wanted.has(messageIdOf(event) ?? ''));
  }

  protected findByClientIdSync(streamId: string, senderId: string, clientId: string): RecordedEvent | undefined {
    return this.clientIds.get(streamId)?.get(clientKey(senderId, clientId));
  }

  protected readFileSharesSync(fileId: string): RecordedEvent[] {
    return this.log.filter((event) => (event.data as { attachment?: { fileId?: unknown } }).attachment?.fileId === fileId);
  }

  protected readAuthoredSync(userId: string, type: AuthoredType, afterPosition: number, limit: number): RecordedEvent[] {
    const events = this.authored.get(clientKey(userId, type)) ?? [];
    let low = 0;
    for (let high = events.length; low < high;) {
      const middle = (low + high) >> 1;
      if (events[middle]!.position <= afterPosition) low = middle + 1;
      else high = middle;
    }
    return events.slice(low, low + limit);
  }

  protected readConversationSync(userA: string, userB: string, beforePosition: number, limit: number): RecordedEvent[] {
    const found: RecordedEvent[] = [];
    // Positions are 1, 2, 3 … here: the event at position p is log[p - 1].
    for (let i = Math.min(beforePosition - 1, this.log.length) - 1; i >= 0 && found.length < limit; i--) {
      if (between(this.log[i]!, userA, userB)) found.push(this.log[i]!);
    }
    return found;
  }

  protected readConversationAfterSync(userA: string, userB: string, afterPosition: number, limit: number): RecordedEvent[] {
    const found: RecordedEvent[] = [];
    for (let i = Math.max(afterPosition, 0); i < this.log.length && found.length < limit; i++) {
      if (between(this.log[i]!, userA, userB, true)) found.push(this.log[i]!);
    }
    return found;
  }

  protected readAllSync(fromPosition: number, limit: number): RecordedEvent[] {
    return this.log.slice(fromPosition, fromPosition + limit);
  }

  protected headPositionSync(): number {
    return this.log.length;
  }

  private readonly snapshots = new Map<string, Snapshot>();

  protected readSnapshotSync(name: string): Snapshot | undefined {
    return this.snapshots.get(name);
  }

  protected writeSnapshotSync(name: string, snapshot: Snapshot): void {
    this.snapshots.set(name, { ...snapshot });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
