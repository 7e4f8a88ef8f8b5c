import * as storage from './storage.js';

/**
 * Who the user is, as the server says (`session`, `identity`) or as the account dialog changed it:
 * a first session, a guest who registered (same session, new name, old messages still theirs), or
 * someone else after signing in or out (nothing of the previous identity stays on screen).
 */
export class Identity {
  constructor({ state, connection, catchUp, account, typing, attachments, picker, composer, messageList, rooms, dms, render }) {
    Object.assign(this, { state, connection, catchUp, account, typing, attachments, picker, composer, messageList, rooms, dms, render });
  }

  /** The `session` event: who this connection is; catching up follows once the server counts it. */
  start(session) {
    const { state } = this;
    if (typeof session?.username !== 'string') return;
    if (state.me !== null && state.me !== session.username) this.reset();
    const first = state.startSession(session);
    this.account.render(state.me, state.account);
    if (first) {
      const aliases = storage.savedAliases(state.me);
      if (aliases !== null) state.aliases = new Set(aliases);
      this.dms.restore();
    }
    this.catchUp.expectPresence();
    this.render();
  }

  /** Someone else now (signed in, signed out): nothing of the previous identity stays on screen. */
  reset() {
    const { state } = this;
    state.forget();
    this.catchUp.cancel();
    this.typing.reset();
    this.attachments.clear();
    this.picker.close({ restoreFocus: false });
    storage.forgetSession();
    this.composer.reset();
    this.messageList.show(state.current());
    this.account.render(null, false);
    this.render();
    // The rooms someone else may see (private ones) are not the previous identity's.
    this.rooms.load();
  }

  /** Signed in or out over REST (the cookie changed): the socket reconnects as the new identity. */
  switch() {
    this.state.switching = true;
    this.reset();
    this.composer.setNote('');
    this.connection.restart();
    this.composer.focus();
  }

  /** A guest registered: same session and messages, a new name. */
  become(name, isAccount = true) {
    const { state } = this;
    state.rename(name, isAccount);
    storage.saveAliases(state.me, state.aliases);
    this.dms.save();
    this.rooms.save();
    this.account.render(state.me, state.account);
    // Their old messages are still theirs: draw the open conversation again (reactions show "you").
    this.messageList.show(state.current());
    this.render();
    // An account may do more (create rooms; an admin moderates every room): the open room's role again.
    this.rooms.detail(state.current());
  }
}
