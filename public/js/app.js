import { io } from '/socket.io/socket.io.esm.min.js';
import { Account } from './account.js';
import { Conversation, dmKey, roomKey } from './conversation.js';
import { byId, el, setHidden } from './dom.js';
import { loadEmoji, normaliseEmoji, onEmojiReady, withEmoji } from './emoji.js';
import { EmojiPicker } from './emoji-picker.js';
import { excerpt } from './format.js';
import { newClientId } from './ids.js';
import { MessageList } from './message-list.js';
import { Sidebar } from './sidebar.js';
import { Typing } from './typing.js';
import { Attachments } from './uploads.js';

const DEFAULT_ROOM = 'General';
/** How long an acknowledgement may take before the page says so. */
const ACK_TIMEOUT_MS = 8000;
/** How long a message typed while offline waits for the connection before the page gives up. */
const SEND_WAIT_MS = 30000;
const STORAGE_DMS = 'nest-chat:dms';
const STORAGE_CURRENT = 'nest-chat:current';
/** The names this session had before registering (their messages stay the user's). */
const STORAGE_ALIASES = 'nest-chat:aliases';
/** The rooms this tab is in: a reload slower than the server's grace period still finds them again. */
const STORAGE_ROOMS = 'nest-chat:rooms';
/** At this width and below the sidebar is a drawer (the same query as in styles.css). */
const narrow = window.matchMedia('(max-width: 640px)');

const ui = {
  app: byId('app'),
  main: byId('main'),
  sidebar: byId('sidebar'),
  backdrop: byId('backdrop'),
  drawerToggle: byId('drawer-toggle'),
  totalUnread: byId('total-unread'),
  conn: byId('conn'),
  connText: byId('conn-text'),
  connBanner: byId('conn-banner'),
  title: byId('conv-title'),
  subtitle: byId('conv-subtitle'),
  leave: byId('leave-button'),
  scroller: byId('scroller'),
  composer: byId('composer'),
  input: byId('composer-input'),
  label: byId('composer-label'),
  send: byId('send-button'),
  error: byId('composer-error'),
  note: byId('composer-note'),
  announcer: byId('announcer'),
  emojiButton: byId('emoji-button'),
};

const state = {
  me: null,
  /** Signed in to an account (not a guest). */
  account: false,
  /** Earlier names of this session (a guest who registered under a new name). */
  aliases: new Set(),
  /** The rooms the server says the user is in (the `session` event). */
  sessionRooms: null,
  /** Signing in or out: the socket is being reconnected on purpose. */
  switching: false,
  /** Room names in the server's order (GET /api/rooms). */
  rooms: [],
  members: new Map(),
  conversations: new Map(),
  currentKey: roomKey(DEFAULT_ROOM),
  online: [],
  /** Connected, and every room caught up since the last connection. */
  ready: false,
  /** The first catch-up after loading the page is done. */
  started: false,
};

const messageList = new MessageList({
  scroller: ui.scroller,
  list: byId('messages'),
  marker: byId('new-marker'),
  markerText: byId('new-marker-text'),
  loadOlder: byId('load-older'),
  historyStart: byId('history-start'),
  onNearTop: () => loadOlder(current()),
  actions: {
    enabled: (conv) => conv.kind === 'room',
    isMine: (name) => isMine(name),
    react: (item, emoji) => react(item, emoji),
    pickReaction: (item, anchor) => pickReaction(item, anchor),
    edit: (item, text) => editMessage(item, text),
    remove: (item) => deleteMessage(item),
    focusComposer: () => ui.input.focus(),
  },
});

const picker = new EmojiPicker(byId('emoji-picker'));

const typing = new Typing({
  node: byId('typing'),
  me: () => isMine,
  emit: (conv, typingNow) => {
    if (!socket.connected || !state.ready) return false;
    if (conv.kind === 'room' && !conv.joined) return false;
    if (conv.kind === 'dm' && !state.online.includes(conv.name)) return false;
    const payload = conv.kind === 'room' ? { room: conv.name, typing: typingNow } : { target: conv.name, typing: typingNow };
    // With an acknowledgement a refusal (not a member any more, gone offline) stays quiet.
    socket.emit('typing', payload, () => undefined);
    return true;
  },
});

const attachments = new Attachments({
  button: byId('attach-button'),
  input: byId('file-input'),
  tray: byId('attachment-tray'),
  dropZone: ui.main,
  dropOverlay: byId('drop-overlay'),
  onError: (message) => showError(message),
  onChange: (announcement) => {
    clearError();
    if (announcement !== undefined) ui.announcer.textContent = announcement;
  },
});

const account = new Account({
  announce: (text) => {
    ui.announcer.textContent = text;
  },
  onError: (message) => showError(message),
  onRegistered: (name) => becomeAccount(name),
  onSignedIn: () => switchIdentity(),
  onSignedOut: () => switchIdentity(),
});

