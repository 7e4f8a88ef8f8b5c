import { el, icon } from './dom.js';
import { markMentions, mentionsMe } from './mentions.js';
import { emojiNodes, isJumbo, withEmoji } from './emoji.js';
import { colourSlot, formatSize, formatTime, initials, listNames } from './format.js';
import { fileUrl } from './rest-client.js';
import { quoteButton } from './replies.js';

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const TYPE_LABELS = { 'application/pdf': 'PDF', 'text/plain': 'Text' };

/** A textarea as tall as its text (up to a limit set in CSS). */
export const fitTextarea = (textarea) => {
  textarea.style.height = 'auto';
  textarea.style.height = `${textarea.scrollHeight + 2}px`;
};

/**
 * One item of a conversation as a list item: a join/leave line, or a message (avatar, author and
 * time, text or attachment, reactions). How it is drawn also depends on the list:
 *   editing / confirming → the message being edited / whose deletion awaits confirmation ({ id, … })
 *   activeId → the message whose actions a tap revealed
 *   changeable → whether messages in this conversation can be changed at all (rooms only)
 *   canReply → whether messages here can be answered (rooms); canModerate → whether the reader may remove others' messages
 *   removing → the message whose removal (by a moderator) awaits a reason and confirmation ({ id, reason, … })
 *   highlightId → the message a click on a quote jumped to
 *   isMine(name) → the user's own names, for "you" in reactions
 */
export const renderItem = (
  item,
  {
    editing: editState,
    confirming: confirmState,
    removing: removeState,
    activeId,
    changeable: canChange,
    canReply,
    canModerate,
    isMine,
    isMe,
    firstUnreadId,
    highlightId,
  },
) => {
  const { short, long } = formatTime(item.timestamp);
  const time = el('time', { className: 'time', datetime: item.timestamp, title: long, text: short });
  if (item.type === 'system') {
    return el('li', { className: `system ${item.kind}`, dataset: { id: item.id } }, [
      el('span', { className: 'system-text', text: item.msg }),
      time,
    ]);
  }
  const editing = editState?.id === item.id && !item.deleted;
  const confirming = confirmState?.id === item.id && !item.deleted;
  const removing = removeState?.id === item.id && !item.deleted && !item.own;
  const changeable = canChange && !item.deleted;
  const meta = el('p', { className: 'meta' }, [
    el('span', { className: 'author', text: item.author }),
    item.own ? el('span', { className: 'visually-hidden', text: ' (you)' }) : null,
    ' ',
    time,
  ]);
  const content = [meta];
  if (item.replyTo !== undefined && !item.deleted) content.push(quoteButton(item.replyTo));
  if (item.deleted) {
    const removed = item.removed;
    const tombstone =
      removed === undefined
        ? 'This message was deleted'
        : `Removed by ${removed.by}${removed.reason !== undefined && removed.reason !== '' ? `: ${removed.reason}` : ''}`;
    content.push(el('p', { className: 'text tombstone', text: tombstone }));
  } else if (editing) {
    content.push(editor(item, editState));
  } else {
    const text = withEmoji(item.msg);
    if (text !== '' || item.editedAt !== undefined) {
      const edited =
        item.editedAt === undefined
          ? null
          : el('span', { className: 'edited', title: `Edited ${formatTime(item.editedAt).long}`, text: '(edited)' });
      content.push(
        el('p', { className: isJumbo(text) && item.attachment === undefined ? 'text jumbo' : 'text' }, [
          ...markMentions(emojiNodes(text), isMe),
          edited !== null && text !== '' ? ' ' : null,
          edited,
        ]),
      );
    }
    if (item.attachment !== undefined) content.push(attachment(item.attachment));
  }
  if (changeable && !editing && !confirming && !removing) content.push(toolbar(item, canReply, canModerate && !item.own));
  const body = [el('div', { className: 'bubble' }, content)];
  if (!item.deleted && item.reactions.length > 0) body.push(reactions(item, changeable, isMine));
  if (confirming) body.push(confirmation(item, confirmState));
  if (removing) body.push(removal(item, removeState));
  const classes = ['msg', item.own ? 'own' : '', item.deleted ? 'deleted' : '', editing ? 'editing' : ''];
  if (highlightId === item.id) classes.push('highlight');
  if (!item.own && !item.deleted && mentionsMe(item.msg, isMe)) classes.push('mentions-me');
  if (activeId === item.id) classes.push('active');
  if (firstUnreadId === item.id) classes.push('first-unread');
  return el('li', { className: classes.filter(Boolean).join(' '), dataset: { id: item.id, author: item.author } }, [
    firstUnreadId === item.id ? el('p', { className: 'unread-line', role: 'separator', text: 'New messages' }) : null,
    el('span', { className: `avatar c${colourSlot(item.author)}`, 'aria-hidden': 'true', text: initials(item.author) }),
    el('div', { className: 'body' }, body),
  ]);
};

