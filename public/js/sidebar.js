import { el, icon, setHidden } from './dom.js';
import { colourSlot, initials } from './format.js';
import { dmKey, roomKey } from './conversation.js';

/**
 * Rooms, private conversations and who is online. Conversation buttons form one list for the
 * keyboard: ↑/↓ (and Home/End) move between them, Enter or Space opens one.
 */
export class Sidebar {
  constructor({ root, roomList, dmList, dmEmpty, userList, onlineCount, onOpen, onOpenUser }) {
    Object.assign(this, { root, roomList, dmList, dmEmpty, userList, onlineCount, onOpen, onOpenUser });
    this.signatures = new Map();
    for (const list of [roomList, dmList]) {
      list.addEventListener('click', (event) => {
        const button = event.target.closest('button[data-key]');
        if (button !== null) this.onOpen(button.dataset.key);
      });
      list.addEventListener('keydown', (event) => this.onKey(event));
    }
    userList.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-user]');
      if (button !== null) this.onOpenUser(button.dataset.user);
    });
  }

  /** The conversation buttons in screen order. */
  buttons() {
    return [...this.roomList.querySelectorAll('button[data-key]'), ...this.dmList.querySelectorAll('button[data-key]')];
  }

  /** The button of the conversation `key`, if it is listed. */
  button(key) {
    return this.buttons().find((button) => button.dataset.key === key);
  }

  contains(node) {
    return this.root.contains(node);
  }

  onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const buttons = this.buttons();
    const at = buttons.indexOf(document.activeElement);
    if (at === -1) return;
    let next = null;
    if (event.key === 'ArrowDown') next = buttons[(at + 1) % buttons.length];
    else if (event.key === 'ArrowUp') next = buttons[(at - 1 + buttons.length) % buttons.length];
    else if (event.key === 'Home') next = buttons[0];
    else if (event.key === 'End') next = buttons[buttons.length - 1];
    if (next === null || next === undefined) return;
    event.preventDefault();
    next.focus();
  }

  render(state) {
    const roomNames = [...state.rooms];
    for (const conversation of state.conversations.values()) {
      if (conversation.kind === 'room' && !roomNames.includes(conversation.name)) roomNames.push(conversation.name);
    }
    this.sync(
      this.roomList,
      roomNames.map((name) => {
        const conversation = state.conversations.get(roomKey(name));
        return this.entry(state, roomKey(name), 'room', name, conversation, conversation?.joined ?? false);
      }),
    );
    const dms = [...state.conversations.values()].filter((conversation) => conversation.kind === 'dm');
    this.sync(
      this.dmList,
      dms.map((conversation) =>
        this.entry(state, conversation.key, 'dm', conversation.name, conversation, state.online.includes(conversation.name)),
      ),
    );
    setHidden(this.dmEmpty, dms.length > 0);
    this.renderUsers(state);
  }

  entry(state, key, kind, name, conversation, active) {
    const unread = conversation?.unread ?? 0;
    const current = state.currentKey === key;
    const locked = kind === 'room' && state.isPrivate(name);
    const mark = locked
      ? el('span', { className: 'conv-icon private', role: 'img', 'aria-label': 'Private room', title: 'Private room' }, icon('lock', 15))
      : kind === 'room'
        ? el('span', { className: 'conv-icon', 'aria-hidden': 'true', text: '#' })
        : el('span', { className: `conv-icon presence ${active ? 'on' : 'off'}`, 'aria-hidden': 'true' });
    const label = [mark, el('span', { className: 'conv-name', text: name })];
    if (kind === 'dm') label.push(el('span', { className: 'visually-hidden', text: active ? ', online' : ', offline' }));
    if (unread > 0) {
      label.push(el('span', { className: 'badge', text: unread > 99 ? '99+' : String(unread) }));
      label.push(el('span', { className: 'visually-hidden', text: unread === 1 ? ' unread message' : ' unread messages' }));
    }
    const classes = ['conv', kind, current ? 'current' : '', unread > 0 ? 'unread' : '', kind === 'room' && !active ? 'not-joined' : ''];
    const button = el(
      'button',
      {
        type: 'button',
        className: classes.filter(Boolean).join(' '),
        dataset: { key },
        'aria-current': current ? 'page' : undefined,
        title: kind === 'room' && !active ? `Join ${name}` : undefined,
      },
      label,
    );
    return { key, node: el('li', {}, button), signature: JSON.stringify([key, unread, current, active, locked]) };
  }

  /**
   * Replaces the entries when something in them changed, keeping focus on the button that had it.
   * Unchanged lists are left alone, so a click in progress is never lost to a re-render.
   */
  sync(list, entries) {
    const signature = entries.map((entry) => entry.signature).join('\n');
    if (this.signatures.get(list) === signature) return;
    this.signatures.set(list, signature);
    const focusedKey = list.contains(document.activeElement) ? document.activeElement.dataset.key : undefined;
    list.replaceChildren(...entries.map((entry) => entry.node));
    if (focusedKey !== undefined)
      [...list.querySelectorAll('button[data-key]')].find((button) => button.dataset.key === focusedKey)?.focus();
  }

  renderUsers(state) {
    const users = [...new Set(state.online)].sort((a, b) => (a === state.me ? -1 : b === state.me ? 1 : a.localeCompare(b)));
    const signature = JSON.stringify([state.me, state.currentKey, users]);
    if (this.signatures.get(this.userList) === signature) return;
    this.signatures.set(this.userList, signature);
    this.onlineCount.textContent = users.length > 0 ? String(users.length) : '';
    const focusedUser = this.userList.contains(document.activeElement) ? document.activeElement.dataset.user : undefined;
    this.userList.replaceChildren(
      ...users.map((name) => {
        const avatar = el('span', { className: `avatar small c${colourSlot(name)}`, 'aria-hidden': 'true', text: initials(name) });
        if (name === state.me) {
          return el('li', { className: 'user me' }, [
            avatar,
            el('span', { className: 'user-name', text: name }),
            el('span', { className: 'you', text: '(you)' }),
          ]);
        }
        const current = state.currentKey === dmKey(name);
        return el(
          'li',
          { className: 'user' },
          el(
            'button',
            {
              type: 'button',
              className: current ? 'user-button current' : 'user-button',
              dataset: { user: name },
              title: `Message ${name} privately`,
            },
            [
              avatar,
              el('span', { className: 'user-name', text: name }),
              el('span', { className: 'visually-hidden', text: ', send a private message' }),
            ],
          ),
        );
      }),
    );
    if (focusedUser !== undefined)
      [...this.userList.querySelectorAll('button[data-user]')].find((button) => button.dataset.user === focusedUser)?.focus();
  }
}
