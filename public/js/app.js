/**
 * The chat page: builds its parts and connects them. Each part lives in a module of its own and
 * gets what it needs here; nothing else is global (bar `window.__chat`, a handle for the browser
 * specs and for curious people with a console).
 */
import { Account } from './account.js';
import { CatchUp } from './catch-up.js';
import { ChatState } from './chat-state.js';
import { Composer } from './composer.js';
import { Connection } from './connection.js';
import { dmKey } from './conversation.js';
import { byId } from './dom.js';
import { Drawer } from './drawer.js';
import { EmojiPicker } from './emoji-picker.js';
import { onEmojiReady } from './emoji.js';
import { Identity } from './identity.js';
import { Inbox } from './inbox.js';
import { MembersDialog } from './members-dialog.js';
import { MessageChanges } from './message-changes.js';
import { MessageHistory } from './message-history.js';
import { MessageList } from './message-list.js';
import { Moderation } from './moderation.js';
import { ModeratorView } from './moderator-view.js';
import { Navigation } from './navigation.js';
import { renderFrame } from './page-frame.js';
import { PrivateConversations } from './private-conversations.js';
import { Replies } from './replies.js';
import { forgetInviteInAddress, InviteDialog, inviteInAddress, NewRoomDialog } from './room-admin.js';
import { Rooms } from './rooms.js';
import { listenToServer } from './server-events.js';
import { ReadMarkers } from './read-markers.js';
import { MentionAlerts } from './mentions.js';
import { Sidebar } from './sidebar.js';
import { Typing } from './typing.js';
import { Attachments } from './uploads.js';

const ui = {
  main: byId('main'),
  scroller: byId('scroller'),
  input: byId('composer-input'),
  announcer: byId('announcer'),
  frame: {
    title: byId('conv-title'),
    subtitle: byId('conv-subtitle'),
    topic: byId('conv-topic'),
    members: byId('members-button'),
    invite: byId('invite-button'),
    slowModeField: byId('slow-mode-field'),
    slowMode: byId('slow-mode'),
    moderation: byId('moderation-button'),
    leave: byId('leave-button'),
    newRoom: byId('new-room-button'),
    label: byId('composer-label'),
    input: byId('composer-input'),
    totalUnread: byId('total-unread'),
  },
};

const state = new ChatState();
const announce = (text) => {
  ui.announcer.textContent = text;
};
const showError = (message) => composer.showError(message);
const render = () => renderFrame(ui.frame, state, sidebar);

const messageList = new MessageList({
  scroller: ui.scroller,
  list: byId('messages'),
  marker: byId('new-marker'),
  markerText: byId('new-marker-text'),
  loadOlder: byId('load-older'),
  historyStart: byId('history-start'),
  onOlder: () => messageHistory.older(state.current()),
  actions: {
    enabled: (conv) => conv.kind === 'room' || conv.kind === 'dm',
    isMine: (name) => state.isMine(name),
    isMe: (lowercased) => [state.me, ...state.aliases].some((name) => typeof name === 'string' && name.toLowerCase() === lowercased),
    react: (item, emoji) => changes.react(item, emoji),
    pickReaction: (item, anchor) => changes.pickReaction(item, anchor),
    edit: (item, text) => changes.edit(item, text),
    remove: (item) => changes.remove(item),
    canReply: (conv) => conv.kind === 'room' && conv.joined,
    canModerate: (conv) => moderation.moderates(conv),
    reply: (item) => replies.start(item),
    jumpTo: (item) => replies.jumpTo(item),
    removeMessage: (item, reason) => moderation.removeMessage(item, reason),
    focusComposer: () => ui.input.focus(),
  },
});

const picker = new EmojiPicker(byId('emoji-picker'));

const typing = new Typing({
  node: byId('typing'),
  me: () => state.isMine,
  emit: (conv, typingNow) => {
    if (!connection.connected || !state.ready) return false;
    if (conv.kind === 'room' && !conv.joined) return false;
    if (conv.kind === 'dm' && !state.online.includes(conv.name)) return false;
    // With an acknowledgement a refusal (not a member any more, gone offline) stays quiet.
    connection.tell('typing', conv.kind === 'room' ? { room: conv.name, typing: typingNow } : { target: conv.name, typing: typingNow });
    return true;
  },
});

const attachments = new Attachments({
  button: byId('attach-button'),
  input: byId('file-input'),
  tray: byId('attachment-tray'),
  dropZone: ui.main,
  dropOverlay: byId('drop-overlay'),
  onError: showError,
  onChange: (announcement) => {
    composer.clearError();
    if (announcement !== undefined) announce(announcement);
  },
});

const account = new Account({
  announce,
  onError: showError,
  onRegistered: (name) => identity.become(name),
  onSignedIn: () => identity.switch(),
  onSignedOut: () => identity.switch(),
});