const attachment = (file) => {
  const url = fileUrl(file.fileId);
  if (IMAGE_TYPES.has(file.type)) {
    return el(
      'a',
      {
        className: 'attachment image',
        href: url,
        target: '_blank',
        rel: 'noopener',
        title: `${file.name} · ${formatSize(file.size)}`,
      },
      el('img', { src: url, alt: file.name, loading: 'lazy', decoding: 'async' }),
    );
  }
  const kind = TYPE_LABELS[file.type] ?? (file.name.includes('.') ? file.name.split('.').pop().toUpperCase() : 'File');
  return el('a', { className: 'attachment file', href: url, download: file.name }, [
    el('span', { className: 'file-icon' }, icon('file', 20)),
    el('span', { className: 'file-text' }, [
      el('span', { className: 'file-name', text: file.name }),
      el('span', { className: 'file-meta', text: `${kind} · ${formatSize(file.size)}` }),
    ]),
    el('span', { className: 'file-download' }, icon('download', 18)),
    el('span', { className: 'visually-hidden', text: ', download' }),
  ]);
};

/**
 * The actions of a message. Reply and Remove are reached with ←/→ from the others (`roving: 'arrow'`:
 * never a Tab stop of their own), so the messages' controls stay as few Tab stops as before.
 */
const toolbar = (item, canReply, canRemove) => {
  const button = (action, label, glyph, roving = '') =>
    el(
      'button',
      {
        type: 'button',
        className: 'action',
        tabindex: '-1',
        dataset: { action, focus: action, roving },
        'aria-label': label,
        title: label,
      },
      glyph,
    );
  return el('div', { className: 'actions', role: 'group', 'aria-label': 'Message actions' }, [
    canReply ? button('reply', 'Reply', icon('reply'), 'arrow') : null,
    button('react', 'Add reaction', icon('smilePlus')),
    item.own ? button('edit', 'Edit message', icon('pencil')) : null,
    item.own ? button('delete', 'Delete message', icon('trash')) : null,
    canRemove ? button('remove', 'Remove message', icon('remove'), 'arrow') : null,
  ]);
};

const reactions = (item, changeable, isMine) => {
  const chips = item.reactions.map(({ emoji, users }) => {
    const mine = users.some((name) => isMine(name));
    const names = users.map((name) => (isMine(name) ? 'you' : name));
    const who = listNames(mine ? ['you', ...names.filter((name) => name !== 'you')] : names);
    const shown = withEmoji(emoji);
    return el(
      'li',
      {},
      el(
        changeable ? 'button' : 'span',
        {
          type: changeable ? 'button' : undefined,
          className: mine ? 'reaction mine' : 'reaction',
          tabindex: changeable ? '-1' : undefined,
          dataset: changeable ? { action: 'toggle-reaction', emoji, focus: `reaction:${emoji}`, roving: '' } : { emoji },
          'aria-pressed': changeable ? String(mine) : undefined,
          title: `${who.charAt(0).toUpperCase()}${who.slice(1)} reacted with ${shown}`,
        },
        [
          el('span', { className: 'reaction-emoji', text: shown }),
          el('span', { className: 'reaction-count', text: String(users.length) }),
          el('span', { className: 'visually-hidden', text: ` ${users.length === 1 ? 'reaction' : 'reactions'} by ${who}` }),
        ],
      ),
    );
  });
  if (changeable) {
    chips.push(
      el(
        'li',
        {},
        el(
          'button',
          {
            type: 'button',
            className: 'reaction add',
            tabindex: '-1',
            dataset: { action: 'react', focus: 'add-reaction', roving: '' },
            'aria-label': 'Add reaction',
            title: 'Add reaction',
          },
          icon('smilePlus', 16),
        ),
      ),
    );
  }
  return el('ul', { className: 'reactions', 'aria-label': 'Reactions' }, chips);
};

