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

export class Conversation {
  constructor(kind, name) {
    this.kind = kind;
    this.name = name;
    this.key = kind === 'room' ? roomKey(name) : dmKey(name);
    this.items = [];
    this.ids = new Set();
    /** Highest room `seq` seen: what a rejoin asks for with `since`. */
    this.maxSeq = 0;
    this.unread = 0;
    this.joined = false;
    /** The first history (on join) has arrived. */
    this.loaded = kind === 'dm';
    /** Older messages exist on the server (REST pages). */
    this.hasOlder = false;
    this.loadingOlder = false;
    this.draft = '';
    this.scroll = null;
  }

  /** A room message (`message` event, ack, history) or a private message. Null when already there. */
  addMessage(payload, me) {
    if (typeof payload?.id !== 'string' || this.ids.has(payload.id)) return null;
    const author = this.kind === 'room' ? payload.username : payload.from;
    const seq = typeof payload.seq === 'number' ? payload.seq : 0;
    const item = {
      type: 'message',
      id: payload.id,
      author: String(author ?? ''),
      to: typeof payload.to === 'string' ? payload.to : undefined,
      msg: String(payload.msg ?? ''),
      timestamp: String(payload.timestamp ?? ''),
      seq,
      own: author === me,
      time: Date.parse(payload.timestamp) || 0,
      rank: seq,
      order: ++arrivals,
    };
    this.ids.add(item.id);
    if (seq > this.maxSeq) this.maxSeq = seq;
    return { item, index: this.insert(item) };
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

  /** What sessionStorage keeps of a private conversation. */
  toJSON() {
    return {
      name: this.name,
      unread: this.unread,
      messages: this.items
        .filter((item) => item.type === 'message')
        .slice(-200)
        .map(({ id, author, to, msg, timestamp }) => ({ id, from: author, to, msg, timestamp })),
    };
  }
}
