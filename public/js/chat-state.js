import { Conversation, dmKey, roomKey } from './conversation.js';

export const DEFAULT_ROOM = 'General';

/**
 * What the page knows: who the user is, the conversations and which one is open, the rooms the
 * server offers and who is online. The identity and the open conversation change only through the
 * methods below; each conversation keeps its own messages and flags (see conversation.js).
 */
export class ChatState {
  constructor() {
    this.me = null;
    /** Signed in to an account (not a guest). */
    this.account = false;
    /** Earlier names of this session (a guest who registered under a new name). */
    this.aliases = new Set();
    /** The user's stable public id (`session.authorId`): messages with it are the user's, under any name. */
    this.authorId = null;
    /** The rooms the server says the user is in (the `session` event). */
    this.sessionRooms = null;
    /** Signing in or out: the socket is being reconnected on purpose. */
    this.switching = false;
    /** Room names in the server's order (GET /api/rooms). */
    this.rooms = [];
    /** What the list says of each room: `{ visibility, topic, owner, archived }`. */
    this.roomInfo = new Map();
    this.members = new Map();
    this.conversations = new Map();
    this.currentKey = roomKey(DEFAULT_ROOM);
    this.online = [];
    /** Connected, and every room caught up since the last connection. */
    this.ready = false;
    /** The first catch-up after loading the page is done. */
    this.started = false;
  }

  /** The conversation, created on first use. */
  conversation(kind, name) {
    const key = kind === 'room' ? roomKey(name) : dmKey(name);
    let found = this.conversations.get(key);
    if (found === undefined) {
      found = new Conversation(kind, name);
      this.conversations.set(key, found);
    }
    return found;
  }

  room(name) {
    return this.conversation('room', name);
  }

  dm(name) {
    return this.conversation('dm', name);
  }

  /** `room:General` or `dm:Ada`, created on first use. */
  byKey(key) {
    const [kind, ...rest] = key.split(':');
    return kind === 'room' ? this.room(rest.join(':')) : this.dm(rest.join(':'));
  }

  /** Only a room already known (for events about rooms this tab may never have opened). */
  knownRoom(name) {
    return this.conversations.get(roomKey(name));
  }

  ofKind(kind) {
    return [...this.conversations.values()].filter((conversation) => conversation.kind === kind);
  }

  current() {
    return this.conversations.get(this.currentKey) ?? this.room(DEFAULT_ROOM);
  }

  isCurrent(conversation) {
    return conversation.key === this.currentKey;
  }

  /** The user's own name, or one this session had before registering. */
  isMine = (name) => name === this.me || this.aliases.has(name);

  /** Whether a message is the user's: by its `authorId` when the server sent one, else by name. */
  isAuthor = (name, authorId) => (typeof authorId === 'string' && this.authorId !== null ? authorId === this.authorId : this.isMine(name));

  /** Opens `conversation`: it is the one shown, and read. */
  select(conversation) {
    this.currentKey = conversation.key;
    conversation.unread = 0;
  }

  totalUnread() {
    let total = 0;
    for (const conversation of this.conversations.values()) total += conversation.unread;
    return total;
  }

  /** The `session` event: who this connection is. True when it is the page's first identity. */
  startSession(session) {
    const first = this.me === null;
    this.me = session.username;
    this.account = session.account === true;
    this.authorId = typeof session.authorId === 'string' ? session.authorId : null;
    this.sessionRooms = Array.isArray(session.rooms) ? session.rooms.filter((name) => typeof name === 'string') : null;
    return first;
  }

  /** A guest registered: the same session under a new name; the old one stays the user's. */
  rename(name, isAccount) {
    if (this.me !== null && this.me !== name) this.aliases.add(this.me);
    this.me = name;
    this.account = isAccount;
  }

  /** Someone else now (signed in, signed out): nothing of the previous identity is kept. */
  forget() {
    this.conversations.clear();
    this.currentKey = roomKey(DEFAULT_ROOM);
    this.started = false;
    this.me = null;
    this.account = false;
    this.aliases = new Set();
    this.authorId = null;
    this.sessionRooms = null;
  }

  /** GET /api/rooms */
  setRooms(entries) {
    this.rooms = entries.map((entry) => String(entry.name));
    for (const entry of entries) {
      this.members.set(String(entry.name), Number(entry.members) || 0);
      this.noteRoom(entry);
    }
  }

  /** A room's visibility, topic, owner and whether it is archived (from the list, GET /api/rooms/:room or `room_updated`). */
  noteRoom(entry) {
    if (typeof entry?.name !== 'string') return;
    this.roomInfo.set(entry.name, {
      visibility: entry.visibility === 'private' ? 'private' : 'public',
      topic: typeof entry.topic === 'string' ? entry.topic : '',
      owner: typeof entry.owner === 'string' ? entry.owner : undefined,
      archived: entry.archived === true,
    });
  }

  /** `room_updated`: a room was created, its topic set, or it was archived (and is no longer listed). */
  updateRoom(entry) {
    if (typeof entry?.name !== 'string') return;
    this.noteRoom(entry);
    if (typeof entry.members === 'number') this.members.set(entry.name, entry.members);
    const listed = this.rooms.includes(entry.name);
    if (entry.archived === true && listed) this.rooms = this.rooms.filter((name) => name !== entry.name);
    else if (entry.archived !== true && !listed) this.rooms = [...this.rooms, entry.name];
  }

  /** Whether the room is private (only known rooms; the default ones are public). */
  isPrivate(name) {
    return this.roomInfo.get(name)?.visibility === 'private';
  }

  /** `presence_state` (or the seed protocol's `active_users`): the whole list. */
  setOnline(users) {
    this.online = Array.isArray(users) ? users.filter((user) => typeof user === 'string') : [];
  }

  /** `presence_diff`: who went offline (or changed name) and who came online since the last change. */
  changeOnline(joined, left) {
    const gone = new Set(Array.isArray(left) ? left : []);
    const online = this.online.filter((user) => !gone.has(user));
    for (const user of Array.isArray(joined) ? joined : []) if (typeof user === 'string' && !online.includes(user)) online.push(user);
    this.online = online;
  }
}