/** Cancel, in the editor and in the delete confirmation. */
const cancelButton = (action) =>
  el('button', { type: 'button', className: 'ghost-button small', dataset: { action, focus: action }, text: 'Cancel' });

const editor = (item, editing) => {
  const inputId = `edit-${item.id}`;
  const errorId = `edit-error-${item.id}`;
  const textarea = el('textarea', {
    className: 'edit-input',
    id: inputId,
    rows: '1',
    dataset: { focus: 'editor' },
    'aria-describedby': `${errorId} edit-hint-${item.id}`,
    'aria-invalid': editing.error !== '' ? 'true' : undefined,
  });
  textarea.value = editing.value;
  requestAnimationFrame(() => fitTextarea(textarea));
  return el('div', { className: 'editor' }, [
    el('label', { className: 'visually-hidden', for: inputId, text: 'Edit message' }),
    textarea,
    el('p', { className: 'edit-error', id: errorId, role: 'alert', text: editing.error }),
    el('div', { className: 'edit-bar' }, [
      el('span', { className: 'edit-hint', id: `edit-hint-${item.id}` }, [
        el('kbd', { text: 'Enter' }),
        ' saves · ',
        el('kbd', { text: 'Esc' }),
        ' cancels',
      ]),
      cancelButton('cancel-edit'),
      el('button', {
        type: 'button',
        className: 'primary-button small',
        dataset: { action: 'save-edit', focus: 'save-edit' },
        'aria-busy': editing.busy ? 'true' : undefined,
        disabled: editing.busy,
        text: 'Save',
      }),
    ]),
  ]);
};

const confirmation = (item, confirming) => {
  const labelId = `confirm-${item.id}`;
  return el('div', { className: 'confirm', role: 'group', 'aria-labelledby': labelId }, [
    el('span', { className: 'confirm-text', id: labelId, text: 'Delete this message for everyone?' }),
    confirming.error !== '' ? el('span', { className: 'confirm-error', role: 'alert', text: confirming.error }) : null,
    el('span', { className: 'confirm-buttons' }, [
      cancelButton('cancel-delete'),
      el('button', {
        type: 'button',
        className: 'danger-button small',
        dataset: { action: 'confirm-delete', focus: 'confirm-delete' },
        disabled: confirming.busy,
        'aria-busy': confirming.busy ? 'true' : undefined,
        text: 'Delete',
      }),
    ]),
  ]);
};

/** A moderator removing someone's message: an optional reason, then Remove (Enter) or Cancel (Escape). */
const removal = (item, removing) => {
  const labelId = `remove-${item.id}`;
  const inputId = `remove-reason-${item.id}`;
  const reason = el('input', {
    type: 'text',
    className: 'reason-input',
    id: inputId,
    maxlength: '1000',
    autocomplete: 'off',
    dataset: { focus: 'remove-reason' },
  });
  reason.value = removing.reason;
  return el('div', { className: 'confirm removal', role: 'group', 'aria-labelledby': labelId }, [
    el('span', { className: 'confirm-text', id: labelId, text: 'Remove this message?' }),
    el('span', { className: 'reason-field' }, [
      el('label', { className: 'reason-label', for: inputId, text: 'Reason (optional)' }),
      reason,
    ]),
    removing.error !== '' ? el('span', { className: 'confirm-error', role: 'alert', text: removing.error }) : null,
    el('span', { className: 'confirm-buttons' }, [
      cancelButton('cancel-remove'),
      el('button', {
        type: 'button',
        className: 'danger-button small',
        dataset: { action: 'confirm-remove', focus: 'confirm-remove' },
        disabled: removing.busy,
        'aria-busy': removing.busy ? 'true' : undefined,
        text: 'Remove',
      }),
    ]),
  ]);
};
