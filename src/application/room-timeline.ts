import { Injectable } from '@nestjs/common';
import { evolve, initialState, roomStream, type Room } from '../domain/room/room.decider';
import type { ModerationEvent, RoomEvent } from '../domain/room/room.events';
import { EventStore, type RecordedEvent } from './ports/event-store.port';
import { foldMessages, type MessageView } from './read-models/message-fold';

/** Above any stream's version (PostgreSQL stores versions as 32-bit integers). */
const BEYOND_ANY_VERSION = 2 ** 31 - 1;
const STATE_PAGE = 1000;
/** The messages a moment shows: the last ones sent up to it. */
export const MOMENT_MESSAGES = 50;

export type AuditPage = { entries: RecordedEvent<ModerationEvent>[]; cursor: number; hasMore: boolean };

/** Where in a room's history: just after its message `seq`, or as it stood at a time. */
export type Moment = { readonly seq: number } | { readonly time: Date };

/** A room as it stood at a moment, folded from its log: who was in it and in what role, who was banned or muted, its last messages. */
export interface RoomMoment {
  /** The room stream's version the moment is at, the last message's seq then, and when the event at that version happened. */
  readonly version: number;
  readonly seq: number;
  readonly time: string | undefined;
  readonly state: Room;
  /** The names of the people the state names by id, as the log last called them up to the moment. */
  readonly names: ReadonlyMap<string, string>;
  /** Oldest first, each with the edits, removals and reactions made up to the moment, and none after. */
  readonly messages: readonly MessageView[];
}

/**
 * A room's moderation and its past, read from the store by index: the moderation events for the
 * audit, and for a moment the events that are not about messages (folded with the room's `evolve`)
 * and its last messages with their changes up to then. Nothing here is held in memory.
 */
@Injectable()
export class RoomTimeline {
  constructor(private readonly store: EventStore) {}

  /** Moderation events after the cursor (a version of the room's stream), oldest first. */
  async audit(room: string, after: number, limit: number): Promise<AuditPage> {
    const range = { afterVersion: after, beforeVersion: BEYOND_ANY_VERSION };
    const events = await this.store.readRoomEvents(roomStream(room), 'moderation', range, limit + 1);
    const entries = events.slice(0, limit) as RecordedEvent<ModerationEvent>[];
    return { entries, cursor: entries[entries.length - 1]?.version ?? after, hasMore: events.length > limit };
  }

  /** The room at a moment; `message_not_found` for a seq the room never reached. */
  async at(room: string, moment: Moment): Promise<RoomMoment | 'message_not_found'> {
    const stream = roomStream(room);
    let version: number;
    let seq: number;
    if ('seq' in moment) {
      const [sent] = await this.store.readMessages(stream, { after: moment.seq - 1 }, 1);
      if (sent === undefined || (sent.data as { seq: number }).seq !== moment.seq) return 'message_not_found';
      version = sent.version;
      seq = moment.seq;
    } else {
      version = await this.versionAt(stream, moment.time.getTime());
      seq = await this.seqAt(stream, version);
    }
    const [state, names] = await this.stateAt(stream, version);
    const [event] = version === 0 ? [] : await this.store.readStream(stream, version, 1);
    return { version, seq, time: event?.metadata.occurredAt, state, names, messages: await this.messagesAt(stream, version, seq) };
  }

  private async stateAt(stream: string, version: number): Promise<[Room, Map<string, string>]> {
    let state = initialState();
    const names = new Map<string, string>();
    for (let after = 0; ;) {
      const page = await this.store.readRoomEvents(stream, 'state', { afterVersion: after, beforeVersion: version + 1 }, STATE_PAGE);
      for (const event of page as RecordedEvent<RoomEvent>[]) {
        state = evolve(state, event);
        const { userId, username } = event.data as { userId?: string; username?: string };
        if (userId !== undefined && username !== undefined && event.type !== 'MessageRemoved') names.set(userId, username);
      }
      if (page.length < STATE_PAGE) return [state, names];
      after = page[page.length - 1]!.version;
    }
  }

  private async messagesAt(stream: string, version: number, seq: number): Promise<MessageView[]> {
    if (seq === 0) return [];
    const sent = await this.store.readMessages(stream, { before: seq + 1 }, MOMENT_MESSAGES);
    const ids = sent.map((event) => (event.data as { messageId: string }).messageId).reverse();
    const events = (await this.store.readMessageEvents(stream, ids)).filter((event) => event.version <= version);
    const views = foldMessages(events);
    return ids.map((id) => views.get(id)!);
  }

  /** The newest version whose event happened at or before `time` (0: before the room began), by bisection over the stream. */
  private async versionAt(stream: string, time: number): Promise<number> {
    const [newest] = await this.store.readStreamBackward(stream, BEYOND_ANY_VERSION, 1);
    let low = 0;
    let high = newest?.version ?? 0;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      const [event] = await this.store.readStream(stream, middle, 1);
      if (event !== undefined && Date.parse(event.metadata.occurredAt) <= time) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** The seq of the last message sent at or before `version`, by bisection over the messages. */
  private async seqAt(stream: string, version: number): Promise<number> {
    const [newest] = await this.store.readMessages(stream, { before: BEYOND_ANY_VERSION }, 1);
    let low = 0;
    let high = newest === undefined ? 0 : (newest.data as { seq: number }).seq;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      const [sent] = await this.store.readMessages(stream, { after: middle - 1 }, 1);
      if (sent !== undefined && sent.version <= version) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}
