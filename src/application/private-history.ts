import { Injectable } from '@nestjs/common';
import type { PrivateMessageFacts } from '../domain/session/session.commands';
import type { PrivateMessageChanged, PrivateMessageSent } from '../domain/session/session.events';
import { privateMessageFacts, sessionStream } from '../domain/session/session.decider';
import { EventStore, type RecordedEvent } from './ports/event-store.port';
import {
  applyPrivateChange,
  isPrivateChange,
  toPrivateMessageView,
  UsersReadModel,
  type PrivateMessageView,
} from './read-models/users.read-model';

export interface PrivateHistoryPage {
  readonly messages: readonly PrivateMessageView[];
  readonly hasMore: boolean;
}

/** One change of a catch-up: the event, and the message as it stood just after it. */
export interface PrivateChange {
  readonly event: RecordedEvent<PrivateMessageSent | PrivateMessageChanged>;
  readonly view: PrivateMessageView;
}

/** What a client catching up on a conversation gets: the changes after its cursor, and the cursor after them. */
export interface PrivateChanges {
  readonly changes: readonly PrivateChange[];
  readonly cursor: number;
  readonly hasMore: boolean;
}

type PrivateEvent = RecordedEvent<PrivateMessageSent | PrivateMessageChanged>;

const isPrivateMessage = (event: RecordedEvent): event is RecordedEvent<PrivateMessageSent> => event.type === 'PrivateMessageSent';

const isPrivateEvent = (event: RecordedEvent): event is PrivateEvent => isPrivateMessage(event) || isPrivateChange(event);

const between = (event: PrivateEvent, a: string, b: string): boolean =>
  (event.data.fromUserId === a && event.data.toUserId === b) || (event.data.fromUserId === b && event.data.toUserId === a);

/** Folds events of private messages, in log order, into each message as it stands after them. */
const fold = (views: Map<string, PrivateMessageView>, event: PrivateEvent): PrivateMessageView | undefined => {
  const id = event.data.messageId;
  const view = isPrivateMessage(event) ? toPrivateMessageView(event) : views.get(id);
  if (view === undefined) return undefined;
  const next = isPrivateChange(event) ? applyPrivateChange(view, event) : view;
  views.set(id, next);
  return next;
};

/**
 * A private conversation's history, wherever it is: the newest `HISTORY_WINDOW` messages from the
 * read model (as they now are), older ones from the store by the index over the pair of users and
 * position, folded with their changes. The changes of a message are in the two users' session
 * streams (the author's edits and deletes, each side's reactions), found by message id. A page is
 * cut by position; it is either all from memory or all from the store, and a store read that fails
 * fails the whole page.
 */
@Injectable()
export class PrivateHistory {
  constructor(
    private readonly users: UsersReadModel,
    private readonly store: EventStore,
  ) {}

  /** A page of the conversation of two users older than `beforeId` (or the newest), newest first. */
  async page(
    userId: string,
    otherId: string,
    beforeId: string | undefined,
    limit: number,
  ): Promise<PrivateHistoryPage | 'unknown_message'> {
    const { window, older, head } = this.users.conversationWindow(userId, otherId);
    let before = Number.POSITIVE_INFINITY;
    if (beforeId !== undefined) {
      const position = await this.positionOf(userId, otherId, beforeId);
      if (position === undefined) return 'unknown_message';
      before = position;
    }
    let end = window.length;
    while (end > 0 && window[end - 1]!.position >= before) end--;
    const start = end - limit;
    if (start >= 0 || !older) {
      const from = Math.max(0, start);
      return {
        messages: window
          .slice(from, end)
          .map((entry) => entry.view)
          .reverse(),
        hasMore: from > 0 || older,
      };
    }
    // The page reaches past the window: all of it from the store, up to what this model has seen.
    const upTo = Number.isFinite(before) ? before : window[window.length - 1]!.position + 1;
    const found = (await this.store.readConversation(userId, otherId, upTo, limit + 1)).filter(isPrivateMessage);
    const sent = found.slice(0, limit);
    const events = await this.eventsOf(
      userId,
      otherId,
      sent.map((event) => event.data.messageId),
    );
    const views = new Map<string, PrivateMessageView>();
    for (const event of events) if (event.position <= head) fold(views, event);
    return { messages: sent.map((event) => views.get(event.data.messageId) ?? toPrivateMessageView(event)), hasMore: found.length > limit };
  }

