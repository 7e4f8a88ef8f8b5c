import { dmKey } from './conversation.js';
import { withEmoji } from './emoji.js';
import { excerpt } from './format.js';

/**
 * Messages into conversations, from every source (live push, acknowledgement, history on join,
 * catch-up, REST), and onto the screen when their conversation is open. Duplicates are dropped
 * by id; messages of others count as unread elsewhere and are announced to screen readers.
 */
export class Inbox {
  constructor({ state, messageList, typing, announce, saveDms }) {
    Object.assign(this, { state, messageList, typing, announce, saveDms });
  }

  /** A new message; null when it was already there. */
  receive(conversation, payload, { announce = true, render = true, follow = false, unread = true } = {}) {
    const { state, messageList, typing } = this;
    const added = conversation.addMessage(payload, state.isAuthor);
    if (added === null) return null;
    const { item, index } = added;
    if (state.isCurrent(conversation)) {
      if (render) messageList.insert(index, item, { follow });
    } else if (!item.own && unread && !(item.seq > 0 && item.seq <= conversation.readUpTo())) {
      conversation.unread += 1;
    }
    if (announce && !item.own) {
      const where = conversation.kind === 'dm' ? ' (private)' : state.isCurrent(conversation) ? '' : ` in ${conversation.name}`;
      const text = item.msg !== '' ? excerpt(withEmoji(item.msg)) : item.attachment !== undefined ? `shared ${item.attachment.name}` : '';
      this.announce(`${item.author}${where}: ${text}`);
    }
    if (!item.own) {
      typing.sent(conversation.key, item.author);
      typing.render(state.currentKey);
    }
    if (conversation.kind === 'dm') this.saveDms();
    return item;
  }

  /** A change to a message (edited, deleted, reactions) of a room (`room`) or a private conversation (`from`, `to`). */
  change(payload, conversation = this.conversationOf(payload)) {
    if (typeof payload?.id !== 'string') return;
    const changed = conversation?.updateMessage(payload);
    if (changed === null || changed === undefined) return;
    const current = this.state.isCurrent(conversation);
    if (current) this.messageList.refresh(changed.index);
    // Replies quote it: their quotes follow the edit or the deletion.
    for (const index of conversation.requote(changed.item)) if (current) this.messageList.refresh(index);
  }

  /** The conversation a push is about: its room, or the private conversation with the other side. */
  conversationOf(payload) {
    const { state } = this;
    if (typeof payload?.room === 'string') return state.knownRoom(payload.room);
    if (typeof payload?.from !== 'string' || typeof payload.to !== 'string') return undefined;
    return state.conversations.get(dmKey(state.isMine(payload.from) ? payload.to : payload.from));
  }

  /** The history the server sends on the first `join`: what was said before (nothing unread). */
  history(conversation, history) {
    for (const message of Array.isArray(history?.messages) ? history.messages : []) {
      this.receive(conversation, message, { announce: false, render: false, unread: false });
    }
    conversation.hasOlder = history?.hasMore === true && conversation.oldestMessageId() !== undefined;
    conversation.loaded = true;
    // The first history replaces whatever was shown: render it whole.
    if (this.state.isCurrent(conversation)) this.messageList.show(conversation);
  }

  /**
   * What a room's rejoin brings (`changes`): each change missed while away, as the push it was, in
   * order. A message already here, or a change older than the one shown, changes nothing.
   */
  changes(conversation, page) {
    let fresh = 0;
    for (const change of Array.isArray(page?.changes) ? page.changes : []) {
      const data = change?.data;
      if (typeof data?.id !== 'string' || data.room !== conversation.name) continue;
      if (change.event !== 'message') this.change(data, conversation);
      else if (this.receive(conversation, data, { announce: false }) !== null && data.username !== this.state.me) fresh++;
    }
    if (fresh > 0) this.announce(`${fresh} new ${fresh === 1 ? 'message' : 'messages'} in ${conversation.name}`);
  }

  /** A join or leave line, or a local notice, drawn at once when its conversation is open. */
  system(conversation, text, timestamp, kind) {
    const { item, index } = conversation.addSystem(text, timestamp, kind);
    if (this.state.isCurrent(conversation)) this.messageList.insert(index, item);
  }
}