const sidebar = new Sidebar({
  roomList: byId('room-list'),
  dmList: byId('dm-list'),
  dmEmpty: byId('dm-empty'),
  userList: byId('user-list'),
  onlineCount: byId('online-count'),
  onOpen: (key) => openConversation(key),
  onOpenUser: (name) => openConversation(dmKey(name), { focusComposer: true }),
});

// ---------------------------------------------------------------- conversations

const room = (name) => conversation('room', name);
const dm = (name) => conversation('dm', name);

function conversation(kind, name) {
  const key = kind === 'room' ? roomKey(name) : dmKey(name);
  let found = state.conversations.get(key);
  if (found === undefined) {
    found = new Conversation(kind, name);
    state.conversations.set(key, found);
  }
  return found;
}

const current = () => state.conversations.get(state.currentKey) ?? room(DEFAULT_ROOM);
const isCurrent = (conv) => conv.key === state.currentKey;
/** The user's own name, or one this session had before registering. */
const isMine = (name) => name === state.me || state.aliases.has(name);

/** A message from any source: live push, acknowledgement, history or catch-up. Duplicates are dropped. */
function receiveMessage(conv, payload, { announce = true, render = true, follow = false, unread = true } = {}) {
  const added = conv.addMessage(payload, isMine);
  if (added === null) return null;
  const { item, index } = added;
  if (isCurrent(conv)) {
    if (render) messageList.insert(index, item, { follow });
  } else if (!item.own && unread) {
    conv.unread += 1;
  }
  if (announce && !item.own) {
    const where = conv.kind === 'dm' ? ' (private)' : isCurrent(conv) ? '' : ` in ${conv.name}`;
    const text = item.msg !== '' ? excerpt(withEmoji(item.msg)) : item.attachment !== undefined ? `shared ${item.attachment.name}` : '';
    ui.announcer.textContent = `${item.author}${where}: ${text}`;
  }
  if (!item.own) {
    typing.sent(conv.key, item.author);
    typing.render(state.currentKey);
  }
  if (conv.kind === 'dm') saveDms();
  return item;
}

/** A change to a room message: edited, deleted, reactions. */
function changeMessage(payload) {
  if (typeof payload?.room !== 'string' || typeof payload.id !== 'string') return;
  const conv = state.conversations.get(roomKey(payload.room));
  const changed = conv?.updateMessage(payload);
  if (changed === null || changed === undefined) return;
  if (isCurrent(conv)) messageList.refresh(changed.index);
}

function applyHistory(conv, history, catchUp) {
  const messages = Array.isArray(history?.messages) ? history.messages : [];
  let fresh = 0;
  for (const message of messages) {
    // The first history is what was said before: only a catch-up brings unread messages.
    if (receiveMessage(conv, message, { announce: false, render: catchUp, unread: catchUp }) !== null && message.username !== state.me)
      fresh++;
  }
  if (!catchUp) {
    conv.hasOlder = history?.hasMore === true && conv.oldestMessageId() !== undefined;
    conv.loaded = true;
    // The first history replaces whatever was shown: render it whole.
    if (isCurrent(conv)) messageList.show(conv);
  } else if (fresh > 0) {
    ui.announcer.textContent = `${fresh} new ${fresh === 1 ? 'message' : 'messages'} in ${conv.name}`;
  }
}

// ---------------------------------------------------------------- the socket

const socket = io({ reconnectionDelay: 500, reconnectionDelayMax: 3000 });
/** A small handle for the browser specs and for curious people with a console. */
window.__chat = { socket, state };

const ask = (event, payload, timeout = ACK_TIMEOUT_MS) => socket.timeout(timeout).emitWithAck(event, payload);

let awaitingPresence = false;
let presenceFallback;
const histories = new Map();

socket.on('connect', () => {
  awaitingPresence = false;
  clearTimeout(presenceFallback);
});

socket.on('session', (session) => {
  if (typeof session?.username !== 'string') return;
  if (state.me !== null && state.me !== session.username) resetIdentity();
  const first = state.me === null;
  state.me = session.username;
  state.account = session.account === true;
  state.sessionRooms = Array.isArray(session.rooms) ? session.rooms.filter((name) => typeof name === 'string') : null;
  account.render(state.me, state.account);
  if (first) {
    restoreAliases();
    restoreDms();
  }
  // Catch up once the server has counted this connection (the next user list that includes us).
  awaitingPresence = true;
  presenceFallback = setTimeout(() => {
    if (awaitingPresence) catchUp();
  }, 2000);
  renderChrome();
});

socket.on('active_users', (payload) => {
  state.online = Array.isArray(payload?.users) ? payload.users.filter((user) => typeof user === 'string') : [];
  if (awaitingPresence && state.online.includes(state.me)) catchUp();
  renderChrome();
});

socket.on('history', (payload) => {
  if (typeof payload?.room === 'string') histories.set(payload.room, payload);
});

