import { el, icon, setHidden } from './dom.js';
import { emojiNodes, isJumbo, withEmoji } from './emoji.js';
import { colourSlot, formatSize, formatTime, initials, listNames } from './format.js';

/** Within this distance of the bottom the view follows new messages. */
const STICKY_PX = 80;
/** Within this distance of the top the older page is fetched. */
const TOP_PX = 120;
/** Consecutive messages of one author within this time share one header. */
const GROUP_MS = 5 * 60 * 1000;
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const TYPE_LABELS = { 'application/pdf': 'PDF', 'text/plain': 'Text' };

const fileUrl = (fileId) => `/api/files/${encodeURIComponent(fileId)}`;

/**
 * The visible conversation. Its list items mirror `conversation.items` one to one, so an item
 * inserted at index i goes in before the i-th child.
 *
 * In rooms a message has a few actions, shown on hover or keyboard focus (or a tap on a phone):
 * add a reaction, and for one's own messages edit (inline: Enter saves, Escape cancels) and delete
 * (after an inline confirmation). The controls of all messages are one Tab stop: ↑/↓ move between
 * messages (a roving tabindex), so the message box stays a few Tabs away. `actions` does the
 * talking to the server:
 *   enabled(conversation) → whether messages there can be changed at all (rooms only)
 *   isMine(name), react(item, emoji), pickReaction(item, anchor),
 *   edit(item, text) → Promise<error message | null>, remove(item) → Promise<error message | null>,
 *   focusComposer()
 */
export class MessageList {
  constructor({ scroller, list, marker, markerText, loadOlder, historyStart, onNearTop, actions }) {
    Object.assign(this, { scroller, list, marker, markerText, loadOlder, historyStart, onNearTop, actions });
    this.conversation = null;
    this.unseen = 0;
    /** The message being edited: { id, value, error, busy, returnTo }. */
    this.editing = null;
    /** The message whose deletion awaits confirmation: { id, error, busy }. */
    this.confirming = null;
    /** The message whose actions a tap revealed (phones). */
    this.activeId = null;
    /** The message whose controls are in the Tab order. */
    this.rovingId = null;
    scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    marker.addEventListener('click', () => {
      this.scrollToBottom();
      this.scroller.focus({ preventScroll: true });
    });
    list.addEventListener('click', (event) => this.onClick(event));
    list.addEventListener('keydown', (event) => this.onKey(event));
    list.addEventListener('focusin', (event) => {
      const row = event.target.closest?.('li.msg');
      if (event.target.dataset?.roving !== undefined && row?.dataset.id !== this.rovingId) {
        this.rovingId = row.dataset.id;
        this.updateRoving();
      }
    });
    list.addEventListener('input', (event) => {
      if (event.target.matches('.edit-input') && this.editing !== null) {
        this.editing.value = event.target.value;
        fitTextarea(event.target);
      }
    });
  }

  show(conversation) {
    if (this.conversation !== null) this.conversation.scroll = this.atBottom() ? null : this.scroller.scrollTop;
    if (this.conversation !== conversation) {
      this.editing = null;
      this.confirming = null;
      this.activeId = null;
    }
    this.conversation = conversation;
    this.scroller.setAttribute(
      'aria-label',
      conversation.kind === 'room' ? `Messages in ${conversation.name}` : `Private messages with ${conversation.name}`,
    );
    const fragment = document.createDocumentFragment();
    for (const item of conversation.items) fragment.append(this.render(item));
    this.list.replaceChildren(fragment);
    conversation.items.forEach((_, index) => this.regroup(index));
    this.updateTop();
    this.updateRoving();
    this.setUnseen(0);
    if (conversation.scroll === null) this.scrollToBottom();
    else this.scroller.scrollTop = conversation.scroll;
  }

  /** One new item of the visible conversation, already placed at `index` in its items. */
  insert(index, item, { follow = false } = {}) {
    const stick = follow || this.atBottom();
    const before = this.scroller.scrollHeight;
    const top = this.scroller.scrollTop;
    const node = this.render(item);
    this.list.insertBefore(node, this.list.children[index] ?? null);
    this.regroup(index);
    this.regroup(index + 1);
    this.updateRoving();
    const appended = index === this.list.children.length - 1;
    if (stick) this.scrollToBottom();
    else if (!appended && node.getBoundingClientRect().top < this.scroller.getBoundingClientRect().top) {
      // Put in above what the reader is looking at (a late arrival): keep the view where it was.
      this.scroller.scrollTop = top + (this.scroller.scrollHeight - before);
    } else if (appended && item.type === 'message') this.setUnseen(this.unseen + 1);
  }

