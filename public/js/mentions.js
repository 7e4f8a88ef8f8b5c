import { el } from './dom.js';

/** `@name` not inside a word, as the server reads it (names: letters, digits, `_`, `.`, `-`, 3 to 32). */
const MENTION = /(?<![\p{L}\p{N}_])@([\p{L}\p{N}_.-]{3,32})/gu;

/** The name as written at `match`, without the `.` or `-` that ends a sentence. */
const written = (match) => match[1].replace(/[.-]+$/u, '');
/** The name a mention at `match` names, lowercased. */
const nameOf = (match) => written(match).toLowerCase();

/** Whether `text` mentions one of the names `isMe(lowercased name)` accepts. */
export const mentionsMe = (text, isMe) => {
  if (!text.includes('@')) return false;
  for (const match of text.matchAll(MENTION)) if (isMe(nameOf(match))) return true;
  return false;
};

/** The text nodes of a message with each mention of the reader marked (`<mark class="mention">`). */
export const markMentions = (nodes, isMe) =>
  nodes.flatMap((node) => {
    if (typeof node !== 'string' || !node.includes('@')) return [node];
    const out = [];
    let last = 0;
    for (const match of node.matchAll(MENTION)) {
      if (!isMe(nameOf(match))) continue;
      const end = match.index + 1 + written(match).length;
      if (match.index > last) out.push(node.slice(last, match.index));
      out.push(el('mark', { className: 'mention', text: node.slice(match.index, end) }));
      last = end;
    }
    if (last < node.length) out.push(node.slice(last));
    return out;
  });

/**
 * Browser notifications of mentions while the page is hidden. Permission is asked for only after a
 * click on the page (never on load), and only once.
 */
export class MentionAlerts {
  constructor() {
    this.asked = false;
    document.addEventListener('click', () => this.ask(), { once: true, capture: true });
  }

  ask() {
    if (this.asked || typeof Notification === 'undefined' || Notification.permission !== 'default') return;
    this.asked = true;
    Notification.requestPermission().catch(() => undefined);
  }

  /** `mention {room, message}`: told by a notification when the page is not being looked at. */
  notify(payload) {
    if (document.visibilityState === 'visible' || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    const message = payload?.message;
    if (typeof payload?.room !== 'string' || typeof message?.msg !== 'string') return;
    try {
      new Notification(`${String(message.username ?? '')} mentioned you in ${payload.room}`, {
        body: message.msg.slice(0, 200),
        tag: String(message.id),
      });
    } catch {
      // Some browsers only allow notifications from a service worker.
    }
  }
}
