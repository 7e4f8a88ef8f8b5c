import { getConversations, getHistory } from './rest-client.js';
import * as storage from './storage.js';

/**
 * Private conversations: their messages come from the server (the source of truth) when one is
 * opened and after a reconnect; which ones are open, with their unread counts, is kept for reloads.
 */
export class PrivateConversations {
  constructor({ state, messageList, render }) {
    Object.assign(this, { state, messageList, render });
  }

  /**
   * A private conversation's newest page: when it is first opened, and after a reconnect for what
   * arrived meanwhile. Duplicates are dropped by id.
   */
  async load(conversation) {
    const { state, messageList } = this;
    if (conversation.kind !== 'dm' || conversation.fetching !== undefined) return conversation.fetching;
    const first = !conversation.loaded;
    const me = state.me;
    conversation.fetching = (async () => {
      try {
        const page = await getHistory(conversation);
        if (state.me !== me) return;
        let added = 0;
        for (const message of Array.isArray(page.messages) ? page.messages : []) {
          const result = conversation.addMessage(message, state.isMine);
          if (result === null) continue;
          added++;
          if (!first && !state.isCurrent(conversation) && !result.item.own) conversation.unread++;
        }
        if (first) conversation.hasOlder = page.hasMore === true && conversation.oldestMessageId() !== undefined;
        conversation.loaded = true;
        if (state.isCurrent(conversation) && (first || added > 0)) messageList.show(conversation);
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
        if (!known && !state.isCurrent(conversation) && entry.last?.from !== undefined && !state.isMine(entry.last.from))
          conversation.unread = 1;
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
