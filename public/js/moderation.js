import { DEFAULT_ROOM } from './chat-state.js';
import { isModerator, roomKey } from './conversation.js';
import { refusalText, untilText } from './format.js';
import { describeAction } from './moderation-text.js';

const NO_ANSWER = 'The server did not answer. Try again.';

/** Moderation pushes that need no line of their own: kicks and bans come as `status` lines, a removal shows as its tombstone. */
const SHOWN_ELSEWHERE = new Set(['kick', 'ban', 'remove_message']);

/**
 * What moderators, owners and admins do in a room, and what everyone sees of it: removing a
 * message, kicking, muting and banning members, slow mode, and the `moderation` pushes as lines in
 * the room. Each request resolves with an error message (the server's, never swallowed) or null.
 * A member removed from a room (kicked, banned) leaves its view and is told by whom and why.
 */
export class Moderation {
  constructor({ state, connection, inbox, rooms, render, showError, setNote, announce, open }) {
    Object.assign(this, { state, connection, inbox, rooms, render, showError, setNote, announce, open });
  }

  /** Whether the user moderates the open room (or `conversation`). */
  moderates(conversation = this.state.current()) {
    return conversation.kind === 'room' && conversation.joined && isModerator(conversation.role);
  }

  /** Sends `event` about the open room; the answer's error in words, or null when done. */
  async act(event, payload, fallback) {
    try {
      const answer = await this.connection.ask(event, payload);
      return answer?.ok === true ? null : refusalText(answer?.error, fallback);
    } catch {
      return NO_ANSWER;
    }
  }

  /** Removes someone else's message in the open room, with an optional reason. */
  async removeMessage(item, reason) {
    const conversation = this.state.current();
    const why = reason === '' ? {} : { reason };
    const error = await this.act('remove_message', { room: conversation.name, messageId: item.id, ...why }, 'The message was not removed.');
    if (error !== null) return error;
    this.inbox.change({ id: item.id, deleted: true, removed: { by: this.state.me, ...why } }, conversation);
    this.announce('Message removed.');
    return null;
  }

  /**
   * `kick`, `mute`, `ban`, `unmute`, `unban` or `set_role` of `user` in room `room`: `options` are
   * `{ reason, seconds }` (how long a mute or ban lasts; none: until lifted) or `{ role }`.
   */
  member(action, room, user, { reason = '', seconds, role } = {}) {
    const payload = { room, user };
    if (reason !== '' && (action === 'kick' || action === 'mute' || action === 'ban')) payload.reason = reason;
    if (seconds !== undefined && (action === 'mute' || action === 'ban'))
      payload.until = new Date(Date.now() + seconds * 1000).toISOString();
    if (action === 'set_role') payload.role = role;
    return this.act(action, payload, 'That was refused.');
  }

  /** The header's slow-mode selector: a change is asked for at once, and put back if refused. */
  bindSlowMode(select) {
    select.addEventListener('change', async () => {
      const conversation = this.state.current();
      const seconds = Number(select.value);
      const error = await this.act('slow_mode', { room: conversation.name, seconds }, 'Slow mode was not changed.');
      if (error !== null) {
        select.value = String(conversation.slowMode ?? 0);
        this.showError(error);
        return;
      }
      conversation.slowMode = seconds;
      this.render();
    });
  }

  /** A `moderation` push: the room's members (and the member it is about) learn who did what, and why. */
  pushed(event) {
    if (typeof event?.room !== 'string' || typeof event.action !== 'string' || typeof event.by !== 'string') return;
    const conversation = this.state.knownRoom(event.room);
    if (conversation === undefined) return;
    if (event.action === 'slow_mode' && typeof event.seconds === 'number') conversation.slowMode = event.seconds;
    // A new role for the user: what the page offers follows.
    if (event.action === 'set_role' && typeof event.user === 'string' && this.state.isMine(event.user)) this.rooms.detail(conversation);
    if (conversation.joined && !SHOWN_ELSEWHERE.has(event.action)) {
      const authorOf = (id) => conversation.items.find((item) => item.id === id)?.author;
      this.inbox.system(conversation, describeAction(event, authorOf), event.timestamp, 'moderation');
    }
    this.render();
  }

  /**
   * `membership` with `reason: 'kicked' | 'banned'`: the user is out of the room. Its view closes (the
   * default room opens instead) and the note under the message box says by whom, until when and why.
   */
  removedFrom(conversation, { reason, moderation }) {
    const by = typeof moderation?.by === 'string' ? moderation.by : 'a moderator';
    const until = typeof moderation?.until === 'string' ? ` until ${untilText(moderation.until)}` : '';
    const why = typeof moderation?.reason === 'string' && moderation.reason !== '' ? `: ${moderation.reason}` : '.';
    const text = `You were ${reason === 'banned' ? 'banned from' : 'removed from'} ${conversation.name} by ${by}${until}${why}`;
    conversation.role = null;
    conversation.replyTo = null;
    if (this.state.isCurrent(conversation)) this.open(roomKey(DEFAULT_ROOM));
    this.setNote(text);
    this.announce(text);
  }
}
