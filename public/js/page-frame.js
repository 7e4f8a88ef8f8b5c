import { DEFAULT_ROOM } from './chat-state.js';
import { isModerator } from './conversation.js';
import { el, icon, setHidden } from './dom.js';
import { durationText } from './moderation-text.js';

/** Sets a node's text only when it changed (screen readers and selections are left alone otherwise). */
const setText = (node, text) => {
  if (node.textContent !== text) node.textContent = text;
};

/**
 * Everything around the messages that follows the state: the sidebar, the open conversation's
 * title (a lock on a private room), subtitle, topic and header buttons (Members; for moderators,
 * owners and admins Invite, slow mode and Moderation; Leave), the message box's label, the unread
 * count on the menu button and the document title. Drawn again after every change; unchanged parts
 * are left alone.
 */
export const renderFrame = (ui, state, sidebar) => {
  const conv = state.current();
  sidebar.render(state);
  const room = conv.kind === 'room';
  const info = room ? state.roomInfo.get(conv.name) : undefined;
  const locked = room && info?.visibility === 'private';
  const titleKey = `${conv.key}${locked ? ':private' : ''}`;
  if (ui.title.dataset.key !== titleKey) {
    ui.title.dataset.key = titleKey;
    const mark = locked
      ? el('span', { className: 'conv-title-icon', role: 'img', 'aria-label': 'Private room', title: 'Private room' }, icon('lock', 17))
      : el('span', { className: 'conv-title-icon', 'aria-hidden': 'true', text: room ? '#' : '@' });
    ui.title.replaceChildren(mark, el('span', { className: 'conv-title-name', text: conv.name }));
  }
  let subtitle;
  if (room) {
    const members = state.members.get(conv.name);
    const count = members === undefined ? '' : `${members} ${members === 1 ? 'member' : 'members'}`;
    subtitle = conv.joined ? count : conv.joining !== undefined ? 'Joining…' : `Not joined${count === '' ? '' : ` · ${count}`}`;
    if (info?.archived) subtitle = `Archived: read only${count === '' ? '' : ` · ${count}`}`;
    else if (conv.joined && conv.slowMode > 0) subtitle = `${subtitle} · slow mode, one message every ${durationText(conv.slowMode)}`;
  } else {
    subtitle = state.online.includes(conv.name)
      ? 'Online · private conversation'
      : 'Offline · messages reach them only while they are online';
  }
  setText(ui.subtitle, subtitle);
  const topic = info?.topic ?? '';
  setText(ui.topic, topic);
  setHidden(ui.topic, topic === '');

  const inRoom = room && conv.joined;
  const moderator = inRoom && isModerator(conv.role);
  setHidden(ui.members, !inRoom);
  setHidden(ui.invite, !(moderator && info?.owner !== undefined && !info.archived));
  setHidden(ui.slowModeField, !moderator);
  if (moderator && document.activeElement !== ui.slowMode) {
    const value = String(conv.slowMode ?? 0);
    if (![...ui.slowMode.options].some((option) => option.value === value)) {
      ui.slowMode.append(el('option', { value, text: durationText(Number(value)) }));
    }
    if (ui.slowMode.value !== value) ui.slowMode.value = value;
  }
  setHidden(ui.moderation, !moderator);
  setHidden(ui.leave, !(inRoom && conv.name !== DEFAULT_ROOM));
  setHidden(ui.newRoom, !state.account);

  const label = room ? `Message ${conv.name}` : `Message ${conv.name} privately`;
  if (ui.label.textContent !== label) {
    ui.label.textContent = label;
    ui.input.placeholder = label;
  }
  const total = state.totalUnread();
  ui.totalUnread.textContent = total > 99 ? '99+' : String(total);
  setHidden(ui.totalUnread, total === 0);
  document.title = `${total > 0 ? `(${total}) ` : ''}${room ? conv.name : `@${conv.name}`} · nest-chat`;
};
