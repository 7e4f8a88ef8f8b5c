import { Injectable } from '@nestjs/common';
import { roomStream } from '../domain/room/room.decider';
import type { MessageSent } from '../domain/room/room.events';
import { mentions } from '../domain/shared/mentions';
import { EventStore, type RecordedEvent } from './ports/event-store.port';
import { RoomsReadModel } from './read-models/rooms.read-model';
import { UsersReadModel } from './read-models/users.read-model';

/** A room's unread count for one user: messages by others after `readSeq`, deleted ones excluded; `mentions` of them name the user. */
export interface Unread {
  readonly room: string;
  readonly count: number;
  readonly mentions: number;
  readonly readSeq: number;
}

/** A private conversation's unread count for one user: messages by the other after `readSeq` (a place in the log). */
export interface PrivateUnread {
  readonly count: number;
  readonly readSeq: number;
}

/**
 * How many unread messages older than the window are searched for mentions: the newest of them. A
 * marker further back still gets an exact `count`; mentions beyond these are not counted.
 */
export const MENTION_SCAN = 5000;
const PAGE = 500;

/**
 * Unread counts, from the log: the read marker is the user's (`ReadMarkerMoved` in their session's
 * stream; none yet counts from 0), the messages are the room's. The newest `HISTORY_WINDOW` messages
 * are counted in the read model; older ones, for a marker further back, by the store from its
 * indexes. Nothing is kept per user: counts are made when asked for (a marker moves, `GET /api/unread`).
 */
@Injectable()
export class UnreadCounts {
  constructor(
    private readonly rooms: RoomsReadModel,
    private readonly users: UsersReadModel,
    private readonly store: EventStore,
  ) {}

  /**
   * The count in the private conversation of `userId` with `otherId`, from a marker at `readSeq`: the
   * window in memory, then, for a marker further back, the store's count over its indexes (each
   * message checked for a deletion in its author's stream).
   */
  async ofConversation(userId: string, otherId: string, readSeq: number): Promise<PrivateUnread> {
    const { window, older } = this.users.conversationWindow(userId, otherId);
    let count = 0;
    for (const { view, position } of window) if (position > readSeq && view.fromUserId !== userId && view.deleted !== true) count++;
    const first = window[0]?.position ?? 0;
    if (older && first > readSeq + 1 && otherId !== userId) {
      count += await this.store.countConversation(userId, otherId, { after: readSeq, before: first }, otherId);
    }
    return { count, readSeq };
  }

  /** The counts in `room` for the user named `username` with a marker at `readSeq`. */
  async of(userId: string, username: string | undefined, room: string, readSeq: number): Promise<Unread> {
    const { first, last } = this.rooms.bounds(room);
    let count = 0;
    let mentioned = 0;
    for (const message of this.rooms.windowRange(room, Math.max(first, readSeq + 1), last)) {
      if (message.deleted === true || message.userId === userId) continue;
      count++;
      if (username !== undefined && mentions(message.msg, username)) mentioned++;
    }
    if (readSeq + 1 < first) {
      const stream = roomStream(room);
      count += await this.store.countMessages(stream, { after: readSeq, before: first }, userId);
      if (username !== undefined)
        mentioned += await this.olderMentions(stream, userId, username, Math.max(readSeq, first - 1 - MENTION_SCAN), first);
    }
    return { room, count, mentions: mentioned, readSeq };
  }

  /** Messages with `after` < seq < `before` by others, not deleted, that mention `username`, from the store. */
  private async olderMentions(stream: string, userId: string, username: string, after: number, before: number): Promise<number> {
    const naming: string[] = [];
    for (let from = after; from < before - 1;) {
      const page = (await this.store.readMessages(stream, { after: from }, PAGE)) as RecordedEvent<MessageSent>[];
      for (const event of page) {
        if (event.data.seq >= before) break;
        if (event.data.userId !== userId && mentions(event.data.text, username)) naming.push(event.data.messageId);
      }
      const last = page[page.length - 1]?.data.seq;
      if (page.length < PAGE || last === undefined || last >= before - 1) break;
      from = last;
    }
    if (naming.length === 0) return 0;
    const deleted = new Set(
      (await this.store.readMessageEvents(stream, naming))
        .filter((e) => e.type === 'MessageDeleted')
        .map((e) => (e.data as { messageId: string }).messageId),
    );
    return naming.filter((id) => !deleted.has(id)).length;
  }
}
