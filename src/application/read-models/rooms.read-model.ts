import { Injectable } from '@nestjs/common';
import { LruCache } from '../lru-cache';
import { normaliseEmoji } from '../../domain/shared/emoji';
import { AppConfig } from '../ports/app-config';
import type { MessageFacts } from '../../domain/room/room.decider';
import type { Attachment, MessageSent } from '../../domain/room/room.events';
import type { RecordedEvent } from '../ports/event-store.port';
import type { Projection } from './projection';

export interface MessageView {
  readonly id: string;
  readonly seq: number;
  readonly room: string;
  readonly msg: string;
  readonly username: string;
  readonly userId: string;
  readonly timestamp: string;
  readonly clientId?: string;
  readonly attachment?: Attachment;
  /** When the author last edited it. */
  readonly editedAt?: string;
  /** A tombstone: the text and attachment are gone. */
  readonly deleted?: true;
  /** emoji → who reacted, in order */
  readonly reactions?: Readonly<Record<string, readonly string[]>>;
}

export interface HistoryPage {
  readonly messages: readonly MessageView[];
  readonly hasMore: boolean;
}

export const toMessageView = ({ data, metadata }: RecordedEvent<MessageSent>): MessageView => ({
  id: data.messageId,
  seq: data.seq,
  room: data.room,
  msg: data.text,
  username: data.username,
  userId: data.userId,
  timestamp: metadata.occurredAt,
  ...(data.clientId !== undefined ? { clientId: data.clientId } : {}),
  ...(data.attachment !== undefined ? { attachment: data.attachment } : {}),
});

/** Who reacted with what, by user id (names change), shown by name in the order they reacted. */
type Reactors = Map<string, Map<string, string>>;

const reactionsView = (reactors: Reactors): Readonly<Record<string, readonly string[]>> | undefined => {
  const entries = [...reactors].filter(([, users]) => users.size > 0).map(([emoji, users]) => [emoji, [...users.values()]] as const);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
};

/** One message as the read model holds it: its view, who reacted, and the version of its last event. */
interface Entry {
  view: MessageView;
  reactors: Reactors | undefined;
  version: number;
}

const entryOf = (event: RecordedEvent<MessageSent>): Entry => ({ view: toMessageView(event), reactors: undefined, version: event.version });

/** Folds a change (edit, delete, reaction) into a message; views are immutable, so the view is replaced. */
const applyChange = (entry: Entry, event: RecordedEvent): void => {
  if (event.version <= entry.version) return;
  entry.version = event.version;
  switch (event.type) {
    case 'MessageEdited':
      entry.view = { ...entry.view, msg: event.data.text, editedAt: event.metadata.occurredAt };
      return;
    case 'MessageDeleted': {
      const { attachment: _, reactions: __, ...view } = entry.view;
      entry.view = { ...view, msg: '', deleted: true };
      return;
    }
    case 'ReactionAdded':
    case 'ReactionRemoved': {
      const { userId, username } = event.data;
      // Stored before emoji had one spelling, with or without U+FE0F: one reaction either way.
      const emoji = normaliseEmoji(event.data.emoji);
      entry.reactors ??= new Map();
      let users = entry.reactors.get(emoji);
      if (users === undefined) entry.reactors.set(emoji, (users = new Map()));
      if (event.type === 'ReactionAdded') users.set(userId, username);
      else users.delete(userId);
      const reactions = reactionsView(entry.reactors);
      const { reactions: _, ...view } = entry.view;
      entry.view = reactions === undefined ? view : { ...view, reactions };
      return;
    }
    default:
      return;
  }
};

/**
 * Messages folded from their events (each message's `MessageSent` and its changes, in stream
 * order), as the read model would show them: how pages older than the window are built from the store.
 */
export const foldMessages = (events: readonly RecordedEvent[]): Map<string, MessageView> => {
  const entries = new Map<string, Entry>();
  for (const event of events) foldInto(entries, event);
  return new Map([...entries].map(([id, entry]) => [id, entry.view]));
};

/** Folds one event into the messages it is about; the message's entry, or undefined (not about a known message). */
const foldInto = (entries: Map<string, Entry>, event: RecordedEvent): Entry | undefined => {
  if (event.type === 'MessageSent') {
    const entry = entryOf(event);
    entries.set(event.data.messageId, entry);
    return entry;
  }
  if (!('messageId' in event.data)) return undefined;
  const entry = entries.get(event.data.messageId);
  if (entry !== undefined) applyChange(entry, event);
  return entry;
};

/**
 * Each event of `events` that is about a message (sent, edited, deleted, reacted to), with the
 * message as it stood just after it; `earlier` are the events before them about the messages they
 * change. How a resume replays, in order, the pushes a client missed.
 */