const sidebar = new Sidebar({
  root: byId('sidebar'),
  roomList: byId('room-list'),
  dmList: byId('dm-list'),
  dmEmpty: byId('dm-empty'),
  userList: byId('user-list'),
  onlineCount: byId('online-count'),
  onOpen: (key) => navigation.open(key),
  onOpenUser: (name) => navigation.open(dmKey(name), { focusComposer: true }),
});

const connection = new Connection({
  state,
  indicator: { conn: byId('conn'), connText: byId('conn-text'), connBanner: byId('conn-banner') },
  onLost: () => {
    typing.reset();
    typing.render(state.currentKey);
  },
});
window.__chat = { socket: connection.socket, state };

const inbox = new Inbox({ state, messageList, typing, announce, saveDms: () => dms.save() });
const dms = new PrivateConversations({ state, connection, messageList, render });
const messageHistory = new MessageHistory({ state, messageList, showError });
const replies = new Replies({
  state,
  ui: {
    bar: byId('reply-bar'),
    quote: byId('reply-bar-quote'),
    author: byId('reply-author'),
    text: byId('reply-text'),
    cancel: byId('reply-cancel'),
    input: ui.input,
  },
  messageList,
  messageHistory,
  showError,
  focusComposer: () => ui.input.focus(),
  announce,
});
const rooms = new Rooms({
  state,
  connection,
  typing,
  render,
  showError,
  open: (key, options) => navigation.open(key, options),
  // A new role changes what each message offers (Remove): the open room is drawn again.
  onRole: (conv) => {
    if (state.isCurrent(conv)) messageList.show(conv);
    render();
  },
});
const moderation = new Moderation({
  state,
  connection,
  inbox,
  rooms,
  render,
  showError,
  setNote: (text) => composer.setNote(text),
  announce,
  open: (key, options) => navigation.open(key, options),
});
/** An invite link this page was opened with: its room is opened, and joined with the invite. */
let invited = inviteInAddress();
const restoreCurrent = () => {
  if (invited === null) return navigation.restore();
  const conv = state.room(invited.room);
  conv.invite = invited.invite;
  invited = null;
  if (conv.invite === undefined) forgetInviteInAddress();
  navigation.open(conv.key, { focusComposer: true });
};
const readMarkers = new ReadMarkers({ state, connection, messageList, render });
const mentionAlerts = new MentionAlerts();
const catchUp = new CatchUp({
  state,
  connection,
  inbox,
  rooms,
  dms,
  readMarkers,
  restoreCurrent,
  inviteUsed: forgetInviteInAddress,
  render,
  showError,
});
const changes = new MessageChanges({
  state,
  connection,
  inbox,
  messageList,
  picker,
  showError,
  announce,
  focusComposer: () => ui.input.focus(),
});
const composer = new Composer({
  ui: {
    form: byId('composer'),
    input: ui.input,
    send: byId('send-button'),
    error: byId('composer-error'),
    note: byId('composer-note'),
    emojiButton: byId('emoji-button'),
  },
  state,
  connection,
  attachments,
  typing,
  inbox,
  messageList,
  picker,
  replies,
  render,
});
const identity = new Identity({
  state,
  connection,
  catchUp,
  account,
  typing,
  attachments,
  picker,
  composer,
  messageList,
  rooms,
  dms,
  render,
});

listenToServer({
  socket: connection.socket,
  state,
  catchUp,
  readMarkers,
  mentionAlerts,
  identity,
  inbox,
  typing,
  rooms,
  moderation,
  render,
  showError,
  setNote: (text) => composer.setNote(text),
});

ui.frame.leave.addEventListener('click', () => rooms.leave());

// Rooms people create, invites, members and moderation: dialogs of their own, opened from the header.
const newRoom = new NewRoomDialog({ connection, rooms, open: (key, options) => navigation.open(key, options), announce });
const invites = new InviteDialog({ connection });
const members = new MembersDialog({ state, moderation, announce, refresh: (conv) => rooms.detail(conv) });
const moderatorView = new ModeratorView({ state });
ui.frame.newRoom.addEventListener('click', () => newRoom.show());
ui.frame.invite.addEventListener('click', () => invites.show(state.current()));
ui.frame.members.addEventListener('click', () => members.open(state.current()));
ui.frame.moderation.addEventListener('click', () => moderatorView.open(state.current()));
moderation.bindSlowMode(ui.frame.slowMode);

const drawer = new Drawer({
  app: byId('app'),
  sidebar: byId('sidebar'),
  main: ui.main,
  backdrop: byId('backdrop'),
  toggle: byId('drawer-toggle'),
  close: byId('drawer-close'),
  focusTarget: () => sidebar.button(state.currentKey) ?? sidebar.buttons()[0],
});

const navigation = new Navigation({
  state,
  composer,
  typing,
  picker,
  messageList,
  catchUp,
  dms,
  rooms,
  drawer,
  sidebar,
  readMarkers,
  render,
});

connection.show('connecting');
drawer.set(false, { restoreFocus: false });
messageList.show(state.current());
render();
rooms.load();
onEmojiReady(() => messageList.refreshTexts());
