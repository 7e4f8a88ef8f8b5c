import { dmKey, roomKey } from './conversation.js';

/**
 * What the server pushes over the socket, into the page. Payloads are checked before use: anything
 * malformed is ignored. (Disconnects and reconnects are connection.js's.)
 */
export const listenToServer = ({
  socket,
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
  setNote,
}) => {
  socket.on('connect', () => catchUp.connected());

  socket.on('session', (session) => identity.start(session));

  // Who is online: the whole list once per connection, then only what changed (the page asks for
  // diffs in its handshake, see connection.js). `active_users` is what a server without diffs sends.
  for (const event of ['presence_state', 'active_users']) {
    socket.on(event, (payload) => {
      state.setOnline(payload?.users);
      catchUp.presence();
      render();
    });
  }

  socket.on('presence_diff', (payload) => {
    state.changeOnline(payload?.joined, payload?.left);
    catchUp.presence();
    render();
  });

  socket.on('history', (payload) => catchUp.received(payload));
  socket.on('changes', (payload) => catchUp.received(payload));

  socket.on('message', (payload) => {
    if (typeof payload?.room !== 'string' || typeof payload.id !== 'string') return;
    const conv = state.room(payload.room);
    // Another tab of ours may have joined a room this one has not opened: membership is the user's.
    conv.joined = true;
    inbox.receive(conv, payload);
    readMarkers.seen(conv);
    render();
  });

  socket.on('mention', (payload) => mentionAlerts.notify(payload));

  socket.on('unread', (payload) => {
    readMarkers.apply(payload);
    render();
  });

  socket.on('private_message', (payload) => {
    if (typeof payload?.from !== 'string' || typeof payload.to !== 'string' || typeof payload.id !== 'string') return;
    const other = payload.from === state.me ? payload.to : payload.from;
    const conv = state.dm(other);
    inbox.receive(conv, payload);
    readMarkers.seen(conv);
    render();
  });

  for (const event of ['message_edited', 'message_deleted', 'reaction']) socket.on(event, (payload) => inbox.change(payload));

  socket.on('typing', (payload) => {
    if (typeof payload?.room === 'string' && Array.isArray(payload.users)) typing.room(roomKey(payload.room), payload.users);
    else if (typeof payload?.from === 'string') typing.person(dmKey(payload.from), payload.from, payload.typing === true);
    else return;
    typing.render(state.currentKey);
  });

  /** This user joined or left a room, maybe in another tab. */
  socket.on('membership', (payload) => {
    if (typeof payload?.room !== 'string') return;
    const conv = state.room(payload.room);
    if (payload.joined === true) {
      const was = conv.joined;
      conv.joined = true;
      if (!was && !conv.loaded && conv.joining === undefined && state.ready) catchUp.join(conv);
    } else {
      if (!conv.joined || conv.leaving) {
        conv.joined = false;
        rooms.save();
        render();
        return;
      }
      conv.joined = false;
      if (payload.reason === 'left') inbox.system(conv, 'You left the room in another tab.', new Date().toISOString(), 'leave');
      else if (payload.reason === 'kicked' || payload.reason === 'banned') moderation.removedFrom(conv, payload);
    }
    rooms.save();
    rooms.refreshSoon();
    render();
  });

  /** A guest registered an account (in this tab or another): the same session, a new name. */
  socket.on('identity', (payload) => {
    if (typeof payload?.username === 'string') identity.become(payload.username, payload.account !== false);
  });

  /** This tab's token was signed out (here or in another tab): the server disconnects it next. */
  socket.on('session_ended', () => {
    setNote('You were signed out. Continuing as a guest…');
  });

  socket.on('status', (payload) => {
    if (typeof payload?.room !== 'string' || typeof payload.msg !== 'string') return;
    const conv = state.knownRoom(payload.room);
    if (conv === undefined) return;
    // Leaving, and being kicked or banned (by whom, and why, in the line), are departures.
    inbox.system(conv, payload.msg, payload.timestamp, payload.type === 'join' ? 'join' : 'leave');
    rooms.refreshSoon();
  });

  /** A room was created (public ones: everyone is told), its topic set, or it was archived. */
  socket.on('room_updated', (payload) => rooms.updated(payload));

  /** What a moderator, owner or admin did in a room the user is in (or to the user). */
  socket.on('moderation', (payload) => moderation.pushed(payload));

  socket.on('error', (payload) => {
    if (typeof payload?.message === 'string') showError(payload.message);
  });
};
