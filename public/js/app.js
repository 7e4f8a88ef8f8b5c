import { io } from '/socket.io/socket.io.esm.min.js';
import { Conversation, dmKey, roomKey } from './conversation.js';
import { byId, el, setHidden } from './dom.js';
import { excerpt } from './format.js';
import { newClientId } from './ids.js';
import { MessageList } from './message-list.js';
import { Sidebar } from './sidebar.js';

const DEFAULT_ROOM = 'General';
/** How long an acknowledgement may take before the page says so. */
const ACK_TIMEOUT_MS = 8000;
/** How long a message typed while offline waits for the connection before the page gives up. */
const SEND_WAIT_MS = 30000;
const STORAGE_DMS = 'nest-chat:dms';
const STORAGE_CURRENT = 'nest-chat:current';
/** At this width and below the sidebar is a drawer (the same query as in styles.css). */
const narrow = window.matchMedia('(max-width: 640px)');

const ui = {
  app: byId('app'),
  main: byId('main'),
  sidebar: byId('sidebar'),
  backdrop: byId('backdrop'),
  drawerToggle: byId('drawer-toggle'),
  totalUnread: byId('total-unread'),
  welcome: byId('welcome'),
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
};

const state = {
  me: null,
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

/** A message from any source: live push, acknowledgement, history or catch-up. Duplicates are dropped. */
function receiveMessage(conv, payload, { announce = true, render = true, follow = false, unread = true } = {}) {
  const added = conv.addMessage(payload, state.me);
  if (added === null) return null;
  const { item, index } = added;
  if (isCurrent(conv)) {
    if (render) messageList.insert(index, item, { follow });
  } else if (!item.own && unread) {
    conv.unread += 1;
  }
  if (announce && !item.own) {
    const where = conv.kind === 'dm' ? ' (private)' : isCurrent(conv) ? '' : ` in ${conv.name}`;
    ui.announcer.textContent = `${item.author}${where}: ${excerpt(item.msg)}`;
  }
  if (conv.kind === 'dm') saveDms();
  return item;
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
  ui.welcome.replaceChildren('Welcome, ', el('strong', { text: state.me }));
  if (first) restoreDms();
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
  setConnection('reconnecting');
  // The server hung up on purpose: Socket.IO does not retry that by itself.
  if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000 + Math.random() * 1000);
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
  if (!state.started) {
    const mine = await myRooms();
    for (const name of [DEFAULT_ROOM, ...mine]) room(name).joined = true;
    restoreCurrent();
  }
  const rooms = [...state.conversations.values()].filter((conv) => conv.kind === 'room' && (conv.joined || isCurrent(conv)));
  await Promise.all(rooms.map((conv) => joinRoom(conv)));
  if (run !== catchUpRun || !socket.connected) return;
  state.started = true;
  setConnection('connected');
  setReady(true);
  renderChrome();
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

function resetIdentity() {
  for (const [key, conv] of state.conversations) if (conv.kind === 'dm') state.conversations.delete(key);
  if (!state.conversations.has(state.currentKey)) state.currentKey = roomKey(DEFAULT_ROOM);
  try {
    window.sessionStorage.removeItem(STORAGE_DMS);
  } catch {
    // Storage may be disabled; nothing to forget then.
  }
}

// ---------------------------------------------------------------- REST

const getJson = async (path) => {
  const response = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
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

/** The page before the oldest message shown, from REST (newest first there). */
async function loadOlder(conv) {
  if (conv.kind !== 'room' || !conv.hasOlder || conv.loadingOlder) return;
  const before = conv.oldestMessageId();
  if (before === undefined) return;
  conv.loadingOlder = true;
  if (isCurrent(conv)) messageList.updateTop();
  try {
    const page = await getJson(`/api/rooms/${encodeURIComponent(conv.name)}/messages?before=${encodeURIComponent(before)}&limit=50`);
    const added = [];
    for (const message of Array.isArray(page.messages) ? page.messages : []) {
      const result = conv.addMessage(message, state.me);
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

// ---------------------------------------------------------------- switching

function openConversation(key, { focusComposer = false } = {}) {
  const previous = current();
  previous.draft = ui.input.value;
  const [kind, ...rest] = key.split(':');
  const conv = kind === 'room' ? room(rest.join(':')) : dm(rest.join(':'));
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
  messageList.show(conv);
  if (conv.kind === 'room' && (!conv.joined || !conv.loaded) && state.ready) joinRoom(conv);
  if (conv.kind === 'dm') saveDms();
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

// ---------------------------------------------------------------- private conversations in sessionStorage

function saveDms() {
  if (state.me === null) return;
  const conversations = [...state.conversations.values()].filter((conv) => conv.kind === 'dm');
  try {
    window.sessionStorage.setItem(STORAGE_DMS, JSON.stringify({ me: state.me, conversations }));
  } catch {
    // Full or disabled storage: the conversation lives on in memory.
  }
}

function restoreDms() {
  let saved;
  try {
    saved = JSON.parse(window.sessionStorage.getItem(STORAGE_DMS) ?? 'null');
  } catch {
    return;
  }
  if (saved?.me !== state.me || !Array.isArray(saved.conversations)) return;
  for (const stored of saved.conversations) {
    if (typeof stored?.name !== 'string' || !Array.isArray(stored.messages)) continue;
    const conv = dm(stored.name);
    for (const message of stored.messages) conv.addMessage(message, state.me);
    conv.unread = Number(stored.unread) || 0;
  }
  if (state.conversations.has(state.currentKey)) messageList.show(current());
}

// ---------------------------------------------------------------- sending

/** The text last tried and its clientId: sending the same text again can never duplicate it. */
let attempt = null;
let sending = false;

async function send() {
  const text = ui.input.value;
  const conv = current();
  if (text.trim() === '' || sending) return;
  const whisper = conv.kind === 'room' ? /^@([^\s@]+)\s+(\S[\s\S]*)$/.exec(text.trim()) : null;
  const clientId = attempt !== null && attempt.key === conv.key && attempt.text === text ? attempt.clientId : newClientId();
  attempt = { key: conv.key, text, clientId };
  sending = true;
  ui.send.setAttribute('aria-busy', 'true');
  clearError();
  try {
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

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  // After a click on Send, the next message is typed in the box again.
  if (document.activeElement === ui.send) ui.input.focus();
  send();
});

ui.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
});

ui.input.addEventListener('input', () => {
  autosize();
  clearError();
});

ui.leave.addEventListener('click', async () => {
  const conv = current();
  if (conv.kind !== 'room') return;
  try {
    const answer = await ask('leave', { room: conv.name });
    if (answer?.ok !== true) return showError(answer?.error?.message ?? `Could not leave ${conv.name}`);
  } catch {
    return showError('The server did not answer. Try again.');
  }
  conv.joined = false;
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
