import { Injectable } from '@nestjs/common';
import { messageFacts, roomStream, type MessageFacts } from '../domain/room/room.decider';
import type { RoomEvent } from '../domain/room/room.events';
import { EventStore, type RecordedEvent, type SeqRange } from './ports/event-store.port';
import { foldMessages, RoomsReadModel, type HistoryPage, type MessageView } from './read-models/rooms.read-model';

const HOLD_ATTEMPTS = 5;

/**
 * A room's history, wherever it is: the newest `HISTORY_WINDOW` messages from the read model, older
 * ones from the store by index (messages by seq, then every event about them by message id, folded
 * as the read model folds them). A page is either all from memory or all from the store, so it is
 * always one consistent fold; a store read that fails fails the whole page.
 */
@Injectable()
export class RoomHistory {
  constructor(
    private readonly rooms: RoomsReadModel,
    private readonly store: EventStore,
  ) {}

  /** The newest `limit` messages, oldest first. */
  async recent(room: string, limit: number): Promise<HistoryPage> {
    const { first, last } = this.rooms.bounds(room);
    const from = Math.max(1, last - limit + 1);
    if (from >= first || last === 0) return { messages: this.rooms.windowRange(room, from, last), hasMore: from > 1 };
    const page = await this.fromStore(room, { before: last + 1 }, limit);
    return { messages: [...page.messages].reverse(), hasMore: page.hasMore };
  }

  /** Messages with seq > `seq`, oldest first, at most `limit`. */
  async since(room: string, seq: number, limit: number): Promise<HistoryPage> {
    const { first, last } = this.rooms.bounds(room);
    if (seq + 1 >= first) {
      const to = Math.min(last, seq + limit);
      return { messages: this.rooms.windowRange(room, seq + 1, to), hasMore: to < last };
    }
    return this.fromStore(room, { after: seq }, limit);
  }

  /** A page of messages older than `beforeId` (or the newest), newest first. */
  async page(room: string, beforeId: string | undefined, limit: number): Promise<HistoryPage | 'unknown_message'> {
    const { first, last } = this.rooms.bounds(room);
    let before = last + 1;
    if (beforeId !== undefined) {
      const message = await this.message(room, beforeId);
      if (message === undefined) return 'unknown_message';
      before = message.seq;
    }
    const from = Math.max(1, before - limit);
    if (from >= first) return { messages: this.rooms.windowRange(room, from, before - 1).reverse(), hasMore: from > 1 };
    return this.fromStore(room, { before }, limit);
  }

  /** One message of the room, from memory when it is there. */
  async message(room: string, id: string): Promise<MessageView | undefined> {
    const held = this.rooms.message(room, id);
    if (held !== undefined) return held;
    return foldMessages(await this.store.readMessageEvents(roomStream(room), [id])).get(id);
  }

  /** The message this user sent with this client id, however old. */
  async sentWithClientId(room: string, userId: string, clientId: string): Promise<MessageView | undefined> {
    const held = this.rooms.sentWithClientId(room, userId, clientId);
    if (held !== undefined) return held;
    const sent = await this.store.findByClientId(roomStream(room), userId, clientId);
    return sent === undefined || sent.type !== 'MessageSent' ? undefined : this.message(room, sent.data.messageId);
  }

  /**
   * Reads the events of a message older than the window into the read model while a command changes
   * it, so the change is pushed with the whole message; returns them, for the command's facts.
   */
  async hold(room: string, id: string): Promise<RecordedEvent[]> {
    for (let attempt = 1; ; attempt++) {
      const asOf = this.rooms.versionOf(room);
      const events = await this.store.readMessageEvents(roomStream(room), [id]);
      // The model moved on while reading (another node's change, in a cluster): read again, a few times.
      if (this.rooms.message(room, id) !== undefined || this.rooms.hold(room, events, asOf) || attempt >= HOLD_ATTEMPTS) return events;
    }
  }

  /**
   * The facts of a message as of the room's `version`, for a command about it: from the read model
   * when it holds the message at that version, else folded from the message's events in the store.
   */
  async facts(room: string, id: string, version: number): Promise<MessageFacts | undefined> {
    const held = this.rooms.facts(room, id, version);
    if (held !== 'not_held') return held;
    return messageFacts((await this.hold(room, id)) as RoomEvent[]);
  }

  /** Up to `limit` messages from the store in the order of `range`, with every change applied. */
  private async fromStore(room: string, range: SeqRange, limit: number): Promise<HistoryPage> {
    const stream = roomStream(room);
    const sent = await this.store.readMessages(stream, range, limit + 1);
    const page = sent.slice(0, limit);
    const ids = page.map((event) => (event.data as { messageId: string }).messageId);
    const views = foldMessages(await this.store.readMessageEvents(stream, ids));
    return { messages: ids.map((id) => views.get(id)!), hasMore: sent.length > limit };
  }
}
