import * as storage from './storage.js';

/**
 * Switching conversations: from the sidebar, with Alt+↑/↓ anywhere, and back to the one that was
 * open before a reload. The message box keeps a draft per conversation.
 */
export class Navigation {
  constructor({ state, composer, typing, picker, messageList, catchUp, dms, rooms, drawer, sidebar, readMarkers, render }) {
    Object.assign(this, { state, composer, typing, picker, messageList, catchUp, dms, rooms, drawer, sidebar, readMarkers, render });
    document.addEventListener('keydown', (event) => {
      if (event.altKey && !event.ctrlKey && !event.metaKey && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
        event.preventDefault();
        this.step(event.key === 'ArrowDown' ? 1 : -1);
      }
    });
  }

  open(key, { focusComposer = false } = {}) {
    const { state, composer, typing, sidebar, drawer } = this;
    const previous = state.current();
    previous.draft = composer.text;
    const conv = state.byKey(key);
    if (previous !== conv) typing.stop();
    if (previous !== conv) {
      conv.markFirstUnread(conv.unread);
      // A private conversation opened for the first time has its messages still to come: they mark it then.
      conv.unreadWhenOpened = conv.unread;
    }
    state.select(conv);
    storage.saveCurrent(conv.key);
    composer.load(conv.draft);
    this.picker.close({ restoreFocus: false });
    this.messageList.show(conv);
    typing.render(conv.key);
    if (conv.kind === 'room' && (!conv.joined || !conv.loaded) && state.ready) this.catchUp.join(conv);
    // Its members, topic and the user's role there (which decides the moderation controls), fresh.
    else if (conv.kind === 'room' && conv.joined) this.rooms.detail(conv);
    if (conv.kind === 'dm') {
      if (!conv.loaded && state.me !== null) this.dms.load(conv);
      this.dms.save();
    }
    this.readMarkers.seen(conv);
    const focusWasInSidebar = sidebar.contains(document.activeElement);
    drawer.set(false, { restoreFocus: false });
    this.render();
    if (focusComposer) composer.focus();
    else if (focusWasInSidebar && !drawer.narrow) sidebar.button(conv.key)?.focus();
    else if (focusWasInSidebar) drawer.toggle.focus();
  }

  /** Alt+↓ / Alt+↑: the next or previous conversation in the sidebar's order. */
  step(direction) {
    const { sidebar } = this;
    const keys = sidebar.buttons().map((button) => button.dataset.key);
    if (keys.length === 0) return;
    const at = keys.indexOf(this.state.currentKey);
    const next = keys[(at + direction + keys.length) % keys.length];
    const focusInSidebar = sidebar.contains(document.activeElement);
    this.open(next);
    if (focusInSidebar) sidebar.button(next)?.focus();
  }

  /** The conversation that was open before a reload, if it is still there (and a room is still joined). */
  restore() {
    const { state } = this;
    const saved = storage.savedCurrent();
    if (saved === null || saved === state.currentKey || !state.conversations.has(saved)) return;
    const conv = state.conversations.get(saved);
    if (conv.kind === 'room' && !conv.joined) return;
    this.open(saved);
  }
}
