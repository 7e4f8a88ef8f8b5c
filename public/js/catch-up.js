import { DEFAULT_ROOM } from './chat-state.js';
import { loadEmoji } from './emoji.js';
import { refusalText } from './format.js';

/** How long a new connection waits to see itself online before catching up anyway. */
const PRESENCE_WAIT_MS = 2000;

/**
 * After every (re)connection: rejoin the rooms and fetch exactly what was missed. It starts once
 * the server has counted the connection (the first user list that includes us), and then the page
 * is ready to send. On the first connection it also finds the rooms the user is in and the
 * conversation that was open before a reload.
 */
export class CatchUp {
  constructor({ state, connection, inbox, rooms, dms, readMarkers, restoreCurrent, inviteUsed, render, showError }) {
    Object.assign(this, { state, connection, inbox, rooms, dms, readMarkers, restoreCurrent, inviteUsed, render, showError });
    this.awaitingPresence = false;
    this.presenceFallback = undefined;
    /** The `history` or `changes` the server sent for a room, until its `join` is answered. */
    this.histories = new Map();
    this.runs = 0;
  }

  /** Connected: the session and the user list follow. */
  connected() {
    this.awaitingPresence = false;
    clearTimeout(this.presenceFallback);
  }

  /** The `session` event: catch up once this connection shows in the user list (or after a while anyway). */
  expectPresence() {
    this.awaitingPresence = true;
    this.presenceFallback = setTimeout(() => {
      if (this.awaitingPresence) this.run();
    }, PRESENCE_WAIT_MS);
  }

  /** The user list changed. */
  presence() {
    if (this.awaitingPresence && this.state.online.includes(this.state.me)) this.run();
  }

  /** The `history` or `changes` event, which comes just before `join` is answered. */
  received(history) {
    if (typeof history?.room === 'string') this.histories.set(history.room, history);
  }

  /** A catch-up under way is for someone else now: it ends without effect. */
  cancel() {
    this.runs++;
  }

  async run() {
    const { state, connection, rooms } = this;
    this.awaitingPresence = false;
    clearTimeout(this.presenceFallback);
    const run = ++this.runs;
    if (!state.started) {
      const mine = state.sessionRooms ?? (await rooms.mine());
      for (const name of [DEFAULT_ROOM, ...mine, ...rooms.saved()]) state.room(name).joined = true;
      this.restoreCurrent();
    }
    const joined = state.ofKind('room').filter((conversation) => conversation.joined || state.isCurrent(conversation));
    await Promise.all(joined.map((conversation) => this.join(conversation)));
    if (run !== this.runs || !connection.connected) return;
    state.started = true;
    state.switching = false;
    connection.show('connected');
    connection.setReady(true);
    this.render();
    // The emoji data (shortcodes, the picker) once the conversation is on screen: it is not needed before.
    loadEmoji().catch(() => undefined);
    // Private conversations come from the server; after a reconnect, every message after their
    // cursor. (Rooms caught up in their join: every change after their cursor.)
    const dms = state.ofKind('dm').filter((conversation) => conversation.loaded || state.isCurrent(conversation));
    await Promise.all(dms.map((conversation) => this.dms.load(conversation)));
    if (run !== this.runs) return;
    // Then the server's unread counts, which count what the catch-up brought, and every private conversation.
    this.readMarkers.load();
    this.dms.list();
  }

  /**
   * `join`, then what the server sends before answering: the newest page (`history`) the first time;
   * afterwards every change after the room's cursor (`changes`: new messages, edits, deletions,
   * reactions), page after page while `hasMore`. A room this page was invited to (an invite link) is
   * joined with the invite the first time.
   */
  join(conversation) {
    const { state, connection } = this;
    conversation.joining ??= (async () => {
      try {
        for (let page = 0; page < 100; page++) {
          const resume = conversation.loaded;
          this.histories.delete(conversation.name);
          const invite = resume ? undefined : conversation.invite;
          const answer = await connection.ask(
            'join',
            resume ? { room: conversation.name, cursor: conversation.cursor } : { room: conversation.name, ...(invite ? { invite } : {}) },
          );
          if (invite !== undefined) {
            conversation.invite = undefined;
            this.inviteUsed();
          }
          if (answer?.ok !== true) {
            if (state.isCurrent(conversation)) this.showError(refusalText(answer?.error, `Could not join ${conversation.name}`));
            return false;
          }
          conversation.joined = true;
          this.rooms.save();
          if (page === 0) this.rooms.detail(conversation);
          const answered = this.histories.get(conversation.name);
          this.histories.delete(conversation.name);
          const more = resume && answered?.hasMore === true;
          if (answered !== undefined) {
            if (resume) this.inbox.changes(conversation, answered);
            else this.inbox.history(conversation, answered);
          }
          conversation.caughtUpTo(answered?.cursor, !more);
          if (!more) break;
        }
        return true;
      } catch {
        return false;
      } finally {
        conversation.joining = undefined;
        this.render();
      }
    })();
    return conversation.joining;
  }
}
