import type { DomainEvent } from '../../domain/events';

export interface EventMetadata {
  readonly eventId: string;
  /** ISO 8601 UTC */
  readonly occurredAt: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** The node that appended the event; only that node pushes it to clients. */
  readonly node: string;
}

export type NewEvent<E extends DomainEvent = DomainEvent> = E & { readonly metadata: EventMetadata };

/** An event as stored: its stream, its version in that stream, and its global position. */
export type RecordedEvent<E extends DomainEvent = DomainEvent> = E & {
  readonly streamId: string;
  readonly version: number;
  readonly position: number;
  readonly metadata: EventMetadata;
};

/** The version the stream must be at (0: must not exist yet), or 'any'. */
export type ExpectedVersion = number | 'any';

export interface AppendResult {
  readonly nextVersion: number;
  readonly events: readonly RecordedEvent[];
}

export interface Subscription {
  close(): void;
}

export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`Stream ${streamId} is at version ${actual}, expected ${expected}`);
    this.name = 'ConcurrencyError';
  }
}

/**
 * A message whose sender already used its client id in this stream (a resend): nothing was stored.
 * The store enforces this with a unique index, so it holds however old the first message is.
 */
export class DuplicateClientIdError extends Error {
  constructor(
    readonly streamId: string,
    readonly senderId: string,
    readonly clientId: string,
  ) {
    super(`Client id ${clientId} of ${senderId} was already used in ${streamId}`);
    this.name = 'DuplicateClientIdError';
  }
}

/** Which events of a room `readRoomEvents` reads. */
export type RoomEventKind = 'moderation' | 'state';
/** Versions strictly between the two. */
export type VersionRange = { readonly afterVersion: number; readonly beforeVersion: number };

/**
 * The facts a user makes in streams other than their own session's, which the store indexes by their
 * author (`userId`, or a file's `uploaderId`) for `readAuthored`: their room messages, their reactions
 * (room and private), their uploads.
 */
export const AUTHORED_TYPES = ['MessageSent', 'ReactionAdded', 'PrivateReactionAdded', 'FileUploaded'] as const;
export type AuthoredType = (typeof AUTHORED_TYPES)[number];

/** Messages (`MessageSent`) of a stream by `seq`: those after one, oldest first, or those before one, newest first. */
export type SeqRange = { readonly after: number } | { readonly before: number };

/**
 * Derived state (read models, an aggregate) saved with the `position` it is valid at (the log's, or
 * for one stream its version), so a start need not fold the whole log. `schema` names the shape of `data`: a reader that expects another one
 * ignores the snapshot and rebuilds from the log.
 */
export interface Snapshot {
  readonly schema: string;
  readonly position: number;
  readonly data: string;
}

/** A snapshot whose bytes are not what was saved (a torn write, a damaged file): rebuild instead. */
export class CorruptSnapshotError extends Error {
  constructor(name: string) {
    super(`Snapshot ${name} is damaged`);
    this.name = 'CorruptSnapshotError';
  }
}

/** The storage is unreachable or refused the write; nothing was stored. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * The append-only log every fact lives in. Streams hold one aggregate each; positions order all
 * events of all streams and only grow.
 */
export abstract class EventStore {
  /**
   * True when this process is the only writer (memory, SQLite): cached aggregate states are then
   * always current. A shared store (PostgreSQL) has other writers, so streams are caught up first.
   */
  get exclusiveWriter(): boolean {
    return false;
  }

