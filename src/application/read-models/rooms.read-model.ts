import { Injectable } from '@nestjs/common';
import { LruCache } from '../lru-cache';
import { AppConfig } from '../ports/app-config';
import type { MessageFacts } from '../../domain/room/room.decider';
import type { Visibility } from '../../domain/room/room.events';
import type { RecordedEvent } from '../ports/event-store.port';
import type { Projection } from './projection';
import { applyChange, entryOf, quoteOf, type Entry, type MessageView } from './message-fold';

export { foldMessages, messageStates, quoteOf, toMessageView, type HistoryPage, type MessageView, type Quote } from './message-fold';

/** Hydrated messages older than the window kept per room (being edited or reacted to now). */
const OLDER_PER_ROOM = 64;

/** What the room list shows of a room. */
export interface RoomInfo {
  readonly visibility: Visibility;
  readonly topic: string;
  /** The owner's name as they created it; none for the default rooms. */
  readonly owner?: string;
  readonly archived: boolean;
}

interface RoomDoc {
  info: RoomInfo;
  readonly members: Map<string, string>;
  /** Of a private room: who may see it listed (its owner, everyone who joined). */
  readonly allowed: Set<string>;
  /** Replies in the window by the id of the message they answer, so their quotes follow its changes. */
  readonly replies: Map<string, Set<Entry>>;
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

const DEFAULT_ROOM: RoomInfo = { visibility: 'public', topic: '', archived: false };

const emptyRoom = (info: RoomInfo): RoomDoc => ({
  info,
  members: new Map(),
  allowed: new Set(),
  replies: new Map(),
  window: [],
  byId: new Map(),
  byClientKey: new Map(),
  older: new LruCache(OLDER_PER_ROOM),
  lastSeq: 0,
  version: 0,
});

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
    for (const name of this.config.chatRooms) this.rooms.set(name, emptyRoom(DEFAULT_ROOM));
  }

  exportState(): unknown {
    return {
      rooms: [...this.rooms].map(([name, doc]) => ({
        name,
        info: doc.info,
        members: doc.members,
        allowed: doc.allowed,
        window: doc.window,
        lastSeq: doc.lastSeq,
        version: doc.version,
      })),
      roomsByUser: this.roomsByUser,
    };
  }

  importState(state: unknown): void {
    const saved = state as {
      rooms: {
        name: string;
        info: RoomInfo;
        members: Map<string, string>;
        allowed: Set<string>;
        window: Entry[];
        lastSeq: number;
        version: number;
      }[];
      roomsByUser: Map<string, Set<string>>;
    };
    if (!Array.isArray(saved?.rooms) || !(saved.roomsByUser instanceof Map)) throw new Error('not a rooms read model');
    this.reset();
    for (const { name, info, members, allowed, window, lastSeq, version } of saved.rooms) {
      if (!this.rooms.has(name) && info?.owner !== undefined) this.rooms.set(name, emptyRoom(info));
      const room = this.rooms.get(name);
      if (room === undefined || !(members instanceof Map) || !Array.isArray(window)) throw new Error(`room ${name} does not fit`);
      room.info = info;
      for (const userId of allowed) room.allowed.add(userId);
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
        if (room.info.visibility === 'private') room.allowed.add(event.data.userId);
        let rooms = this.roomsByUser.get(event.data.userId);
        if (rooms === undefined) this.roomsByUser.set(event.data.userId, (rooms = new Set()));
        rooms.add(event.data.room);
        return;
      }
      case 'MemberLeft':
      case 'MemberKicked':
      case 'MemberBanned': {
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
      case 'MessageRemoved':
      case 'ReactionAdded':
      case 'ReactionRemoved': {
        const room = this.applied(event.data.room, event);
        const entry = room?.byId.get(event.data.messageId) ?? room?.older.get(event.data.messageId);
        if (entry === undefined) return;
        applyChange(entry, event);
        if (event.type !== 'ReactionAdded' && event.type !== 'ReactionRemoved') this.requote(room!, entry);
        return;
      }
      case 'RoomCreated': {
        const { room, visibility, topic, username } = event.data;
        if (!this.rooms.has(room)) this.rooms.set(room, emptyRoom({ visibility, topic, owner: username, archived: false }));
        this.applied(room, event)?.allowed.add(event.data.userId);
        return;
      }
      case 'TopicSet':
      case 'RoomArchived': {
        const room = this.applied(event.data.room, event);
        if (room === undefined) return;
        if (event.type === 'TopicSet') room.info = { ...room.info, topic: event.data.topic };
        else this.archive(room);
        return;
      }
      case 'InviteCreated':
      case 'RoleSet':
      case 'MemberUnbanned':
      case 'MemberMuted':
      case 'MemberUnmuted':
      case 'SlowModeSet':
        this.applied(event.data.room, event);
        return;
      default:
        return;
    }
  }

  private applied(name: string, event: RecordedEvent): RoomDoc | undefined {
    const room = this.rooms.get(name);
    if (room !== undefined) room.version = event.version;
    return room;
  }

  /** An archived room is read rarely: its messages are left to the store, so memory holds only rooms in use. */
  private archive(room: RoomDoc): void {
    room.info = { ...room.info, archived: true };
    room.window.splice(0);
    room.byId.clear();
    room.byClientKey.clear();
    room.replies.clear();
  }

  /** The replies in the window to this message show it as it now is. */
  private requote(room: RoomDoc, original: Entry): void {
    for (const reply of room.replies.get(original.view.id) ?? []) reply.view = { ...reply.view, replyTo: quoteOf(original.view) };
  }

  /** A new message enters the window; the oldest one leaves it once the window is full. */
  private push(room: RoomDoc, entry: Entry): void {
    const answered = entry.view.replyTo?.id;
    if (answered !== undefined) {
      // The message answered is in the window, or held: its command read it in (`RoomHistory.facts`).
      const original = room.byId.get(answered) ?? room.older.get(answered);
      if (original !== undefined) entry.view = { ...entry.view, replyTo: quoteOf(original.view) };
      let replies = room.replies.get(answered);
      if (replies === undefined) room.replies.set(answered, (replies = new Set()));
      replies.add(entry);
    }
    room.window.push(entry);
    room.lastSeq = entry.view.seq;
    room.byId.set(entry.view.id, entry);
    if (entry.view.clientId !== undefined) room.byClientKey.set(clientKey(entry.view.userId, entry.view.clientId), entry);
    if (room.window.length <= this.windowSize) return;
    const gone = room.window.shift()!;
    room.byId.delete(gone.view.id);
    const goneAnswered = gone.view.replyTo?.id;
    const goneReplies = goneAnswered === undefined ? undefined : room.replies.get(goneAnswered);
    goneReplies?.delete(gone);
    if (goneReplies?.size === 0) room.replies.delete(goneAnswered!);
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
    const { userId, username, seq } = entry.view;
    return { userId, username, seq, deleted: entry.view.deleted === true, reactions };
  }

  /** The version of the room's stream applied so far (0 for an unknown room). */
  versionOf(room: string): number {
    return this.rooms.get(room)?.version ?? 0;
  }

  has(room: string): boolean {
    return this.rooms.has(room);
  }

  /**
   * The rooms the list shows `userId` (undefined: a caller without a session; `all`: an admin, who
   * sees every room): the public ones and the private ones they were let into, none archived.
   */
  list(userId: string | undefined, all = false): ({ name: string; members: number } & RoomInfo)[] {
    const listed = [...this.rooms].filter(
      ([, room]) =>
        all || (!room.info.archived && (room.info.visibility === 'public' || (userId !== undefined && room.allowed.has(userId)))),
    );
    return listed.map(([name, room]) => ({ name, members: room.members.size, ...room.info }));
  }

  /** How many rooms `owner` (by the name they created them under) owns, archived ones too. */
  ownedBy(owner: string): number {
    let owned = 0;
    for (const room of this.rooms.values()) if (room.info.owner === owner) owned++;
    return owned;
  }

  info(room: string): RoomInfo | undefined {
    return this.rooms.get(room)?.info;
  }

  members(room: string): string[] {
    return [...(this.rooms.get(room)?.members.values() ?? [])];
  }

  memberCount(room: string): number {
    return this.rooms.get(room)?.members.size ?? 0;
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
        info: doc.info,
        members: [...doc.members].sort(),
        allowed: [...doc.allowed].sort(),
        lastSeq: doc.lastSeq,
        messages: doc.window.map((entry) => entry.view),
      })),
      roomsByUser: [...this.roomsByUser].map(([user, rooms]) => [user, [...rooms].sort()]).sort(),
    };
  }
}
