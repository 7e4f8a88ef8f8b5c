import { DEFAULT_ROOM } from './chat-state.js';
import { isModerator, roomKey } from './conversation.js';
import { getRoom, getRooms, getUsers } from './rest-client.js';
import * as storage from './storage.js';

const ROLES = ['admin', 'owner', 'moderator', 'member'];

/**
 * The rooms: the list the server offers (with member counts, visibility and topic), the ones this
 * user is in, the ones this tab was in before a reload, leaving one, and the user's role in each
 * (which decides what the page offers). `onRole(conversation)` is told when the user became a
 * moderator there (or an owner or admin), or stopped being one.
 */
export class Rooms {
  constructor({ state, connection, typing, render, showError, open, onRole }) {
    Object.assign(this, { state, connection, typing, render, showError, open, onRole });
    this.timer = undefined;
  }

  /**
   * GET /api/rooms/:room: its members, topic and visibility, its slow mode (pushes keep it current),
   * and the user's role in it.
   */
  async detail(conversation) {
    if (conversation.kind !== 'room') return;
    const asked = (conversation.detailAsked = (conversation.detailAsked ?? 0) + 1);
    try {
      const room = await getRoom(conversation.name);
      if (asked !== conversation.detailAsked) return;
      this.state.noteRoom(room);
      conversation.memberNames = Array.isArray(room.members) ? room.members.filter((name) => typeof name === 'string') : [];
      this.state.members.set(conversation.name, conversation.memberNames.length);
      this.setRole(conversation, ROLES.includes(room.role) ? room.role : 'member');
      conversation.slowMode = Number(room.slowMode) || 0;
    } catch {
      // Not let in (yet), banned, or gone: no role, so no controls. The join says why, where it matters.
      if (asked === conversation.detailAsked) this.setRole(conversation, null);
    }
    this.render();
  }

  /** A (new) role; only one that gives or takes moderation changes what the page draws (`onRole`). */
  setRole(conversation, role) {
    if (conversation.role === role) return;
    const moderated = isModerator(conversation.role);
    conversation.role = role;
    if (isModerator(role) !== moderated) this.onRole(conversation);
  }

  /** `room_updated`: a room was created, its topic set, or it was archived. */
  updated(payload) {
    this.state.updateRoom(payload);
    this.render();
  }

  /** The user created a room (the `create_room` answer): it is listed at once. */
  created({ room, visibility, topic }) {
    this.state.updateRoom({ name: room, visibility, topic, owner: this.state.me ?? undefined, archived: false });
  }

  /** GET /api/rooms into the sidebar. */
  async load() {
    try {
      const { rooms } = await getRooms();
      if (!Array.isArray(rooms)) return;
      this.state.setRooms(rooms);
      this.render();
    } catch {
      // The sidebar keeps what it has; the next join or leave refreshes it.
    }
  }

  /** Member counts change with every join and leave: the list again, shortly. */
  refreshSoon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(), 300);
  }

  /** The rooms the server counts this user in (when the session did not say). */
  async mine() {
    try {
      const { users } = await getUsers();
      const me = Array.isArray(users) ? users.find((user) => user?.username === this.state.me) : undefined;
      return Array.isArray(me?.rooms) ? me.rooms.filter((name) => typeof name === 'string') : [];
    } catch {
      return [];
    }
  }

  /** Remembers the joined rooms for a reload. */
  save() {
    const { state } = this;
    if (state.me === null) return;
    storage.saveRooms(
      state.me,
      state
        .ofKind('room')
        .filter((conversation) => conversation.joined)
        .map((conversation) => conversation.name),
    );
  }

  /** The rooms this tab was in before a reload (only rooms the server still offers). */
  saved() {
    const offered = this.state.rooms;
    return storage.savedRooms(this.state.me).filter((name) => offered.length === 0 || offered.includes(name));
  }

  /** Leaves the open room (the Leave button) and goes back to the default room. */
  async leave() {
    const conversation = this.state.current();
    if (conversation.kind !== 'room') return;
    conversation.leaving = true;
    try {
      const answer = await this.connection.ask('leave', { room: conversation.name });
      if (answer?.ok !== true) return this.showError(answer?.error?.message ?? `Could not leave ${conversation.name}`);
    } catch {
      return this.showError('The server did not answer. Try again.');
    } finally {
      conversation.leaving = false;
    }
    this.typing.stop();
    conversation.joined = false;
    this.save();
    conversation.addSystem('You left the room.', new Date().toISOString(), 'leave');
    this.open(roomKey(DEFAULT_ROOM), { focusComposer: true });
    this.refreshSoon();
  }
}