socket.on('message', (payload) => {
  if (typeof payload?.room !== 'string' || typeof payload.id !== 'string') return;
  const conv = room(payload.room);
  // Another tab of ours may have joined a room this one has not opened: membership is the user's.
  conv.joined = true;
  receiveMessage(conv, payload);
  renderChrome();
});

socket.on('private_message', (payload) => {
  if (typeof payload?.from !== 'string' || typeof payload.to !== 'string' || typeof payload.id !== 'string') return;
  const other = payload.from === state.me ? payload.to : payload.from;
  receiveMessage(dm(other), payload);
  renderChrome();
});

socket.on('message_edited', changeMessage);
socket.on('message_deleted', changeMessage);
socket.on('reaction', changeMessage);

socket.on('typing', (payload) => {
  if (typeof payload?.room === 'string' && Array.isArray(payload.users)) typing.room(roomKey(payload.room), payload.users);
  else if (typeof payload?.from === 'string') typing.person(dmKey(payload.from), payload.from, payload.typing === true);
  else return;
  typing.render(state.currentKey);
});

/** This user joined or left a room, maybe in another tab. */
socket.on('membership', (payload) => {
  if (typeof payload?.room !== 'string') return;
  const conv = room(payload.room);
  if (payload.joined === true) {
    const was = conv.joined;
    conv.joined = true;
    if (!was && !conv.loaded && conv.joining === undefined && state.ready) joinRoom(conv);
  } else {
    if (!conv.joined || conv.leaving) {
      conv.joined = false;
      saveRooms();
      renderChrome();
      return;
    }
    conv.joined = false;
    if (payload.reason === 'left') {
      const { item, index } = conv.addSystem('You left the room in another tab.', new Date().toISOString(), 'leave');
      if (isCurrent(conv)) messageList.insert(index, item);
    }
  }
  saveRooms();
  refreshRoomsSoon();
  renderChrome();
});

/** A guest registered an account (in this tab or another): the same session, a new name. */
socket.on('identity', (payload) => {
  if (typeof payload?.username === 'string') becomeAccount(payload.username, payload.account !== false);
});

/** This tab's token was signed out (here or in another tab): the server disconnects it next. */
socket.on('session_ended', () => {
  setNote('You were signed out. Continuing as a guest…');
});

socket.on('status', (payload) => {
  if (typeof payload?.room !== 'string' || typeof payload.msg !== 'string') return;
  const conv = state.conversations.get(roomKey(payload.room));
  if (conv === undefined) return;
  const { item, index } = conv.addSystem(payload.msg, payload.timestamp, payload.type === 'leave' ? 'leave' : 'join');
  if (isCurrent(conv)) messageList.insert(index, item);
  refreshRoomsSoon();
});

socket.on('error', (payload) => {
  if (typeof payload?.message === 'string') showError(payload.message);
});

socket.on('disconnect', (reason) => {
  setReady(false);
  typing.reset();
  typing.render(state.currentKey);
  setConnection(state.switching ? 'connecting' : 'reconnecting');
  // The server hung up on purpose: Socket.IO does not retry that by itself.
  if (reason === 'io server disconnect' && !state.switching) setTimeout(() => socket.connect(), 1000 + Math.random() * 1000);
});

socket.on('connect_error', () => {
  setConnection(state.started ? 'reconnecting' : 'connecting');
  // Refused by the server's middleware (e.g. too many connections): retry later by hand.
  if (!socket.active) setTimeout(() => socket.connect(), 3000);
});

/** After every (re)connection: rejoin the rooms and fetch exactly what was missed. */
let catchUpRun = 0;
async function catchUp() {
  awaitingPresence = false;
  clearTimeout(presenceFallback);
  const run = ++catchUpRun;
  const reconnection = state.started;
  if (!state.started) {
    const mine = state.sessionRooms ?? (await myRooms());
    for (const name of [DEFAULT_ROOM, ...mine, ...savedRooms()]) room(name).joined = true;
    restoreCurrent();
  }
  const rooms = [...state.conversations.values()].filter((conv) => conv.kind === 'room' && (conv.joined || isCurrent(conv)));
  await Promise.all(rooms.map((conv) => joinRoom(conv)));
  if (run !== catchUpRun || !socket.connected) return;
  state.started = true;
  state.switching = false;
  setConnection('connected');
  setReady(true);
  renderChrome();
  // The emoji data (shortcodes, the picker) once the conversation is on screen: it is not needed before.
  loadEmoji().catch(() => undefined);
  // Private conversations come from the server; after a reconnect, what was missed too.
  for (const conv of state.conversations.values()) {
    if (conv.kind === 'dm' && (conv.loaded || isCurrent(conv))) loadPrivateHistory(conv);
    // Edits, deletions and reactions made while disconnected, on the recent messages.
    else if (reconnection && conv.kind === 'room' && conv.loaded) refreshRecent(conv);
  }
}