  /** The item at `index` changed (edited, deleted, reactions): its node is drawn again, focus kept. */
  refresh(index) {
    const item = this.conversation?.items[index];
    const old = this.list.children[index];
    if (item === undefined || old === undefined) return;
    if (this.editing?.id === item.id && item.deleted) this.editing = null;
    if (this.confirming?.id === item.id && item.deleted) this.confirming = null;
    const stick = this.atBottom();
    const top = this.scroller.scrollTop;
    const above = old.getBoundingClientRect().bottom <= this.scroller.getBoundingClientRect().top;
    const heightBefore = this.scroller.scrollHeight;
    const focused = old.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = focused?.dataset?.focus;
    const selection = focused?.matches?.('textarea') ? [focused.selectionStart, focused.selectionEnd] : null;
    const node = this.render(item);
    old.replaceWith(node);
    this.regroup(index);
    this.updateRoving();
    if (focused !== null) {
      const again = focusKey === undefined ? null : node.querySelector(`[data-focus="${window.CSS.escape(focusKey)}"]`);
      if (again !== null) {
        again.focus({ preventScroll: true });
        if (selection !== null) again.setSelectionRange(selection[0], selection[1]);
      } else this.actions.focusComposer();
    }
    if (stick) this.scrollToBottom();
    else if (above) this.scroller.scrollTop = top + (this.scroller.scrollHeight - heightBefore);
  }

  /** Older messages put in at the top, keeping what the reader looks at in place. */
  insertOlder(entries) {
    const before = this.scroller.scrollHeight;
    const top = this.scroller.scrollTop;
    for (const { index, item } of entries.sort((a, b) => a.index - b.index)) {
      this.list.insertBefore(this.render(item), this.list.children[index] ?? null);
    }
    for (let index = 0; index <= entries.length && index < this.list.children.length; index++) this.regroup(index);
    this.updateTop();
    this.updateRoving();
    this.scroller.scrollTop = top + (this.scroller.scrollHeight - before);
  }

  /** Shortcodes that arrived before the emoji data are drawn again once it is there. */
  refreshTexts() {
    const conversation = this.conversation;
    if (conversation === null) return;
    conversation.items.forEach((item, index) => {
      if (item.type === 'message' && item.msg.includes(':') && this.editing?.id !== item.id) this.refresh(index);
    });
  }

  /**
   * Exactly one message has its controls in the Tab order: the one last focused, or else the
   * newest one that has controls.
   */
  updateRoving() {
    let row = this.rovingId === null ? null : this.list.querySelector(`li.msg[data-id="${window.CSS.escape(this.rovingId)}"]`);
    if (row === null || row.querySelector('[data-roving]') === null) {
      const rows = this.list.querySelectorAll('li.msg');
      row = null;
      for (let i = rows.length - 1; i >= 0 && row === null; i--) if (rows[i].querySelector('[data-roving]') !== null) row = rows[i];
    }
    this.rovingId = row?.dataset.id ?? null;
    for (const control of this.list.querySelectorAll('[data-roving][tabindex="0"]')) if (!row?.contains(control)) control.tabIndex = -1;
    if (row !== null) for (const control of row.querySelectorAll('[data-roving]')) control.tabIndex = 0;
  }

  updateTop() {
    const conversation = this.conversation;
    if (conversation === null) return;
    setHidden(this.loadOlder, !conversation.hasOlder);
    this.loadOlder.disabled = conversation.loadingOlder;
    this.loadOlder.textContent = conversation.loadingOlder ? 'Loading earlier messages…' : 'Load earlier messages';
    this.loadOlder.setAttribute('aria-busy', String(conversation.loadingOlder));
    setHidden(this.historyStart, !(conversation.loaded && !conversation.hasOlder));
    this.historyStart.textContent =
      conversation.kind === 'room'
        ? `This is the beginning of ${conversation.name}.`
        : `This is the beginning of your private conversation with ${conversation.name}.`;
  }

