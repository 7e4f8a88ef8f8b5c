import { DEFAULT_ROOM } from './chat-state.js';
import { roomKey } from './conversation.js';
import { getRooms, getUsers } from './rest-client.js';
import * as storage from './storage.js';

/**
 * The rooms: the list the server offers (with member counts), the ones this user is in, the ones
 * this tab was in before a reload, and leaving one.
 */
export class Rooms {
  constructor({ state, connection, typing, render, showError, open }) {
    Object.assign(this, { state, connection, typing, render, showError, open });
    this.timer = undefined;
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