/**
 * `join`, then the history the server sends before answering: the newest page the first time, every
 * message after the last one seen (`since`) afterwards, page after page while `hasMore`.
 */
function joinRoom(conv) {
  conv.joining ??= (async () => {
    try {
      for (let page = 0; page < 100; page++) {
        const since = conv.loaded ? conv.maxSeq : undefined;
        histories.delete(conv.name);
        const answer = await ask('join', since === undefined ? { room: conv.name } : { room: conv.name, since });
        if (answer?.ok !== true) {
          if (isCurrent(conv)) showError(answer?.error?.message ?? `Could not join ${conv.name}`);
          return false;
        }
        conv.joined = true;
        saveRooms();
        const history = histories.get(conv.name);
        histories.delete(conv.name);
        if (history !== undefined) applyHistory(conv, history, since !== undefined);
        if (since === undefined || history?.hasMore !== true) break;
      }
      return true;
    } catch {
      return false;
    } finally {
      conv.joining = undefined;
      renderChrome();
    }
  })();
  return conv.joining;
}

let readyWaiters = [];
function setReady(ready) {
  state.ready = ready;
  if (!ready) return;
  const waiters = readyWaiters;
  readyWaiters = [];
  for (const resolve of waiters) resolve(true);
}

const whenReady = (timeoutMs) =>
  state.ready
    ? Promise.resolve(true)
    : new Promise((resolve) => {
        const done = (value) => {
          clearTimeout(timer);
          readyWaiters = readyWaiters.filter((waiter) => waiter !== done);
          resolve(value);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        readyWaiters.push(done);
      });

function setConnection(kind) {
  const text = { connecting: 'Connecting…', connected: 'Connected', reconnecting: 'Reconnecting…' }[kind];
  ui.conn.dataset.state = kind;
  if (ui.connText.textContent !== text) ui.connText.textContent = text;
  setHidden(ui.connBanner, kind !== 'reconnecting');
}

/** Someone else now (signed in, signed out): nothing of the previous identity stays on screen. */
function resetIdentity() {
  state.conversations.clear();
  state.currentKey = roomKey(DEFAULT_ROOM);
  state.started = false;
  state.me = null;
  state.account = false;
  state.aliases = new Set();
  state.sessionRooms = null;
  catchUpRun++;
  typing.reset();
  attachments.clear();
  picker.close({ restoreFocus: false });
  try {
    for (const key of [STORAGE_DMS, STORAGE_ALIASES, STORAGE_CURRENT, STORAGE_ROOMS]) window.sessionStorage.removeItem(key);
  } catch {
    // Storage may be disabled; nothing to forget then.
  }
  ui.input.value = '';
  autosize();
  clearError();
  messageList.show(current());
  account.render(null, false);
  renderChrome();
}

/** Signed in or out over REST (the cookie changed): the socket reconnects as the new identity. */
function switchIdentity() {
  state.switching = true;
  resetIdentity();
  setNote('');
  socket.disconnect();
  setConnection('connecting');
  socket.connect();
  channel?.postMessage({ type: 'reconnect' });
  ui.input.focus();
}

/** A guest registered: same session and messages, a new name. */
function becomeAccount(name, isAccount = true) {
  if (state.me !== null && state.me !== name) state.aliases.add(state.me);
  state.me = name;
  state.account = isAccount;
  saveAliases();
  saveDms();
  saveRooms();
  account.render(state.me, state.account);
  // Their old messages are still theirs: draw the open conversation again (reactions show "you").
  messageList.show(current());
  renderChrome();
}

function saveRooms() {
  if (state.me === null) return;
  const rooms = [...state.conversations.values()].filter((conv) => conv.kind === 'room' && conv.joined).map((conv) => conv.name);
  try {
    window.sessionStorage.setItem(STORAGE_ROOMS, JSON.stringify({ me: state.me, rooms }));
  } catch {
    // Only a convenience for reloads.
  }
}

/** The rooms this tab was in before a reload (only rooms the server still offers). */
function savedRooms() {
  try {
    const saved = JSON.parse(window.sessionStorage.getItem(STORAGE_ROOMS) ?? 'null');
    if (saved?.me !== state.me || !Array.isArray(saved.rooms)) return [];
    return saved.rooms.filter((name) => typeof name === 'string' && (state.rooms.length === 0 || state.rooms.includes(name)));
  } catch {
    return [];
  }
}

function saveAliases() {
  try {
    window.sessionStorage.setItem(STORAGE_ALIASES, JSON.stringify({ me: state.me, aliases: [...state.aliases] }));
  } catch {
    // Only a convenience for reloads.
  }
}

function restoreAliases() {
  try {
    const saved = JSON.parse(window.sessionStorage.getItem(STORAGE_ALIASES) ?? 'null');
    if (saved?.me === state.me && Array.isArray(saved.aliases))
      state.aliases = new Set(saved.aliases.filter((name) => typeof name === 'string' && name !== state.me));
  } catch {
    // Nothing saved.
  }
}

/** Other tabs of this browser share the cookie: when one signs in or out, the others follow. */
const channel = typeof window.BroadcastChannel === 'function' ? new window.BroadcastChannel('nest-chat') : null;
channel?.addEventListener('message', (event) => {
  if (event.data?.type !== 'reconnect') return;
  state.switching = true;
  socket.disconnect();
  socket.connect();
});

// ---------------------------------------------------------------- REST

const getJson = async (path) => {
  const response = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (!response.ok) {
    const error = new Error(`${path}: HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
};

async function loadRooms() {
  try {
    const { rooms } = await getJson('/api/rooms');
    if (!Array.isArray(rooms)) return;
    state.rooms = rooms.map((entry) => String(entry.name));
    for (const entry of rooms) state.members.set(String(entry.name), Number(entry.members) || 0);
    renderChrome();
  } catch {
    // The sidebar keeps what it has; the next join or leave refreshes it.
  }
}

let roomsTimer;
const refreshRoomsSoon = () => {
  clearTimeout(roomsTimer);
  roomsTimer = setTimeout(loadRooms, 300);
};

async function myRooms() {
  try {
    const { users } = await getJson('/api/users');
    const me = Array.isArray(users) ? users.find((user) => user?.username === state.me) : undefined;
    return Array.isArray(me?.rooms) ? me.rooms.filter((name) => typeof name === 'string') : [];
  } catch {
    return [];
  }
}

const historyPath = (conv, before) => {
  const base =
    conv.kind === 'room'
      ? `/api/rooms/${encodeURIComponent(conv.name)}/messages`
      : `/api/private/${encodeURIComponent(conv.name)}/messages`;
  return before === undefined ? `${base}?limit=50` : `${base}?before=${encodeURIComponent(before)}&limit=50`;
};

/** The page before the oldest message shown, from REST (newest first there). */
async function loadOlder(conv) {
  if (!conv.hasOlder || conv.loadingOlder) return;
  const before = conv.oldestMessageId();
  if (before === undefined) return;
  conv.loadingOlder = true;
  if (isCurrent(conv)) messageList.updateTop();
  try {
    const page = await getJson(historyPath(conv, before));
    const added = [];
    for (const message of Array.isArray(page.messages) ? page.messages : []) {
      const result = conv.addMessage(message, isMine);
      if (result !== null) added.push(result);
    }
    conv.hasOlder = page.hasMore === true;
    if (isCurrent(conv)) {
      // Positions shift as each one goes in; recompute them against the final order.
      messageList.insertOlder(added.map(({ item }) => ({ item, index: conv.items.indexOf(item) })));
    }
  } catch {
    if (isCurrent(conv)) showError('Could not load earlier messages. Scroll up to try again.');
  } finally {
    conv.loadingOlder = false;
    if (isCurrent(conv)) messageList.updateTop();
  }
}

/**
 * A private conversation's newest page, from the server (the source of truth): when it is first
 * opened, and after a reconnect for what arrived meanwhile. Duplicates are dropped by id.
 */
async function loadPrivateHistory(conv) {
  if (conv.kind !== 'dm' || conv.fetching !== undefined) return conv.fetching;
  const first = !conv.loaded;
  const me = state.me;
  conv.fetching = (async () => {
    try {
      const page = await getJson(historyPath(conv));
      if (state.me !== me) return;
      let added = 0;
      for (const message of Array.isArray(page.messages) ? page.messages : []) {
        const result = conv.addMessage(message, isMine);
        if (result === null) continue;
        added++;
        if (!first && !isCurrent(conv) && !result.item.own) conv.unread++;
      }
      if (first) conv.hasOlder = page.hasMore === true && conv.oldestMessageId() !== undefined;
      conv.loaded = true;
      if (isCurrent(conv) && (first || added > 0)) messageList.show(conv);
    } catch (error) {
      // An unknown name (404): nothing was ever said. Anything else: the next open tries again.
      if (error?.status === 404) conv.loaded = true;
      if (isCurrent(conv)) messageList.updateTop();
    } finally {
      conv.fetching = undefined;
      saveDms();
      renderChrome();
    }
  })();
  return conv.fetching;
}

/** After a reconnect: the recent messages again, for edits, deletions and reactions missed meanwhile. */
async function refreshRecent(conv) {
  try {
    const page = await getJson(historyPath(conv));
    for (const message of Array.isArray(page.messages) ? page.messages : []) {
      changeMessage({ ...message, room: conv.name, reactions: message.reactions ?? {}, attachment: message.attachment });
    }
  } catch {
    // Live changes still arrive; this was a best effort.
  }
}

// ---------------------------------------------------------------- switching

function openConversation(key, { focusComposer = false } = {}) {
  const previous = current();
  previous.draft = ui.input.value;
  const [kind, ...rest] = key.split(':');
  const conv = kind === 'room' ? room(rest.join(':')) : dm(rest.join(':'));
  if (previous !== conv) typing.stop();
  state.currentKey = conv.key;
  conv.unread = 0;
  try {
    window.sessionStorage.setItem(STORAGE_CURRENT, conv.key);
  } catch {
    // Only a convenience for reloads.
  }
  ui.input.value = conv.draft;
  autosize();
  clearError();
  setNote('');
  picker.close({ restoreFocus: false });
  messageList.show(conv);
  typing.render(conv.key);
  if (conv.kind === 'room' && (!conv.joined || !conv.loaded) && state.ready) joinRoom(conv);
  if (conv.kind === 'dm') {
    if (!conv.loaded && state.me !== null) loadPrivateHistory(conv);
    saveDms();
  }
  const focusWasInSidebar = ui.sidebar.contains(document.activeElement);
  setDrawer(false, { restoreFocus: false });
  renderChrome();
  if (focusComposer) ui.input.focus();
  else if (focusWasInSidebar && !narrow.matches) sidebarButton(conv.key)?.focus();
  else if (focusWasInSidebar) ui.drawerToggle.focus();
}

const sidebarButton = (key) => sidebar.buttons().find((button) => button.dataset.key === key);

/** Alt+↓ / Alt+↑: the next or previous conversation in the sidebar's order. */
function step(direction) {
  const keys = sidebar.buttons().map((button) => button.dataset.key);
  if (keys.length === 0) return;
  const at = keys.indexOf(state.currentKey);
  const next = keys[(at + direction + keys.length) % keys.length];
  const focusInSidebar = ui.sidebar.contains(document.activeElement);
  openConversation(next);
  if (focusInSidebar) sidebarButton(next)?.focus();
}

function restoreCurrent() {
  let saved = null;
  try {
    saved = window.sessionStorage.getItem(STORAGE_CURRENT);
  } catch {
    return;
  }
  if (saved === null || saved === state.currentKey || !state.conversations.has(saved)) return;
  const conv = state.conversations.get(saved);
  if (conv.kind === 'room' && !conv.joined) return;
  openConversation(saved);
}

// ---------------------------------------------------------------- the list of private conversations in sessionStorage

function saveDms() {
  if (state.me === null) return;
  const conversations = [...state.conversations.values()].filter((conv) => conv.kind === 'dm');
  try {
    window.sessionStorage.setItem(STORAGE_DMS, JSON.stringify({ me: state.me, conversations }));
  } catch {
    // Full or disabled storage: the list lives on in memory.
  }
}

/** Which private conversations were open (their messages come from the server when opened). */
function restoreDms() {
  let saved;
  try {
    saved = JSON.parse(window.sessionStorage.getItem(STORAGE_DMS) ?? 'null');
  } catch {
    return;
  }
  if (saved?.me !== state.me || !Array.isArray(saved.conversations)) return;
  for (const stored of saved.conversations) {
    if (typeof stored?.name !== 'string') continue;
    const conv = dm(stored.name);
    conv.unread = Number(stored.unread) || 0;
  }
  if (state.conversations.has(state.currentKey)) messageList.show(current());
}

// ---------------------------------------------------------------- sending

/** What was last tried (conversation, text, file) and its clientId: trying it again can never duplicate it. */
let attempt = null;
let sending = false;

async function send() {
  const text = ui.input.value;
  const conv = current();
  const withFile = attachments.has();
  if ((text.trim() === '' && !withFile) || sending) return;
  const whisper = conv.kind === 'room' ? /^@([^\s@]+)\s+(\S[\s\S]*)$/.exec(text.trim()) : null;
  sending = true;
  ui.send.setAttribute('aria-busy', 'true');
  clearError();
  typing.stop();
  try {
    let fileId = null;
    if (withFile) {
      setNote('Uploading the file…');
      try {
        fileId = await attachments.ready();
      } catch (error) {
        setNote('');
        showError(error.message);
        return;
      }
      setNote('');
    }
    const key = JSON.stringify([conv.key, text, fileId]);
    const clientId = attempt !== null && attempt.key === key ? attempt.clientId : newClientId();
    attempt = { key, clientId };
    if (!state.ready) {
      setNote('Waiting for the connection… your message goes out as soon as it is back.');
      if (!(await whenReady(SEND_WAIT_MS))) {
        setNote('');
        showError('Not sent: still no connection. Your message is kept; press Enter to try again.');
        return;
      }
    }
    const target = whisper !== null ? whisper[1] : conv.kind === 'dm' ? conv.name : null;
    const event = target !== null ? 'private_message' : 'message';
    const payload =
      target !== null ? { target, msg: whisper !== null ? whisper[2] : text, clientId } : { room: conv.name, msg: text, clientId };
    if (fileId !== null) payload.fileId = fileId;
    let answer;
    try {
      answer = await ask(event, payload);
    } catch {
      setNote('');
      showError('The server did not answer. Your message is kept; press Enter to try again.');
      return;
    }
    if (answer?.ok !== true) {
      setNote('');
      showError(answer?.error?.message ?? 'The message was not sent.');
      return;
    }
    attempt = null;
    const message = answer.message;
    if (event === 'message')
      receiveMessage(room(typeof message?.room === 'string' ? message.room : conv.name), message, { announce: false, follow: true });
    else receiveMessage(dm(message?.to ?? target), message, { announce: false, follow: true });
    setNote(whisper !== null ? `Sent privately to ${whisper[1]}.` : '');
    if (fileId !== null && attachments.pending?.id === fileId) attachments.clear();
    if (isCurrent(conv) && ui.input.value === text) {
      ui.input.value = '';
      autosize();
    }
    if (conv.draft === text) conv.draft = '';
    if (isCurrent(conv)) messageList.scrollToBottom();
    renderChrome();
  } finally {
    sending = false;
    ui.send.removeAttribute('aria-busy');
  }
}

function showError(message) {
  ui.error.textContent = message;
  ui.composer.classList.add('has-error');
  ui.input.setAttribute('aria-invalid', 'true');
}

function clearError() {
  if (ui.error.textContent === '') return;
  ui.error.textContent = '';
  ui.composer.classList.remove('has-error');
  ui.input.removeAttribute('aria-invalid');
}

function setNote(text) {
  if (ui.note.textContent !== text) ui.note.textContent = text;
}

function autosize() {
  ui.input.style.height = 'auto';
  ui.input.style.height = `${Math.min(ui.input.scrollHeight, 180)}px`;
}

/** Puts `text` where the cursor is in the message box (replacing a selection). */
function insertAtCursor(text) {
  const input = ui.input;
  const start = input.selectionStart ?? input.value.length;
  const end = input.selectionEnd ?? start;
  input.focus();
  input.setRangeText(text, start, end, 'end');
  autosize();
  clearError();
  typing.input(current(), input.value);
}

// ---------------------------------------------------------------- reactions, edits, deletions

/** The room a message on screen belongs to (only rooms have these actions). */
const roomOf = () => (current().kind === 'room' ? current() : null);

async function react(item, picked) {
  const conv = roomOf();
  if (conv === null) return;
  // A chip toggles exactly its own emoji; a picked one is spelled the common way.
  const emoji = item.reactions.some((reaction) => reaction.emoji === picked) ? picked : normaliseEmoji(picked);
  try {
    const answer = await ask('react', { room: conv.name, messageId: item.id, emoji });
    if (answer?.ok !== true) showError(answer?.error?.message ?? 'The reaction was not saved.');
  } catch {
    showError('The server did not answer. Try again.');
  }
}

function pickReaction(item, anchor) {
  picker.open(anchor, {
    label: 'Choose a reaction',
    onPick: async (picked) => {
      const emoji = normaliseEmoji(picked);
      if (anchor.isConnected) anchor.focus();
      await react(item, emoji);
      // Focus follows to the reaction itself once it is drawn.
      if (document.activeElement === document.body || !document.activeElement?.isConnected) {
        if (!messageList.focusIn(item.id, `reaction:${emoji}`)) ui.input.focus();
      }
    },
  });
}

async function editMessage(item, text) {
  const conv = roomOf();
  if (conv === null) return 'Only room messages can be edited.';
  try {
    const answer = await ask('edit_message', { room: conv.name, messageId: item.id, msg: text });
    if (answer?.ok !== true) return answer?.error?.message ?? 'The message was not changed.';
    const message = answer.message;
    changeMessage({ room: conv.name, id: item.id, msg: message?.msg ?? text, editedAt: message?.editedAt });
    return null;
  } catch {
    return 'The server did not answer. Try again.';
  }
}

async function deleteMessage(item) {
  const conv = roomOf();
  if (conv === null) return 'Only room messages can be deleted.';
  try {
    const answer = await ask('delete_message', { room: conv.name, messageId: item.id });
    if (answer?.ok !== true) return answer?.error?.message ?? 'The message was not deleted.';
    changeMessage({ room: conv.name, id: item.id, deleted: true });
    ui.announcer.textContent = 'Message deleted.';
    return null;
  } catch {
    return 'The server did not answer. Try again.';
  }
}

// ---------------------------------------------------------------- the message box

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  // After a click on Send, the next message is typed in the box again.
  if (document.activeElement === ui.send) ui.input.focus();
  send();
});

ui.input.addEventListener('keydown', (event) => {
  const plain = !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey && !event.isComposing;
  if (event.key === 'Enter' && plain) {
    event.preventDefault();
    send();
  } else if (event.key === 'ArrowUp' && plain && ui.input.value === '' && current().kind === 'room') {
    // ↑ in an empty box edits your last message.
    const last = current().lastOwnMessage();
    if (last === undefined) return;
    event.preventDefault();
    messageList.startEdit(last, ui.input);
  }
});

ui.input.addEventListener('input', () => {
  autosize();
  clearError();
  typing.input(current(), ui.input.value);
});

ui.input.addEventListener('paste', (event) => {
  const file = event.clipboardData?.files?.[0];
  if (file === undefined) return;
  event.preventDefault();
  attachments.add(file);
});

ui.emojiButton.addEventListener('click', () => picker.open(ui.emojiButton, { label: 'Insert an emoji', onPick: insertAtCursor }));
// Start fetching the emoji data as soon as someone heads for the button.
ui.emojiButton.addEventListener('pointerenter', () => loadEmoji().catch(() => undefined), { once: true });

ui.leave.addEventListener('click', async () => {
  const conv = current();
  if (conv.kind !== 'room') return;
  conv.leaving = true;
  try {
    const answer = await ask('leave', { room: conv.name });
    if (answer?.ok !== true) return showError(answer?.error?.message ?? `Could not leave ${conv.name}`);
  } catch {
    return showError('The server did not answer. Try again.');
  } finally {
    conv.leaving = false;
  }
  typing.stop();
  conv.joined = false;
  saveRooms();
  conv.addSystem('You left the room.', new Date().toISOString(), 'leave');
  openConversation(roomKey(DEFAULT_ROOM), { focusComposer: true });
  refreshRoomsSoon();
});

// ---------------------------------------------------------------- drawer (≤ 640 px) and keyboard

let drawerOpen = false;

function setDrawer(open, { restoreFocus = true } = {}) {
  const wasOpen = drawerOpen;
  drawerOpen = open && narrow.matches;
  ui.app.classList.toggle('drawer-open', drawerOpen);
  setHidden(ui.backdrop, !drawerOpen);
  ui.drawerToggle.setAttribute('aria-expanded', String(drawerOpen));
  ui.drawerToggle.setAttribute('aria-label', drawerOpen ? 'Hide conversations' : 'Show conversations');
  ui.sidebar.inert = narrow.matches && !drawerOpen;
  ui.main.inert = drawerOpen;
  if (drawerOpen && !wasOpen) (sidebarButton(state.currentKey) ?? sidebar.buttons()[0])?.focus();
  if (!drawerOpen && wasOpen && restoreFocus) ui.drawerToggle.focus();
}

ui.drawerToggle.addEventListener('click', () => setDrawer(!drawerOpen));
ui.backdrop.addEventListener('click', () => setDrawer(false));
byId('drawer-close').addEventListener('click', () => setDrawer(false));
narrow.addEventListener('change', () => setDrawer(false, { restoreFocus: false }));

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && drawerOpen) {
    event.preventDefault();
    setDrawer(false);
  } else if (event.altKey && !event.ctrlKey && !event.metaKey && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
    event.preventDefault();
    step(event.key === 'ArrowDown' ? 1 : -1);
  }
});

ui.scroller.addEventListener('click', (event) => {
  if (event.target.closest('#load-older') !== null) loadOlder(current());
});

// ---------------------------------------------------------------- rendering the chrome

function renderChrome() {
  const conv = current();
  sidebar.render(state);
  const icon = el('span', { className: 'conv-title-icon', 'aria-hidden': 'true', text: conv.kind === 'room' ? '#' : '@' });
  if (ui.title.dataset.key !== conv.key) {
    ui.title.dataset.key = conv.key;
    ui.title.replaceChildren(icon, el('span', { className: 'conv-title-name', text: conv.name }));
  }
  let subtitle;
  if (conv.kind === 'room') {
    const members = state.members.get(conv.name);
    const count = members === undefined ? '' : `${members} ${members === 1 ? 'member' : 'members'}`;
    subtitle = conv.joined ? count : conv.joining !== undefined ? 'Joining…' : `Not joined${count === '' ? '' : ` · ${count}`}`;
  } else {
    subtitle = state.online.includes(conv.name)
      ? 'Online · private conversation'
      : 'Offline · messages reach them only while they are online';
  }
  if (ui.subtitle.textContent !== subtitle) ui.subtitle.textContent = subtitle;
  setHidden(ui.leave, !(conv.kind === 'room' && conv.joined && conv.name !== DEFAULT_ROOM));
  const label = conv.kind === 'room' ? `Message ${conv.name}` : `Message ${conv.name} privately`;
  if (ui.label.textContent !== label) {
    ui.label.textContent = label;
    ui.input.placeholder = label;
  }
  let total = 0;
  for (const other of state.conversations.values()) total += other.unread;
  ui.totalUnread.textContent = total > 99 ? '99+' : String(total);
  setHidden(ui.totalUnread, total === 0);
  document.title = `${total > 0 ? `(${total}) ` : ''}${conv.kind === 'room' ? conv.name : `@${conv.name}`} · nest-chat`;
}

setConnection('connecting');
setDrawer(false, { restoreFocus: false });
messageList.show(current());
renderChrome();
loadRooms();
onEmojiReady(() => messageList.refreshTexts());
