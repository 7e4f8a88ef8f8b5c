import { Injectable } from '@nestjs/common';
import { messageFacts, roomStream, type MessageFacts } from '../domain/room/room.decider';
import type { RoomEvent } from '../domain/room/room.events';
import { EventStore, type RecordedEvent, type SeqRange } from './ports/event-store.port';
import { foldMessages, messageStates, quoteOf, RoomsReadModel, type HistoryPage, type MessageView } from './read-models/rooms.read-model';

const HOLD_ATTEMPTS = 5;
/** Above any stream's version (PostgreSQL stores versions as 32-bit integers). */
const BEYOND_ANY_VERSION = 2 ** 31 - 1;

/** A page a client starts from, with the room's cursor it stands at: a resume asks for what came after. */
export type CursorPage = HistoryPage & { readonly cursor: number };

/** A message event after a cursor, with the message as it stood just after it. */
export type RoomChange = { readonly event: RecordedEvent; readonly view: MessageView };

/** The changes after a cursor, oldest first; `cursor`: where the next page starts (the head when none is left). */
export interface ChangesPage {
  readonly changes: readonly RoomChange[];
  readonly cursor: number;
  readonly hasMore: boolean;
}

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

  /**
   * The newest `limit` messages, oldest first. The cursor is the room's as the read model stood when
   * the page was taken: a page read from the store may hold later changes too, which a resume from
   * it then brings again (each is the whole message as it stood, so applying one twice changes nothing).
   */
  async recent(room: string, limit: number): Promise<CursorPage> {
    const cursor = this.rooms.versionOf(room);
    const { first, last } = this.rooms.bounds(room);
    const from = Math.max(1, last - limit + 1);
    if (from >= first || last === 0) return { messages: this.rooms.windowRange(room, from, last), hasMore: from > 1, cursor };
    const page = await this.fromStore(room, { before: last + 1 }, limit);
    return { messages: [...page.messages].reverse(), hasMore: page.hasMore, cursor };
  }

  /** Messages with seq > `seq`, oldest first, at most `limit`; the cursor as for `recent`. */
  async since(room: string, seq: number, limit: number): Promise<CursorPage> {
    const cursor = this.rooms.versionOf(room);
    const { first, last } = this.rooms.bounds(room);
    if (seq + 1 >= first) {
      const to = Math.min(last, seq + limit);
      return { messages: this.rooms.windowRange(room, seq + 1, to), hasMore: to < last, cursor };
    }
    return { ...(await this.fromStore(room, { after: seq }, limit)), cursor };
  }

  /**
   * Up to `limit` events about messages after `cursor` (the room stream's version), from the store,
   * each with the message as it stood just after it: what a client that saw everything up to the
   * cursor missed, in order. Joins and leaves take a place in the order but are not changes to
   * messages. A cursor at or beyond the head answers no changes and the head.
   */
  async changes(room: string, cursor: number, limit: number): Promise<ChangesPage> {
    const stream = roomStream(room);
    const events = await this.store.readStream(stream, Math.min(cursor + 1, BEYOND_ANY_VERSION), limit + 1);
    const page = events.slice(0, limit);
    if (page.length === 0) {
      const [newest] = await this.store.readStreamBackward(stream, BEYOND_ANY_VERSION, 1);
      return { changes: [], cursor: newest?.version ?? 0, hasMore: false };
    }
    const sentHere = new Set<string>();
    const changed = new Set<string>();
    for (const event of page) {
      if (event.type === 'MessageSent') sentHere.add(event.data.messageId);
      else if ('messageId' in event.data && !sentHere.has(event.data.messageId)) changed.add(event.data.messageId);
    }
    const earlier =
      changed.size === 0 ? [] : (await this.store.readMessageEvents(stream, [...changed])).filter((event) => event.version <= cursor);
    const states = messageStates(earlier, page);
    const views = await this.quoted(
      room,
      states.map((state) => state.view),
    );
    return {
      changes: states.map((state, i) => ({ event: state.event, view: views[i]! })),
      cursor: page[page.length - 1]!.version,
      hasMore: events.length > limit,
    };
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
    const found = foldMessages(await this.store.readMessageEvents(roomStream(room), [id])).get(id);
    return found === undefined ? undefined : (await this.quoted(room, [found]))[0];
  }

  /**
   * The views with the quotes of the messages they answer resolved: from the views themselves, the
   * read model, or the store (one read for all of them), each as the message now stands.
   */
  private async quoted(room: string, views: readonly MessageView[]): Promise<MessageView[]> {
    const open = (view: MessageView): string | undefined =>
      view.replyTo !== undefined && !('seq' in view.replyTo) ? view.replyTo.id : undefined;
    const wanted = new Set(views.map(open).filter((id) => id !== undefined));
    if (wanted.size === 0) return [...views];
    const known = new Map<string, MessageView>();
    for (const view of views) if (wanted.has(view.id)) known.set(view.id, view);
    for (const id of wanted) {
      const held = known.has(id) ? undefined : this.rooms.message(room, id);
      if (held !== undefined) known.set(id, held);
    }
    const missing = [...wanted].filter((id) => !known.has(id));
    if (missing.length > 0)
      for (const [id, view] of foldMessages(await this.store.readMessageEvents(roomStream(room), missing))) known.set(id, view);
    return views.map((view) => {
      const id = open(view);
      const original = id === undefined ? undefined : known.get(id);
      return original === undefined ? view : { ...view, replyTo: quoteOf(original) };
    });
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
    return {
      messages: await this.quoted(
        room,
        ids.map((id) => views.get(id)!),
      ),
      hasMore: sent.length > limit,
    };
  }
}