export const messageStates = (
  earlier: readonly RecordedEvent[],
  events: readonly RecordedEvent[],
): { event: RecordedEvent; view: MessageView }[] => {
  const entries = new Map<string, Entry>();
  for (const event of earlier) foldInto(entries, event);
  const states: { event: RecordedEvent; view: MessageView }[] = [];
  for (const event of events) {
    const entry = foldInto(entries, event);
    if (entry !== undefined) states.push({ event, view: entry.view });
  }
  return states;
};

/** Hydrated messages older than the window kept per room (being edited or reacted to now). */
const OLDER_PER_ROOM = 64;

interface RoomDoc {
  readonly members: Map<string, string>;
  /** The newest HISTORY_WINDOW messages, oldest first: `window[i].view.seq === firstSeq + i`. */
  readonly window: Entry[];
  /** Messages of the window by id and by (author, client id). */
  readonly byId: Map<string, Entry>;
  readonly byClientKey: Map<string, Entry>;
  /** Messages older than the window that a command is changing, so their changes can be pushed. */
  readonly older: LruCache<string, Entry>;
  lastSeq: number;
  /** The version of the room's stream this model has applied. */
  version: number;
}

const clientKey = (userId: string, clientId: string): string => `${userId}\u0000${clientId}`;

/**
 * Room directory, members, and the newest `HISTORY_WINDOW` messages of each room with their edits
 * and reactions. Older messages are read from the store (`RoomHistory`); the model's size depends
 * on the number of rooms and members, not on how many messages were ever sent.
 */
@Injectable()
export class RoomsReadModel implements Projection {
  private readonly rooms = new Map<string, RoomDoc>();
  private readonly roomsByUser = new Map<string, Set<string>>();
  private readonly windowSize: number;

  constructor(private readonly config: AppConfig) {
    this.windowSize = config.historyWindow;
    this.reset();
  }

  reset(): void {
    this.rooms.clear();
    this.roomsByUser.clear();
    for (const name of this.config.chatRooms) {
      this.rooms.set(name, {
        members: new Map(),
        window: [],
        byId: new Map(),
        byClientKey: new Map(),
        older: new LruCache(OLDER_PER_ROOM),
        lastSeq: 0,
        version: 0,
      });
    }
  }

  exportState(): unknown {
    return {
      rooms: [...this.rooms].map(([name, doc]) => ({
        name,
        members: doc.members,
        window: doc.window,
        lastSeq: doc.lastSeq,
        version: doc.version,
      })),
      roomsByUser: this.roomsByUser,
    };
  }

  importState(state: unknown): void {
    const saved = state as {
      rooms: { name: string; members: Map<string, string>; window: Entry[]; lastSeq: number; version: number }[];
      roomsByUser: Map<string, Set<string>>;
    };
    if (!Array.isArray(saved?.rooms) || !(saved.roomsByUser instanceof Map)) throw new Error('not a rooms read model');
    this.reset();
    for (const { name, members, window, lastSeq, version } of saved.rooms) {
      const room = this.rooms.get(name);
      if (room === undefined || !(members instanceof Map) || !Array.isArray(window)) throw new Error(`room ${name} does not fit`);
      for (const [userId, username] of members) room.members.set(userId, username);
      room.lastSeq = lastSeq;
      room.version = version;
      for (const entry of window) this.push(room, entry);
      room.lastSeq = lastSeq;
    }
    for (const [userId, rooms] of saved.roomsByUser) this.roomsByUser.set(userId, rooms);
  }

  apply(event: RecordedEvent): void {
    switch (event.type) {
      case 'MemberJoined': {
        const room = this.applied(event.data.room, event);
        if (room === undefined) return;
        room.members.set(event.data.userId, event.data.username);
        let rooms = this.roomsByUser.get(event.data.userId);
        if (rooms === undefined) this.roomsByUser.set(event.data.userId, (rooms = new Set()));
        rooms.add(event.data.room);
        return;
      }
      case 'MemberLeft': {
        this.applied(event.data.room, event)?.members.delete(event.data.userId);
        const rooms = this.roomsByUser.get(event.data.userId);
        rooms?.delete(event.data.room);
        if (rooms?.size === 0) this.roomsByUser.delete(event.data.userId);
        return;
      }
      case 'MessageSent': {
        const room = this.applied(event.data.room, event);
        if (room === undefined) return;
        this.push(room, entryOf(event));
        return;
      }
      case 'AccountRegistered':
        for (const room of this.roomsByUser.get(event.data.sessionId) ?? [])
          this.rooms.get(room)?.members.set(event.data.sessionId, event.data.username);
        return;
      case 'MessageEdited':
      case 'MessageDeleted':
      case 'ReactionAdded':
      case 'ReactionRemoved': {
        const room = this.applied(event.data.room, event);
        const entry = room?.byId.get(event.data.messageId) ?? room?.older.get(event.data.messageId);
        if (entry !== undefined) applyChange(entry, event);
        return;
      }
      default:
        return;
    }
  }

