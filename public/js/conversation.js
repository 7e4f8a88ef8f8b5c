/**
 * One conversation: a room or a private conversation with one person. Its items (messages and
 * join/leave lines) are kept sorted and de-duplicated by message id, whatever order they arrive in
 * (live push, acknowledgement, history on join, catch-up after a reconnect, older pages over REST).
 */
export const roomKey = (name) => `room:${name}`;
export const dmKey = (name) => `dm:${name}`;

/** Messages by time, then by their number in the room; a join/leave line after messages of the same instant. */
const compare = (a, b) => a.time - b.time || a.rank - b.rank || a.order - b.order;

let arrivals = 0;

/** `{ "👍": ["Ada", "Linus"] }`, keeping only well-formed entries with someone in them. */
const cleanReactions = (reactions) => {
  const clean = [];
  if (typeof reactions !== 'object' || reactions === null) return clean;
  for (const [emoji, users] of Object.entries(reactions)) {
    if (!Array.isArray(users)) continue;
    const names = users.filter((name) => typeof name === 'string');
    if (names.length > 0) clean.push({ emoji, users: names });
  }
  return clean;
};

const cleanAttachment = (attachment) =>
  typeof attachment?.fileId === 'string'
    ? {
        fileId: attachment.fileId,
        name: String(attachment.name ?? 'file'),
        type: String(attachment.type ?? ''),
        size: Number(attachment.size) || 0,
      }
    : undefined;

/** What a reply quotes: `{ id, seq, author, msg (first line), deleted }` (author unknown when the server sent only the id). */
const cleanReply = (replyTo) =>
  typeof replyTo?.id === 'string'
    ? {
        id: replyTo.id,
        seq: typeof replyTo.seq === 'number' ? replyTo.seq : undefined,
        author: typeof replyTo.username === 'string' ? replyTo.username : undefined,
        msg: typeof replyTo.msg === 'string' ? replyTo.msg : '',
        deleted: replyTo.deleted === true,
      }
    : undefined;

/** Who removed a message (a moderator), and why. */
const cleanRemoved = (removed) =>
  typeof removed?.by === 'string' ? { by: removed.by, reason: typeof removed.reason === 'string' ? removed.reason : undefined } : undefined;

/** The first line of a message, as a quote shows it. */
export const firstLine = (text) => String(text ?? '').split('\n')[0];

/** Roles that moderate a room. */
export const isModerator = (role) => role === 'moderator' || role === 'owner' || role === 'admin';

export class Conversation {
  constructor(kind, name) {
    this.kind = kind;
    this.name = name;
    this.key = kind === 'room' ? roomKey(name) : dmKey(name);
    this.items = [];
    this.ids = new Set();
    /** Highest room `seq` seen. */
    this.maxSeq = 0;
    /**
     * The room's cursor up to which every change is here: what a rejoin asks for with `cursor`. While a
     * rejoin is under way, pushes only raise `seenCursor`; the rejoin's answer then moves it past both.
     */
    this.cursor = 0;
    this.seenCursor = 0;
    this.unread = 0;
    /** A room's read marker, as the server last said (`unread`, `GET /api/unread`, a `read` ack). */
    this.readSeq = 0;
    /** The newest `seq` this page showed on screen, which the server may not have acknowledged yet. */
    this.seenSeq = 0;
    /** The first message that was unread when the conversation was opened: a "New messages" line goes above it. */
    this.firstUnreadId = undefined;
    /** How many were unread when it was last opened. */
    this.unreadWhenOpened = 0;
    this.joined = false;
    /** The first history (on join, or over REST for a private conversation) has arrived. */
    this.loaded = false;
    /** Older messages exist on the server (REST pages). */
    this.hasOlder = false;
    this.loadingOlder = false;
    this.draft = '';
    this.scroll = null;
    /** The message the next one answers (`{ id, author, msg }`), chosen with Reply. */
    this.replyTo = null;
    /** A room's: the user's role in it (GET /api/rooms/:room; null until known), its members' names, its slow mode (seconds). */
    this.role = null;
    this.memberNames = [];
    this.slowMode = undefined;
    /** The invite code this page was opened with, for the room's first join. */
    this.invite = undefined;
  }

  /**
   * A room message (`message` event, ack, history) or a private message. Null when already there.
   * `isMine(name, authorId)` tells the user's own messages (by the author's stable id, else by name).
   */
  addMessage(payload, isMine) {
    this.noteCursor(payload);
    if (typeof payload?.id !== 'string' || this.ids.has(payload.id)) return null;
    const author = String((this.kind === 'room' ? payload.username : payload.from) ?? '');
    const seq = typeof payload.seq === 'number' ? payload.seq : 0;
    const item = {
      type: 'message',
      id: payload.id,
      author,
      to: typeof payload.to === 'string' ? payload.to : undefined,
      msg: String(payload.msg ?? ''),
      timestamp: String(payload.timestamp ?? ''),
      seq,
      own: typeof isMine === 'function' ? isMine(author, payload.authorId) : author === isMine,
      attachment: cleanAttachment(payload.attachment),
      editedAt: typeof payload.editedAt === 'string' ? payload.editedAt : undefined,
      deleted: payload.deleted === true,
      removed: cleanRemoved(payload.removed),
      replyTo: cleanReply(payload.replyTo),
      reactions: cleanReactions(payload.reactions),
      time: Date.parse(payload.timestamp) || 0,
      rank: seq,
      order: ++arrivals,
      /** The cursor of the last change applied to it: an older one (a rejoin's answer after a live push) is skipped. */
      cursor: typeof payload.cursor === 'number' ? payload.cursor : 0,
    };
    if (item.deleted) {
      item.msg = '';
      item.attachment = undefined;
      item.reactions = [];
    }
    this.ids.add(item.id);
    if (seq > this.maxSeq) this.maxSeq = seq;
    return { item, index: this.insert(item) };
  }

