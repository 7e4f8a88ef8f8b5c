import { dmKey } from './conversation.js';
import { getUnread } from './rest-client.js';

/**
 * How long the page waits before telling the server what was read: each `read` is a write, so a tab
 * open on a busy room sends at most one every 1.5 s (what the page shows as read changes at once).
 */
const SETTLE_MS = 1500;

/**
 * Read markers and unread counts, from the server: a room or private conversation open on a visible
 * page is read up to its newest message (`read {room, seq}`, `read {with, seq}`), and the counts
 * shown are the server's (`GET /api/unread` after each connection, `unread` when a marker moves on
 * any tab or device), plus the messages by others that arrived since, counted as they come.
 */
export class ReadMarkers {
  constructor({ state, connection, messageList, render }) {
    Object.assign(this, { state, connection, messageList, render });
    this.timers = new Map();
    document.addEventListener('visibilitychange', () => this.seen(this.state.current()));
  }

  /** The counts after a (re)connection, once the rooms are caught up. */
  async load() {
    try {
      const { rooms, conversations } = await getUnread();
      for (const entry of [...(Array.isArray(rooms) ? rooms : []), ...(Array.isArray(conversations) ? conversations : [])])
        this.apply(entry);
      this.render();
    } catch {
      // The counts counted on this page stay; the next marker move corrects them.
    }
    this.seen(this.state.current());
  }

  /** `unread {room | with, count, readSeq}`: a marker moved, maybe on another device. */
  apply(entry) {
    if (typeof entry?.count !== 'number') return;
    const conversation = this.conversationOf(entry);
    if (conversation === undefined) return;
    if (typeof entry.readSeq === 'number') conversation.readSeq = Math.max(conversation.readSeq, entry.readSeq);
    const current = this.state.isCurrent(conversation);
    // The room open since the page loaded learns only now what was unread in it: mark where that starts.
    if (current && entry.count > 0 && conversation.firstUnreadId === undefined) {
      conversation.markFirstUnread(entry.count);
      if (conversation.firstUnreadId !== undefined) this.messageList.show(conversation);
    }
    conversation.unread = current && this.visible() ? 0 : entry.count;
  }

  /** A room this page knows, or a private conversation (one with something unread appears). */
  conversationOf(entry) {
    const { state } = this;
    if (typeof entry.room === 'string') return state.knownRoom(entry.room);
    if (typeof entry.with !== 'string' || entry.with === '' || state.isMine(entry.with)) return undefined;
    return state.conversations.get(dmKey(entry.with)) ?? (entry.count > 0 ? state.dm(entry.with) : undefined);
  }

  /** The conversation is on screen: tell the server it is read up to its newest message. */
  seen(conversation) {
    if (!conversation || !this.state.isCurrent(conversation) || !this.visible()) return;
    conversation.seenSeq = Math.max(conversation.seenSeq, conversation.maxSeq);
    if (conversation.maxSeq <= conversation.readSeq || this.timers.has(conversation.key)) return;
    this.timers.set(
      conversation.key,
      setTimeout(() => {
        this.timers.delete(conversation.key);
        this.send(conversation);
      }, SETTLE_MS),
    );
  }

  async send(conversation) {
    const seq = conversation.maxSeq;
    if (seq <= conversation.readSeq || !this.connection.connected) return;
    try {
      const where = conversation.kind === 'room' ? { room: conversation.name } : { with: conversation.name };
      const answer = await this.connection.ask('read', { ...where, seq });
      if (answer?.ok === true && typeof answer.readSeq === 'number') conversation.readSeq = Math.max(conversation.readSeq, answer.readSeq);
    } catch {
      // Sent again when the room is next seen.
    }
  }

  visible() {
    return document.visibilityState === 'visible';
  }
}