  private applied(name: string, event: RecordedEvent): RoomDoc | undefined {
    const room = this.rooms.get(name);
    if (room !== undefined) room.version = event.version;
    return room;
  }

  /** A new message enters the window; the oldest one leaves it once the window is full. */
  private push(room: RoomDoc, entry: Entry): void {
    room.window.push(entry);
    room.lastSeq = entry.view.seq;
    room.byId.set(entry.view.id, entry);
    if (entry.view.clientId !== undefined) room.byClientKey.set(clientKey(entry.view.userId, entry.view.clientId), entry);
    if (room.window.length <= this.windowSize) return;
    const gone = room.window.shift()!;
    room.byId.delete(gone.view.id);
    if (gone.view.clientId !== undefined) room.byClientKey.delete(clientKey(gone.view.userId, gone.view.clientId));
  }

  /**
   * Keeps a message older than the window, folded from its events (read from the store as of the
   * room's version `asOf`), so the changes a command makes to it now are applied and pushed. Ignored
   * when the model has moved past `asOf` meanwhile (the caller reads again) or the message is held.
   */
  hold(roomName: string, events: readonly RecordedEvent[], asOf: number): boolean {
    const room = this.rooms.get(roomName);
    if (room === undefined) return true;
    if (room.version !== asOf) return false;
    const [sent, ...changes] = events;
    if (sent?.type !== 'MessageSent' || room.byId.has(sent.data.messageId) || room.older.get(sent.data.messageId) !== undefined)
      return true;
    const entry = entryOf(sent);
    for (const change of changes) applyChange(entry, change);
    room.older.set(sent.data.messageId, entry);
    return true;
  }

  /**
   * The facts a command about a message needs, when this model holds the message and has applied
   * the room's stream up to exactly `version`; 'not_held' otherwise (read them from the store).
   */
  facts(roomName: string, id: string, version: number): MessageFacts | 'not_held' {
    const room = this.rooms.get(roomName);
    const entry = room?.byId.get(id) ?? room?.older.get(id);
    if (room === undefined || entry === undefined || room.version !== version) return 'not_held';
    const reactions = new Map([...(entry.reactors ?? [])].map(([emoji, users]) => [emoji, new Set(users.keys())] as const));
    for (const [emoji, users] of reactions) if (users.size === 0) reactions.delete(emoji);
    return { userId: entry.view.userId, deleted: entry.view.deleted === true, reactions };
  }

  /** The version of the room's stream applied so far (0 for an unknown room). */
  versionOf(room: string): number {
    return this.rooms.get(room)?.version ?? 0;
  }

  has(room: string): boolean {
    return this.rooms.has(room);
  }

  list(): { name: string; members: number }[] {
    return [...this.rooms].map(([name, room]) => ({ name, members: room.members.size }));
  }

  members(room: string): string[] {
    return [...(this.rooms.get(room)?.members.values() ?? [])];
  }

  isMember(room: string, userId: string): boolean {
    return this.rooms.get(room)?.members.has(userId) ?? false;
  }

  *memberships(): Iterable<{ room: string; userId: string }> {
    for (const [userId, rooms] of this.roomsByUser) for (const room of rooms) yield { room, userId };
  }

  roomsOf(userId: string): string[] {
    return [...(this.roomsByUser.get(userId) ?? [])];
  }

  /** A message in the window, or one held because it is being changed; others are in the store. */
  message(room: string, id: string): MessageView | undefined {
    const doc = this.rooms.get(room);
    return (doc?.byId.get(id) ?? doc?.older.get(id))?.view;
  }

  /** A message of the window sent with this client id. */
  sentWithClientId(room: string, userId: string, clientId: string): MessageView | undefined {
    return this.rooms.get(room)?.byClientKey.get(clientKey(userId, clientId))?.view;
  }

  /** The seq of the oldest message in the window and of the newest one (0, 0 for an empty room). */
  bounds(room: string): { first: number; last: number } {
    const doc = this.rooms.get(room);
    const first = doc?.window[0]?.view.seq;
    return first === undefined ? { first: (doc?.lastSeq ?? 0) + 1, last: doc?.lastSeq ?? 0 } : { first, last: doc!.lastSeq };
  }

  /** Messages of the window with seq in [from, to], oldest first. */
  windowRange(room: string, from: number, to: number): MessageView[] {
    const doc = this.rooms.get(room);
    const first = doc?.window[0]?.view.seq;
    if (doc === undefined || first === undefined) return [];
    return doc.window.slice(Math.max(0, from - first), Math.max(0, to - first + 1)).map((entry) => entry.view);
  }

  snapshot(): unknown {
    return {
      rooms: [...this.rooms].map(([name, doc]) => ({
        name,
        members: [...doc.members].sort(),
        lastSeq: doc.lastSeq,
        messages: doc.window.map((entry) => entry.view),
      })),
      roomsByUser: [...this.roomsByUser].map(([user, rooms]) => [user, [...rooms].sort()]).sort(),
    };
  }
}