  /**
   * A change to a message already here (`message_edited`, `message_deleted`, `reaction`, or a fresher
   * copy from REST). Returns the item and its index when something visible changed, else null.
   */
  updateMessage(payload) {
    this.noteCursor(payload);
    if (typeof payload?.id !== 'string' || !this.ids.has(payload.id)) return null;
    const index = this.items.findIndex((item) => item.id === payload.id);
    const item = this.items[index];
    if (item === undefined) return null;
    if (typeof payload.cursor === 'number') {
      if (payload.cursor <= item.cursor) return null;
      item.cursor = payload.cursor;
    }
    const before = JSON.stringify([item.msg, item.editedAt, item.deleted, item.removed, item.reactions, item.attachment]);
    if (payload.deleted === true) {
      item.deleted = true;
      item.msg = '';
      item.attachment = undefined;
      item.reactions = [];
      if ('removed' in payload) item.removed = cleanRemoved(payload.removed);
    } else if (!item.deleted) {
      if (typeof payload.msg === 'string') item.msg = payload.msg;
      if (typeof payload.editedAt === 'string') item.editedAt = payload.editedAt;
      if ('reactions' in payload) item.reactions = cleanReactions(payload.reactions);
      if ('attachment' in payload) item.attachment = cleanAttachment(payload.attachment);
    }
    const after = JSON.stringify([item.msg, item.editedAt, item.deleted, item.removed, item.reactions, item.attachment]);
    return before === after ? null : { item, index };
  }

  /** `original` was edited or deleted: the quotes of it in replies follow. Returns the indexes of the replies that changed. */
  requote(original) {
    const changed = [];
    this.items.forEach((item, index) => {
      const quote = item.replyTo;
      if (quote?.id !== original.id) return;
      const msg = original.deleted ? '' : firstLine(original.msg);
      if (quote.deleted === original.deleted && quote.msg === msg && quote.author !== undefined) return;
      item.replyTo = { ...quote, msg, deleted: original.deleted, author: quote.author ?? original.author, seq: quote.seq ?? original.seq };
      changed.push(index);
    });
    return changed;
  }

  /**
   * Where the "New messages" line goes, as the room is opened: above the first message by someone
   * else after the read marker, when there is any unread; nowhere otherwise.
   */
  markFirstUnread(unread) {
    this.firstUnreadId =
      unread > 0 ? this.items.find((item) => item.type === 'message' && !item.own && item.seq > this.readUpTo())?.id : undefined;
  }

  /** Read up to here: the server's marker, or what this page has shown since, if newer. */
  readUpTo() {
    return Math.max(this.readSeq, this.seenSeq);
  }

  /** A room push or change carries the room's cursor at it. */
  noteCursor(payload) {
    const cursor = payload?.cursor;
    if (typeof cursor !== 'number') return;
    if (cursor > this.seenCursor) this.seenCursor = cursor;
    if (this.joining === undefined && cursor > this.cursor) this.cursor = cursor;
  }

  /**
   * A page of a rejoin's answer (or the first history) is in: every change up to `cursor`; after the
   * last page (`done`), also those pushed meanwhile, which came live.
   */
  caughtUpTo(cursor, done) {
    this.cursor = Math.max(this.cursor, typeof cursor === 'number' ? cursor : 0, done ? this.seenCursor : 0);
  }

  /** A join/leave line, or a local notice. */
  addSystem(text, timestamp, kind = 'status') {
    const item = {
      type: 'system',
      kind,
      id: `system-${++arrivals}`,
      msg: String(text ?? ''),
      timestamp: String(timestamp ?? ''),
      time: Date.parse(timestamp) || Date.now(),
      rank: Number.MAX_SAFE_INTEGER,
      order: arrivals,
    };
    return { item, index: this.insert(item) };
  }

  insert(item) {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(this.items[mid], item) <= 0) low = mid + 1;
      else high = mid;
    }
    this.items.splice(low, 0, item);
    return low;
  }

  oldestMessageId() {
    return this.items.find((item) => item.type === 'message')?.id;
  }

  /** The newest message of the user that can still be edited (for ↑ in an empty message box). */
  lastOwnMessage() {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const item = this.items[i];
      if (item.type === 'message' && item.own && !item.deleted) return item;
    }
    return undefined;
  }

  /**
   * What sessionStorage keeps of a private conversation: who, and how many unread. The messages
   * themselves come from the server (GET /api/private/:username/messages) when it is opened.
   */
  toJSON() {
    return { name: this.name, unread: this.unread };
  }
}
