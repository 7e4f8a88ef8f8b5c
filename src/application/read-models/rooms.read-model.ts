import { Injectable } from '@nestjs/common';
import { clientKey } from '../../domain/room/room.decider';
import { AppConfig } from '../ports/app-config';
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

interface RoomDoc {
  readonly members: Map<string, string>;
  /** messages[seq - 1]: seq is gapless, so it is also the index */
  readonly messages: MessageView[];
  readonly byId: Map<string, MessageView>;
  readonly byClientKey: Map<string, MessageView>;
  readonly reactors: Map<string, Reactors>;
}

/** Room directory, members and full timelines of every configured room. */
@Injectable()
export class RoomsReadModel implements Projection {
  private readonly rooms = new Map<string, RoomDoc>();
  private readonly roomsByUser = new Map<string, Set<string>>();

  constructor(config: AppConfig) {
    for (const name of config.chatRooms) {
      this.rooms.set(name, { members: new Map(), messages: [], byId: new Map(), byClientKey: new Map(), reactors: new Map() });
    }
  }

  apply(event: RecordedEvent): void {
    switch (event.type) {
      case 'MemberJoined': {
        const room = this.rooms.get(event.data.room);
        if (room === undefined) return;
        room.members.set(event.data.userId, event.data.username);
        let rooms = this.roomsByUser.get(event.data.userId);
        if (rooms === undefined) this.roomsByUser.set(event.data.userId, (rooms = new Set()));
        rooms.add(event.data.room);
        return;
      }
      case 'MemberLeft': {
        this.rooms.get(event.data.room)?.members.delete(event.data.userId);
        const rooms = this.roomsByUser.get(event.data.userId);
        rooms?.delete(event.data.room);
        if (rooms?.size === 0) this.roomsByUser.delete(event.data.userId);
        return;
      }
      case 'MessageSent': {
        const room = this.rooms.get(event.data.room);
        if (room === undefined) return;
        const view = toMessageView(event);
        room.messages.push(view);
        this.store(room, view);
        return;
      }
      case 'AccountRegistered':
        for (const room of this.roomsByUser.get(event.data.sessionId) ?? [])
          this.rooms.get(room)?.members.set(event.data.sessionId, event.data.username);
        return;
      case 'MessageEdited':
        this.update(event.data.room, event.data.messageId, (view) => ({
          ...view,
          msg: event.data.text,
          editedAt: event.metadata.occurredAt,
        }));
        return;
      case 'MessageDeleted':
        this.update(event.data.room, event.data.messageId, ({ attachment: _, reactions: __, ...view }) => ({
          ...view,
          msg: '',
          deleted: true,
        }));
        return;
      case 'ReactionAdded':
      case 'ReactionRemoved': {
        const { room, messageId, emoji, userId, username } = event.data;
        const doc = this.rooms.get(room);
        if (doc === undefined) return;
        let reactors = doc.reactors.get(messageId);
        if (reactors === undefined) doc.reactors.set(messageId, (reactors = new Map()));
        let users = reactors.get(emoji);
        if (users === undefined) reactors.set(emoji, (users = new Map()));
        if (event.type === 'ReactionAdded') users.set(userId, username);
        else users.delete(userId);
        const reactions = reactionsView(reactors);
        this.update(room, messageId, ({ reactions: _, ...view }) => (reactions === undefined ? view : { ...view, reactions }));
        return;
      }
      default:
        return;
    }
  }

  /** Views are immutable: a change replaces the view everywhere it is indexed. */
  private update(roomName: string, messageId: string, change: (view: MessageView) => MessageView): void {
    const room = this.rooms.get(roomName);
    const view = room?.byId.get(messageId);
    if (room === undefined || view === undefined) return;
    const next = change(view);
    room.messages[next.seq - 1] = next;
    this.store(room, next);
  }

  private store(room: RoomDoc, view: MessageView): void {
    room.byId.set(view.id, view);
    if (view.clientId !== undefined) room.byClientKey.set(clientKey(view.userId, view.clientId), view);
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

  message(room: string, id: string): MessageView | undefined {
    return this.rooms.get(room)?.byId.get(id);
  }

  sentWithClientId(room: string, userId: string, clientId: string): MessageView | undefined {
    return this.rooms.get(room)?.byClientKey.get(clientKey(userId, clientId));
  }

  /** The newest `limit` messages, oldest first. */
  recent(room: string, limit: number): HistoryPage {
    const messages = this.rooms.get(room)?.messages ?? [];
    const start = Math.max(0, messages.length - limit);
    return { messages: messages.slice(start), hasMore: start > 0 };
  }

  /** Messages with seq > `seq`, oldest first, at most `limit`. */
  since(room: string, seq: number, limit: number): HistoryPage {
    const messages = this.rooms.get(room)?.messages ?? [];
    const start = Math.max(0, Math.min(seq, messages.length));
    const end = Math.min(messages.length, start + limit);
    return { messages: messages.slice(start, end), hasMore: end < messages.length };
  }

  /** A page of messages older than `beforeId` (or the newest), newest first. */
  page(room: string, beforeId: string | undefined, limit: number): HistoryPage | 'unknown_message' {
    const doc = this.rooms.get(room);
    if (doc === undefined) return { messages: [], hasMore: false };
    let end = doc.messages.length;
    if (beforeId !== undefined) {
      const before = doc.byId.get(beforeId);
      if (before === undefined) return 'unknown_message';
      end = before.seq - 1;
    }
    const start = Math.max(0, end - limit);
    return { messages: doc.messages.slice(start, end).reverse(), hasMore: start > 0 };
  }

  snapshot(): unknown {
    return {
      rooms: [...this.rooms].map(([name, doc]) => ({ name, members: [...doc.members].sort(), messages: doc.messages })),
      roomsByUser: [...this.roomsByUser].map(([user, rooms]) => [user, [...rooms].sort()]).sort(),
    };
  }
}