  /**
   * Appends atomically, or fails with ConcurrencyError when the stream is not at `expectedVersion`,
   * or with DuplicateClientIdError when a message repeats its sender's client id in the stream.
   */
  abstract append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult>;
  /** Events of one stream with version ≥ `fromVersion`, in order; at most `limit` of them when given. */
  abstract readStream(streamId: string, fromVersion?: number, limit?: number): Promise<RecordedEvent[]>;
  /**
   * Up to `limit` events of one stream with version < `beforeVersion`, newest first: older pages of
   * a stream without reading it from the start. Answered from the (stream, version) index.
   */
  abstract readStreamBackward(streamId: string, beforeVersion: number, limit: number): Promise<RecordedEvent[]>;
  /**
   * Up to `limit` events of a room stream of one kind with `afterVersion` < version < `beforeVersion`,
   * in order: `moderation` (`MODERATION_EVENT_TYPES`, a room's audit) or `state` (`ROOM_STATE_EVENT_TYPES`,
   * what its members, roles and bans fold from). Answered from a partial index per kind, never by
   * reading the room's messages.
   */
  abstract readRoomEvents(streamId: string, kind: RoomEventKind, range: VersionRange, limit: number): Promise<RecordedEvent[]>;
  /**
   * Up to `limit` messages (`MessageSent`) of a stream by `seq`: `{ after }` oldest first, `{ before }`
   * newest first. Answered from an index on (stream, seq), whatever the stream's length.
   */
  abstract readMessages(streamId: string, range: SeqRange, limit: number): Promise<RecordedEvent[]>;
  /**
   * How many messages (`MessageSent`) of a stream have `after` < seq < `before`, were sent by someone
   * other than `exceptSender`, and are not deleted: an unread count. Answered from the (stream, seq)
   * and (stream, message id) indexes, in time proportional to the range.
   */
  abstract countMessages(
    streamId: string,
    range: { readonly after: number; readonly before: number },
    exceptSender: string,
  ): Promise<number>;
  /**
   * How many private messages between two users have `after` < position < `before`, were sent by
   * `from` (the other side of the one counting), and are not deleted: a private unread count.
   * Answered from the (pair, position) and (stream, message id) indexes.
   */
  abstract countConversation(
    userA: string,
    userB: string,
    range: { readonly after: number; readonly before: number },
    from: string,
  ): Promise<number>;
  /**
   * Every event of a stream about these messages (sent, edited, deleted, reacted to), in version
   * order. Answered from an index on (stream, message id).
   */
  abstract readMessageEvents(streamId: string, messageIds: readonly string[]): Promise<RecordedEvent[]>;
  /** The message (`MessageSent` or `PrivateMessageSent`) a sender sent with this client id in a stream. */
  abstract findByClientId(streamId: string, senderId: string, clientId: string): Promise<RecordedEvent | undefined>;
  /**
   * Up to `limit` private messages (`PrivateMessageSent`) between two users, either way (whichever
   * session stream holds them), with position < `beforePosition`, newest first. Answered from an
   * index on (the pair of user ids, unordered; position), whatever the log's length.
   */
  abstract readConversation(userA: string, userB: string, beforePosition: number, limit: number): Promise<RecordedEvent[]>;
  /**
   * Every event of the same conversation with position > `afterPosition`, oldest first: its messages
   * and the changes to them (edits, deletes, reactions, which carry the pair too). A catching-up read,
   * from an index on the pair and position.
   */
  abstract readConversationAfter(userA: string, userB: string, afterPosition: number, limit: number): Promise<RecordedEvent[]>;
  /** Every message (room or private) that carries this file, in log order. Answered from an index on the attachment's file id. */
  abstract readFileShares(fileId: string): Promise<RecordedEvent[]>;
  /**
   * Up to `limit` events of `type` made by `userId`, in any stream, with position > `afterPosition`,
   * oldest first: what a user wrote, reacted or uploaded, page by page. Answered from an index on
   * (author, type, position), whatever the log's length.
   */
  abstract readAuthored(userId: string, type: AuthoredType, afterPosition: number, limit: number): Promise<RecordedEvent[]>;
  /** Up to `limit` events with position > `fromPosition`, in position order. */
  abstract readAll(fromPosition: number, limit: number): Promise<RecordedEvent[]>;
  /** Every event with position > `fromPosition`, in order, exactly once: the stored ones, then live. */
  abstract subscribe(fromPosition: number, handler: (event: RecordedEvent) => void): Subscription;
  /** The snapshot saved under `name`, if any; CorruptSnapshotError when its checksum does not match. */
  abstract readSnapshot(name: string): Promise<Snapshot | undefined>;
  /** Saves (replaces) the snapshot under `name`, with a checksum of its data. */
  abstract writeSnapshot(name: string, snapshot: Snapshot): Promise<void>;
  /** The position of the newest event, 0 when the log is empty. */
  abstract headPosition(): Promise<number>;
  abstract close(): Promise<void>;
}