  atBottom() {
    const { scrollHeight, scrollTop, clientHeight } = this.scroller;
    return scrollHeight - scrollTop - clientHeight <= STICKY_PX;
  }

  scrollToBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.setUnseen(0);
  }

  onScroll() {
    if (this.unseen > 0 && this.atBottom()) this.setUnseen(0);
    if (this.scroller.scrollTop <= TOP_PX) this.onNearTop();
  }

  setUnseen(count) {
    this.unseen = count;
    setHidden(this.marker, count === 0);
    this.markerText.textContent = count === 1 ? '1 new message' : `${count} new messages`;
  }

  // ------------------------------------------------------------ drawing

  render(item) {
    const { short, long } = formatTime(item.timestamp);
    const time = el('time', { className: 'time', datetime: item.timestamp, title: long, text: short });
    if (item.type === 'system') {
      return el('li', { className: `system ${item.kind}`, dataset: { id: item.id } }, [
        el('span', { className: 'system-text', text: item.msg }),
        time,
      ]);
    }
    const editing = this.editing?.id === item.id && !item.deleted;
    const confirming = this.confirming?.id === item.id && !item.deleted;
    const changeable = this.conversation !== null && this.actions.enabled(this.conversation) && !item.deleted;
    const meta = el('p', { className: 'meta' }, [
      el('span', { className: 'author', text: item.author }),
      item.own ? el('span', { className: 'visually-hidden', text: ' (you)' }) : null,
      ' ',
      time,
    ]);
    const content = [meta];
    if (item.deleted) {
      content.push(el('p', { className: 'text tombstone', text: 'This message was deleted' }));
    } else if (editing) {
      content.push(this.editor(item));
    } else {
      const text = withEmoji(item.msg);
      if (text !== '' || item.editedAt !== undefined) {
        const edited =
          item.editedAt === undefined
            ? null
            : el('span', { className: 'edited', title: `Edited ${formatTime(item.editedAt).long}`, text: '(edited)' });
        content.push(
          el('p', { className: isJumbo(text) && item.attachment === undefined ? 'text jumbo' : 'text' }, [
            ...emojiNodes(text),
            edited !== null && text !== '' ? ' ' : null,
            edited,
          ]),
        );
      }
      if (item.attachment !== undefined) content.push(this.attachment(item.attachment));
    }
    if (changeable && !editing && !confirming) content.push(this.toolbar(item));
    const body = [el('div', { className: 'bubble' }, content)];
    if (!item.deleted && item.reactions.length > 0) body.push(this.reactions(item, changeable));
    if (confirming) body.push(this.confirmation(item));
    const classes = ['msg', item.own ? 'own' : '', item.deleted ? 'deleted' : '', editing ? 'editing' : ''];
    if (this.activeId === item.id) classes.push('active');
    return el('li', { className: classes.filter(Boolean).join(' '), dataset: { id: item.id, author: item.author } }, [
      el('span', { className: `avatar c${colourSlot(item.author)}`, 'aria-hidden': 'true', text: initials(item.author) }),
      el('div', { className: 'body' }, body),
    ]);
  }

  attachment(file) {
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
  }

  toolbar(item) {
    const button = (action, label, glyph) =>
      el(
        'button',
        {
          type: 'button',
          className: 'action',
          tabindex: '-1',
          dataset: { action, focus: action, roving: '' },
          'aria-label': label,
          title: label,
        },
        glyph,
      );
    return el('div', { className: 'actions', role: 'group', 'aria-label': 'Message actions' }, [
      button('react', 'Add reaction', icon('smilePlus')),
      item.own ? button('edit', 'Edit message', icon('pencil')) : null,
      item.own ? button('delete', 'Delete message', icon('trash')) : null,
    ]);
  }

  reactions(item, changeable) {
    const chips = item.reactions.map(({ emoji, users }) => {
      const mine = users.some((name) => this.actions.isMine(name));
      const names = users.map((name) => (this.actions.isMine(name) ? 'you' : name));
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
  }

  editor(item) {
    const editing = this.editing;
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
        el('button', {
          type: 'button',
          className: 'ghost-button small',
          dataset: { action: 'cancel-edit', focus: 'cancel-edit' },
          text: 'Cancel',
        }),
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
  }

  confirmation(item) {
    const confirming = this.confirming;
    const labelId = `confirm-${item.id}`;
    return el('div', { className: 'confirm', role: 'group', 'aria-labelledby': labelId }, [
      el('span', { className: 'confirm-text', id: labelId, text: 'Delete this message for everyone?' }),
      confirming.error !== '' ? el('span', { className: 'confirm-error', role: 'alert', text: confirming.error }) : null,
      el('span', { className: 'confirm-buttons' }, [
        el('button', {
          type: 'button',
          className: 'ghost-button small',
          dataset: { action: 'cancel-delete', focus: 'cancel-delete' },
          text: 'Cancel',
        }),
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
  }

  /** A message right after one of the same author shows no second header. */
  regroup(index) {
    const node = this.list.children[index];
    const item = this.conversation?.items[index];
    if (node === undefined || item === undefined || item.type !== 'message') return;
    const previous = this.conversation.items[index - 1];
    const grouped =
      previous !== undefined && previous.type === 'message' && previous.author === item.author && item.time - previous.time < GROUP_MS;
    node.classList.toggle('grouped', grouped);
  }

  // ------------------------------------------------------------ acting on messages

  itemOf(node) {
    const id = node?.closest('li.msg')?.dataset.id;
    if (id === undefined || this.conversation === null) return { item: undefined, index: -1 };
    const index = this.conversation.items.findIndex((item) => item.id === id);
    return { item: this.conversation.items[index], index };
  }

  redraw(id) {
    const index = this.conversation?.items.findIndex((item) => item.id === id) ?? -1;
    if (index >= 0) this.refresh(index);
    return this.list.children[index];
  }

  focusIn(id, key) {
    const node = this.list.querySelector(`li.msg[data-id="${window.CSS.escape(id)}"] [data-focus="${window.CSS.escape(key)}"]`);
    if (node !== null) node.focus();
    return node !== null;
  }

  onClick(event) {
    const button = event.target.closest('button[data-action]');
    const { item } = this.itemOf(event.target);
    if (item === undefined) return;
    if (button === null) {
      // A tap on a message (not on a link) shows its actions on touch screens.
      if (event.target.closest('a, textarea') !== null) return;
      if (event.pointerType !== 'touch' && !window.matchMedia('(hover: none)').matches) return;
      const previous = this.activeId;
      this.activeId = previous === item.id ? null : item.id;
      for (const node of this.list.querySelectorAll('li.msg.active')) node.classList.remove('active');
      if (this.activeId !== null) event.target.closest('li.msg').classList.add('active');
      return;
    }
    switch (button.dataset.action) {
      case 'react':
        this.actions.pickReaction(item, button);
        return;
      case 'toggle-reaction':
        this.actions.react(item, button.dataset.emoji);
        return;
      case 'edit':
        this.startEdit(item, button);
        return;
      case 'save-edit':
        this.saveEdit(item);
        return;
      case 'cancel-edit':
        this.cancelEdit(item);
        return;
      case 'delete':
        this.startDelete(item);
        return;
      case 'confirm-delete':
        this.confirmDelete(item);
        return;
      case 'cancel-delete':
        this.cancelDelete(item);
        return;
      default:
    }
  }

  onKey(event) {
    if (
      event.target.dataset?.roving !== undefined &&
      (event.key === 'ArrowUp' || event.key === 'ArrowDown' || event.key === 'ArrowLeft' || event.key === 'ArrowRight') &&
      !event.altKey &&
      !event.ctrlKey &&
      !event.metaKey &&
      !event.shiftKey
    ) {
      event.preventDefault();
      this.moveFocus(event.target, event.key);
      return;
    }
    if (event.target.matches('.edit-input')) {
      const { item } = this.itemOf(event.target);
      if (item === undefined) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        this.cancelEdit(item);
      } else if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey && !event.isComposing) {
        event.preventDefault();
        this.saveEdit(item);
      }
    } else if (event.key === 'Escape' && event.target.closest('.confirm') !== null) {
      const { item } = this.itemOf(event.target);
      if (item === undefined) return;
      event.preventDefault();
      event.stopPropagation();
      this.cancelDelete(item);
    }
  }

  /** ←/→ go through one message's controls, ↑/↓ to the same kind of control of the previous or next message. */
  moveFocus(control, key) {
    const row = control.closest('li.msg');
    if (key === 'ArrowLeft' || key === 'ArrowRight') {
      const controls = [...row.querySelectorAll('[data-roving]')];
      const next = controls[controls.indexOf(control) + (key === 'ArrowRight' ? 1 : -1)];
      next?.focus();
      return;
    }
    const rows = [...this.list.querySelectorAll('li.msg')];
    const step = key === 'ArrowDown' ? 1 : -1;
    for (let i = rows.indexOf(row) + step; i >= 0 && i < rows.length; i += step) {
      const controls = rows[i].querySelectorAll('[data-roving]');
      if (controls.length === 0) continue;
      const same = [...controls].find((other) => other.dataset.focus === control.dataset.focus);
      const target = same ?? controls[0];
      target.focus();
      target.closest('li.msg').scrollIntoView({ block: 'nearest' });
      return;
    }
  }

  /** Edits an own message in place; `returnTo` gets focus back afterwards (else its Edit button). */
  startEdit(item, returnTo = null) {
    if (!item.own || item.deleted) return;
    const previous = this.editing;
    if (previous !== null && previous.id !== item.id) {
      this.editing = null;
      this.redraw(previous.id);
    }
    if (this.confirming?.id === item.id) this.confirming = null;
    this.editing = { id: item.id, value: item.msg, error: '', busy: false, returnTo };
    const node = this.redraw(item.id);
    const input = node?.querySelector('.edit-input');
    if (input) {
      input.focus({ preventScroll: true });
      input.setSelectionRange(input.value.length, input.value.length);
      node.scrollIntoView({ block: 'nearest' });
    }
  }

  cancelEdit(item) {
    if (this.editing?.id !== item.id) return;
    const { returnTo } = this.editing;
    this.editing = null;
    this.redraw(item.id);
    this.returnFocus(item, returnTo, 'edit');
  }

  async saveEdit(item) {
    const editing = this.editing;
    if (editing?.id !== item.id || editing.busy) return;
    const text = editing.value;
    if (text.trim() === item.msg.trim()) return this.cancelEdit(item);
    if (text.trim() === '') {
      editing.error = 'A message cannot be empty. Delete it instead.';
      this.redraw(item.id);
      return;
    }
    editing.busy = true;
    editing.error = '';
    this.redraw(item.id);
    const error = await this.actions.edit(item, text);
    if (this.editing !== editing) return;
    editing.busy = false;
    if (error !== null) {
      editing.error = error;
      this.redraw(item.id);
      this.focusIn(item.id, 'editor');
      return;
    }
    this.editing = null;
    this.redraw(item.id);
    this.returnFocus(item, editing.returnTo, 'edit');
  }

  startDelete(item) {
    if (!item.own || item.deleted) return;
    if (this.editing?.id === item.id) this.editing = null;
    const previous = this.confirming;
    this.confirming = { id: item.id, error: '', busy: false };
    if (previous !== null && previous.id !== item.id) this.redraw(previous.id);
    const node = this.redraw(item.id);
    this.focusIn(item.id, 'cancel-delete');
    node?.scrollIntoView({ block: 'nearest' });
  }

  cancelDelete(item) {
    if (this.confirming?.id !== item.id) return;
    this.confirming = null;
    this.redraw(item.id);
    this.returnFocus(item, null, 'delete');
  }

  async confirmDelete(item) {
    const confirming = this.confirming;
    if (confirming?.id !== item.id || confirming.busy) return;
    confirming.busy = true;
    this.redraw(item.id);
    const error = await this.actions.remove(item);
    if (this.confirming !== confirming) return;
    confirming.busy = false;
    if (error !== null) {
      confirming.error = error;
      this.redraw(item.id);
      this.focusIn(item.id, 'confirm-delete');
      return;
    }
    this.confirming = null;
    this.redraw(item.id);
    this.actions.focusComposer();
  }

  returnFocus(item, returnTo, key) {
    if (returnTo !== null && returnTo?.isConnected) returnTo.focus();
    else if (!this.focusIn(item.id, key)) this.actions.focusComposer();
  }
}

/** A textarea as tall as its text (up to a limit set in CSS). */
export const fitTextarea = (textarea) => {
  textarea.style.height = 'auto';
  textarea.style.height = `${textarea.scrollHeight + 2}px`;
};
