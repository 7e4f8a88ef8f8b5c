import { DEFAULT_ROOM } from './chat-state.js';
import { el, setHidden } from './dom.js';

/**
 * Everything around the messages that follows the state: the sidebar, the open conversation's
 * title, subtitle and Leave button, the message box's label, the unread count on the menu button
 * and the document title. Drawn again after every change; unchanged parts are left alone.
 */
export const renderFrame = (ui, state, sidebar) => {
  const conv = state.current();
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
  const total = state.totalUnread();
  ui.totalUnread.textContent = total > 99 ? '99+' : String(total);
  setHidden(ui.totalUnread, total === 0);
  document.title = `${total > 0 ? `(${total}) ` : ''}${conv.kind === 'room' ? conv.name : `@${conv.name}`} · nest-chat`;
};