  /**
   * Up to `limit` changes of the conversation after `since` (a place in the log), oldest first: each
   * message sent and each edit, delete and reaction, with the message as it stood just after it,
   * and the cursor to go on from. Read from the store, up to what this model has seen (newer ones
   * are still on their way as pushes). A cursor at or beyond that answers nothing and that place.
   */
  async changes(userId: string, otherId: string, since: number, limit: number): Promise<PrivateChanges> {
    const { head } = this.users.conversationWindow(userId, otherId);
    if (since >= head) return { changes: [], cursor: head, hasMore: false };
    const found = (await this.store.readConversationAfter(userId, otherId, since, limit + 1)).filter(
      (event): event is PrivateEvent => isPrivateEvent(event) && event.position <= head,
    );
    const page = found.slice(0, limit);
    // The messages changed here but sent before `since`: their earlier events give the state the page starts from.
    const sentHere = new Set(page.filter(isPrivateMessage).map((event) => event.data.messageId));
    const earlier = [...new Set(page.filter((event) => !sentHere.has(event.data.messageId)).map((event) => event.data.messageId))];
    const views = new Map<string, PrivateMessageView>();
    for (const event of earlier.length === 0 ? [] : await this.eventsOf(userId, otherId, earlier)) {
      if (event.position <= since) fold(views, event);
    }
    const changes: PrivateChange[] = [];
    for (const event of page) {
      const view = fold(views, event);
      if (view !== undefined) changes.push({ event, view });
    }
    return { changes, cursor: page.at(-1)?.position ?? head, hasMore: found.length > limit };
  }

  /** What the decider needs of a message of this conversation: its sides, whether deleted, who reacted. */
  async facts(userId: string, otherId: string, messageId: string): Promise<PrivateMessageFacts | undefined> {
    return privateMessageFacts(await this.eventsOf(userId, otherId, [messageId]));
  }

  /** A message of this conversation as it now stands in the store (undefined: none such). */
  async message(userId: string, otherId: string, messageId: string): Promise<PrivateMessageView | undefined> {
    const views = new Map<string, PrivateMessageView>();
    for (const event of await this.eventsOf(userId, otherId, [messageId])) fold(views, event);
    return views.get(messageId);
  }

  /** These messages of the conversation as they stood at `upTo` (a place in the log), by id: one indexed read per session stream. */
  async messages(userId: string, otherId: string, ids: readonly string[], upTo: number): Promise<Map<string, PrivateMessageView>> {
    const views = new Map<string, PrivateMessageView>();
    for (const event of await this.eventsOf(userId, otherId, ids)) if (event.position <= upTo) fold(views, event);
    return views;
  }

  /** The message this user sent with this client id, however old. */
  async sentWithClientId(fromUserId: string, clientId: string): Promise<PrivateMessageView | undefined> {
    const held = this.users.privateSentWithClientId(fromUserId, clientId);
    if (held !== undefined) return held;
    const sent = await this.store.findByClientId(sessionStream(fromUserId), fromUserId, clientId);
    return sent !== undefined && isPrivateMessage(sent) ? toPrivateMessageView(sent) : undefined;
  }

  /** Every event of these messages of the conversation, in log order: from both users' session streams, by message id. */
  private async eventsOf(userId: string, otherId: string, ids: readonly string[]): Promise<PrivateEvent[]> {
    if (ids.length === 0) return [];
    const streams = [...new Set([sessionStream(userId), sessionStream(otherId)])];
    const found = await Promise.all(streams.map((stream) => this.store.readMessageEvents(stream, ids)));
    return found
      .flat()
      .filter(isPrivateEvent)
      .filter((event) => between(event, userId, otherId))
      .sort((a, b) => a.position - b.position);
  }

  /**
   * Where a message of this conversation sits in the log: from the window, else from the store (it is
   * in the sender's session stream, one of the two: one indexed lookup each).
   */
  private async positionOf(userId: string, otherId: string, id: string): Promise<number | undefined> {
    const held = this.users.privateEntry(userId, otherId, id);
    if (held !== undefined) return held.position;
    return (await this.eventsOf(userId, otherId, [id])).find(isPrivateMessage)?.position;
  }
}
