import { el } from './dom.js';
import { listNames } from './format.js';

/** At most one `typing: true` this often while someone keeps typing (the server forgets it after 5 s). */
const REFRESH_MS = 2000;

/**
 * Typing indicators, both ways. Outgoing: `typing {room|target, typing}`, throttled, with `false`
 * when the box empties, on send and on switching conversation. Incoming: who types where, shown
 * under the message box of the open conversation in a polite live region.
 */
export class Typing {
  constructor({ node, emit, me }) {
    Object.assign(this, { node, emit, me });
    /** conversation key → names typing there */
    this.typers = new Map();
    /** The conversation we last said we type in, and when. */
    this.sentTo = null;
    this.sentAt = 0;
    this.shownKey = null;
    this.text = el('span', { className: 'typing-text' });
    this.dots = el('span', { className: 'typing-dots', 'aria-hidden': 'true' }, [el('span'), el('span'), el('span')]);
  }

  /** The message box of `conversation` now holds `text`. */
  input(conversation, text) {
    if (text.trim() === '') {
      this.stop();
      return;
    }
    const now = Date.now();
    if (this.sentTo?.key === conversation.key && now - this.sentAt < REFRESH_MS) return;
    if (this.sentTo !== null && this.sentTo.key !== conversation.key) this.stop();
    if (!this.emit(conversation, true)) return;
    this.sentTo = conversation;
    this.sentAt = now;
  }

  /** Sent, emptied, or left: no longer typing. */
  stop() {
    const conversation = this.sentTo;
    this.sentTo = null;
    this.sentAt = 0;
    if (conversation !== null) this.emit(conversation, false);
  }

  /** `typing {room, users}` */
  room(key, users) {
    const me = this.me();
    this.typers.set(
      key,
      users.filter((name) => typeof name === 'string' && !me(name)),
    );
  }

  /** `typing {from, typing}` */
  person(key, name, typing) {
    this.typers.set(key, typing ? [name] : []);
  }

  /** Someone's message arrived: they are not typing it any more. */
  sent(key, name) {
    const names = this.typers.get(key);
    if (names?.includes(name))
      this.typers.set(
        key,
        names.filter((other) => other !== name),
      );
  }

  /** After a disconnect nobody is known to type; and we tell nobody we do. */
  reset() {
    this.typers.clear();
    this.sentTo = null;
    this.sentAt = 0;
  }

  /** Shows who types in the open conversation. */
  render(key) {
    const names = this.typers.get(key) ?? [];
    const text =
      names.length === 0
        ? ''
        : names.length > 3
          ? 'Several people are typing…'
          : `${listNames(names)} ${names.length === 1 ? 'is' : 'are'} typing…`;
    if (this.text.textContent === text && this.shownKey === key) return;
    this.shownKey = key;
    this.text.textContent = text;
    if (text === '') this.node.replaceChildren();
    else if (this.node.firstChild !== this.dots) this.node.replaceChildren(this.dots, this.text);
  }
}
