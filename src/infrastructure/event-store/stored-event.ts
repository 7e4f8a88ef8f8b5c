import { createHash } from 'node:crypto';
import { AUTHORED_TYPES, type RecordedEvent } from '../../application/ports/event-store.port';
import type { RoomEventKind } from '../../application/ports/event-store.port';
import { MODERATION_EVENT_TYPES, ROOM_STATE_EVENT_TYPES } from '../../domain/room/room.events';
import { hasUpcaster, upcast } from '../../domain/upcast';

/** The event types of each kind `readRoomEvents` reads; each kind has a partial index over exactly these. */
export const ROOM_EVENT_TYPES: Readonly<Record<RoomEventKind, readonly string[]>> = {
  moderation: MODERATION_EVENT_TYPES,
  state: ROOM_STATE_EVENT_TYPES,
};

/** A list of event types as SQL string literals, for a partial index and the queries it answers. */
export const sqlTypeList = (types: Iterable<string>): string => [...types].map((type) => `'${type}'`).join(', ');

/** A row of the `events` table, as the SQLite (JSON text) and PostgreSQL (jsonb) adapters read it. */
export interface EventRow {
  readonly position: number | string;
  readonly stream_id: string;
  readonly version: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

/**
 * The columns an event is read from, in this order, by both stored adapters. SQLite's index columns
 * are filled from `data` and only ever searched, so a read leaves them in the file rather than making
 * a string of each.
 */
export const EVENT_COLUMNS = 'position, stream_id, version, type, data, metadata';

/** The one read path of the stored adapters: a row becomes a recorded event of the current shape. */
export const toRecorded = (row: EventRow): RecordedEvent =>
  recordedEvent(row.stream_id, row.version, row.position, row.type, row.data, row.metadata);

/**
 * A stored event's fields (SQLite's `data` and `metadata` parsed from their JSON text) as a recorded
 * event of the current shape. Every event read passes here, a whole log on a first start: one object
 * of one shape per event, nothing copied.
 */
export const recordedEvent = (
  streamId: string,
  version: number,
  position: number | string,
  storedType: string,
  storedData: unknown,
  metadata: unknown,
): RecordedEvent => {
  let type = storedType;
  let data = storedData;
  if (hasUpcaster(type)) ({ type, data } = upcast({ type, data }));
  return { type, data, metadata, streamId, version, position: Number(position) } as RecordedEvent;
};

/**
 * The fields the message indexes read: a message's id, and its sender's client id (the in-memory
 * store and `indexColumns` use these; PostgreSQL reads the same fields in its index expressions).
 */
export const messageIdOf = (event: { readonly data: unknown }): string | undefined => {
  const id = (event.data as { messageId?: unknown }).messageId;
  return typeof id === 'string' ? id : undefined;
};

export const clientIdOf = (event: {
  readonly type: string;
  readonly data: unknown;
}): { senderId: string; clientId: string } | undefined => {
  if (event.type !== 'MessageSent' && event.type !== 'PrivateMessageSent') return undefined;
  const data = event.data as { userId?: unknown; fromUserId?: unknown; clientId?: unknown };
  if (typeof data.clientId !== 'string') return undefined;
  const senderId = data.userId ?? data.fromUserId;
  return typeof senderId === 'string' ? { senderId, clientId: data.clientId } : undefined;
};

const AUTHORED: ReadonlySet<string> = new Set(AUTHORED_TYPES);

/** Who made an event the author index holds (`AUTHORED_TYPES`): its `userId`, or a file's `uploaderId`. */
export const authorOf = (event: { readonly type: string; readonly data: unknown }): string | undefined => {
  if (!AUTHORED.has(event.type)) return undefined;
  const { userId, uploaderId } = event.data as { userId?: unknown; uploaderId?: unknown };
  const author = userId ?? uploaderId;
  return typeof author === 'string' ? author : undefined;
};

/** What a stored snapshot's checksum is computed over: its schema, position and data. */
export const snapshotChecksum = (schema: string, position: number, data: string): string =>
  createHash('sha256').update(schema).update('\u0000').update(String(position)).update('\u0000').update(data).digest('hex');

/** The events of a private conversation: its messages and every change to them, each carrying the pair. */
export const PRIVATE_TYPES: ReadonlySet<string> = new Set([
  'PrivateMessageSent',
  'PrivateMessageEdited',
  'PrivateMessageDeleted',
  'PrivateReactionAdded',
  'PrivateReactionRemoved',
]);

/** The unordered pair of the two sides of a private conversation, as one key. */
export const conversationKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/**
 * The SQLite log's index columns of an event, filled from the event when it is appended (and once,
 * for logs written before the columns existed, when the store opens): a message's id for every event
 * about a message; `seq` for a room message; sender and client id for a message sent with one; the
 * conversation for a private message and each change to it; the file a message carries; who wrote, reacted or uploaded
 * (`authorOf`). Null where they do not apply, so
 * the partial indexes skip the event.
 */
export const indexColumns = (event: { readonly type: string; readonly data: unknown }) => {
  const data = event.data as {
    messageId?: unknown;
    seq?: unknown;
    fromUserId?: unknown;
    toUserId?: unknown;
    attachment?: { fileId?: unknown };
  };
  const client = clientIdOf(event);
  const isPrivate = PRIVATE_TYPES.has(event.type) && typeof data.fromUserId === 'string' && typeof data.toUserId === 'string';
  return {
    messageId: messageIdOf(event) ?? null,
    seq: event.type === 'MessageSent' && typeof data.seq === 'number' ? data.seq : null,
    senderId: client?.senderId ?? null,
    clientId: client?.clientId ?? null,
    pair: isPrivate ? conversationKey(data.fromUserId as string, data.toUserId as string) : null,
    fileId: typeof data.attachment?.fileId === 'string' ? data.attachment.fileId : null,
    authorId: authorOf(event) ?? null,
  };
};
