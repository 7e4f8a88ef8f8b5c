import { getConversations, getHistory } from './rest-client.js';
import * as storage from './storage.js';

/** At most this many `private_sync` pages (of 500) in one catch-up; the next reconnect goes on. */
const SYNC_PAGES = 100;

/**
 * Private conversations: their messages come from the server (the source of truth) when one is
 * opened, and after a reconnect everything after the conversation's cursor (`private_sync`); which
 * ones are open, with their unread counts, is kept for reloads.
 */
export class PrivateConversations {
  constructor({ state, connection, messageList, render }) {
    Object.assign(this, { state, connection, messageList, render });
  }

  /**
   * A private conversation's newest page when it is first opened; after a reconnect, every message
   * after its cursor, page after page. Duplicates are dropped by id.
   */
  async load(conversation) {
    const { state, messageList } = this;
    if (conversation.kind !== 'dm' || conversation.fetching !== undefined) return conversation.fetching;
    const first = !conversation.loaded;
    const me = state.me;
    conversation.fetching = (async () => {
      try {
        const page = first || conversation.cursor === 0 ? await this.newest(conversation) : await this.sync(conversation);
        if (state.me !== me) return;
        let added = 0;
        let changed = 0;
        for (const { event, data } of page.changes) {
          if (event !== 'private_message') {
            if (conversation.updateMessage(data) !== null) changed++;
            continue;
          }
          const result = conversation.addMessage(data, state.isAuthor);
          if (result === null) continue;
          added++;
          const read = result.item.seq > 0 && result.item.seq <= conversation.readUpTo();
          if (!first && !state.isCurrent(conversation) && !result.item.own && !read) conversation.unread++;
        }
        if (first) conversation.hasOlder = page.hasMore === true && conversation.oldestMessageId() !== undefined;
        if (first && state.isCurrent(conversation) && conversation.firstUnreadId === undefined) {
          conversation.markFirstUnread(conversation.unreadWhenOpened);
        }
        if (typeof page.cursor === 'number') conversation.caughtUpTo(page.cursor, true);
        conversation.loaded = true;
        if (state.isCurrent(conversation) && (first || added > 0 || changed > 0)) messageList.show(conversation);
      } catch (error) {
        // An unknown name (404): nothing was ever said. Anything else: the next open tries again.
        if (error?.status === 404) conversation.loaded = true;
        if (state.isCurrent(conversation)) messageList.updateTop();
      } finally {
        conversation.fetching = undefined;
        this.save();
        this.render();
      }
    })();
    return conversation.fetching;
  }

  /** The newest page over REST, as changes: each message as it now is. */
  async newest(conversation) {
    const page = await getHistory(conversation);
    const messages = Array.isArray(page.messages) ? page.messages : [];
    return { changes: messages.map((data) => ({ event: 'private_message', data })), hasMore: page.hasMore };
  }

  /**
   * Every change after the conversation's cursor, oldest first (messages, edits, deletions,
   * reactions, each as the push it was): `private_sync` until it has no more.
   */
  async sync(conversation) {
    const changes = [];
    let since = conversation.cursor;
    for (let page = 0; page < SYNC_PAGES; page++) {
      const answer = await this.connection.ask('private_sync', { with: conversation.name, since });
      if (answer?.ok !== true) {
        if (answer?.error?.code === 'user_not_found') break;
        throw new Error(answer?.error?.message ?? 'private_sync failed');
      }
      for (const change of Array.isArray(answer.changes) ? answer.changes : []) {
        if (typeof change?.event === 'string' && typeof change.data?.id === 'string') changes.push(change);
      }
      if (typeof answer.cursor === 'number') since = Math.max(since, answer.cursor);
      if (answer.hasMore !== true) break;
    }
    return { changes, cursor: since };
  }

  /**
   * The user's conversations from the server (`GET /api/private`), after each connection: one that
   * this page did not know yet appears, marked unread when its last message is from the other side
   * (a message written while this user was offline, or on another device).
   */
  async list() {
    const { state } = this;
    const me = state.me;
    try {
      const { conversations } = await getConversations();
      if (state.me !== me) return;
      for (const entry of Array.isArray(conversations) ? conversations : []) {
        if (typeof entry?.with !== 'string' || entry.with === '' || state.isMine(entry.with)) continue;
        const known = state.conversations.has(`dm:${entry.with}`);
        const conversation = state.dm(entry.with);
        // The server's count (a known one is kept up to date by the read markers).
        if (!known && !state.isCurrent(conversation) && typeof entry.unread === 'number') conversation.unread = entry.unread;
      }
      this.save();
      this.render();
    } catch {
      // The open ones are still here; the next connection lists them again.
    }
  }

  save() {
    const { state } = this;
    if (state.me === null) return;
    storage.saveDms(state.me, state.ofKind('dm'));
  }

  /** Which private conversations were open before a reload (their messages come when opened). */
  restore() {
    const { state } = this;
    const saved = storage.savedDms(state.me);
    if (saved === null) return;
    for (const stored of saved) state.dm(stored.name).unread = Number(stored.unread) || 0;
    if (state.conversations.has(state.currentKey)) this.messageList.show(state.current());
  }
}
