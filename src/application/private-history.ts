import { Injectable } from '@nestjs/common';
import type { PrivateMessageSent } from '../domain/session/session.events';
import { sessionStream } from '../domain/session/session.decider';
import { EventStore, type RecordedEvent } from './ports/event-store.port';
import { toPrivateMessageView, UsersReadModel, type PrivateMessageView } from './read-models/users.read-model';

export interface PrivateHistoryPage {
  readonly messages: readonly PrivateMessageView[];
  readonly hasMore: boolean;
}

/** What a client catching up on a conversation gets: the messages after its cursor, and the cursor after them. */
export interface PrivateChanges {
  readonly messages: readonly PrivateMessageView[];
  readonly cursor: number;
  readonly hasMore: boolean;
}

const isPrivateMessage = (event: RecordedEvent): event is RecordedEvent<PrivateMessageSent> => event.type === 'PrivateMessageSent';

const between = (event: RecordedEvent<PrivateMessageSent>, a: string, b: string): boolean =>
  (event.data.fromUserId === a && event.data.toUserId === b) || (event.data.fromUserId === b && event.data.toUserId === a);

/**
 * A private conversation's history, wherever it is: the newest `HISTORY_WINDOW` messages from the
 * read model, older ones from the store by the index over the pair of users and position. Private
 * messages never change once sent, so a page is cut by position; it is either all from memory or
 * all from the store, and a store read that fails fails the whole page.
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
    const { window, older } = this.users.conversationWindow(userId, otherId);
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
    const found = await this.store.readConversation(userId, otherId, upTo, limit + 1);
    const messages = found.slice(0, limit).filter(isPrivateMessage).map(toPrivateMessageView);
    return { messages, hasMore: found.length > limit };
  }

  /**
   * Up to `limit` messages of the conversation after `since` (a place in the log), oldest first, and
   * the cursor to go on from: from the window when it holds everything after `since`, else from the
   * store, up to what this model has seen (newer ones are still on their way as pushes). A cursor at
   * or beyond the newest message answers nothing and the newest message's place.
   */
  async changes(userId: string, otherId: string, since: number, limit: number): Promise<PrivateChanges> {
    const { window, older } = this.users.conversationWindow(userId, otherId);
    const head = window.at(-1)?.position ?? 0;
    if (since >= head) return { messages: [], cursor: head, hasMore: false };
    let found: PrivateMessageView[];
    if (!older || since >= window[0]!.position) {
      let start = window.length;
      while (start > 0 && window[start - 1]!.position > since) start--;
      found = window.slice(start, start + limit + 1).map((entry) => entry.view);
    } else {
      const stored = await this.store.readConversationAfter(userId, otherId, since, limit + 1);
      found = stored
        .filter(isPrivateMessage)
        .filter((event) => event.position <= head)
        .map(toPrivateMessageView);
    }
    const messages = found.slice(0, limit);
    return { messages, cursor: messages.at(-1)!.seq, hasMore: found.length > limit };
  }

  /** The message this user sent with this client id, however old. */
  async sentWithClientId(fromUserId: string, clientId: string): Promise<PrivateMessageView | undefined> {
    const held = this.users.privateSentWithClientId(fromUserId, clientId);
    if (held !== undefined) return held;
    const sent = await this.store.findByClientId(sessionStream(fromUserId), fromUserId, clientId);
    return sent !== undefined && isPrivateMessage(sent) ? toPrivateMessageView(sent) : undefined;
  }

  /**
   * Where a message of this conversation sits in the log: from the window, else from the store (it is
   * in the sender's session stream, one of the two: one indexed lookup each).
   */
  private async positionOf(userId: string, otherId: string, id: string): Promise<number | undefined> {
    const held = this.users.privateEntry(userId, otherId, id);
    if (held !== undefined) return held.position;
    const streams = [...new Set([sessionStream(userId), sessionStream(otherId)])];
    const found = await Promise.all(streams.map((stream) => this.store.readMessageEvents(stream, [id])));
    return found
      .flat()
      .filter(isPrivateMessage)
      .find((event) => between(event, userId, otherId))?.position;
  }
}
