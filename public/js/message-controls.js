import { fitTextarea } from './message-view.js';

/**
 * What a reader does to the messages on screen. In rooms a message has a few actions, shown on
 * hover or keyboard focus (or a tap on a phone): reply, add a reaction, for one's own messages edit
 * (inline: Enter saves, Escape cancels) and delete (after an inline confirmation), and for a
 * moderator, remove someone else's (with an optional reason, after an inline confirmation). A
 * reply's quote jumps to the original. The controls of all messages are one Tab stop: ↑/↓ move
 * between messages (a roving tabindex), ←/→ within one (Reply, Remove and the quote are reached
 * only so), and the message box stays a few Tabs away. `messages` is the MessageList (its conversation, and drawing an item
 * again); `actions` does the talking to the server (see MessageList).
 */
export class MessageControls {
  constructor(messages, list, actions) {
    Object.assign(this, { messages, list, actions });
    /** The message being edited: { id, value, error, busy, returnTo }. */
    this.editing = null;
    /** The message whose deletion awaits confirmation: { id, error, busy }. */
    this.confirming = null;
    /** Someone else's message a moderator is removing: { id, reason, error, busy }. */
    this.removing = null;
    /** The message whose actions a tap revealed (phones). */
    this.activeId = null;
    /** The message whose controls are in the Tab order. */
    this.rovingId = null;
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
      } else if (event.target.matches('.reason-input') && this.removing !== null) this.removing.reason = event.target.value;
    });
  }

  /** Another conversation is shown: nothing is being edited, confirmed or revealed there. */
  reset() {
    this.editing = null;
    this.confirming = null;
    this.removing = null;
    this.activeId = null;
  }

  /** `item` was deleted (by anyone): editing it or confirming its deletion ends. */
  forgetDeleted(item) {
    if (this.editing?.id === item.id && item.deleted) this.editing = null;
    if (this.confirming?.id === item.id && item.deleted) this.confirming = null;
    if (this.removing?.id === item.id && item.deleted) this.removing = null;
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
    // Controls marked `arrow` (Reply, Remove, a reply's quote) are reached with ←/→ only.
    if (row !== null)
      for (const control of row.querySelectorAll('[data-roving]')) control.tabIndex = control.dataset.roving === 'arrow' ? -1 : 0;
  }

  itemOf(node) {
    const id = node?.closest('li.msg')?.dataset.id;
    if (id === undefined || this.messages.conversation === null) return { item: undefined, index: -1 };
    const index = this.messages.conversation.items.findIndex((item) => item.id === id);
    return { item: this.messages.conversation.items[index], index };
  }

  redraw(id) {
    const index = this.messages.conversation?.items.findIndex((item) => item.id === id) ?? -1;
    if (index >= 0) this.messages.refresh(index);
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
      case 'reply':
        this.actions.reply(item);
        return;
      case 'jump-reply':
        this.actions.jumpTo(item);
        return;
      case 'remove':
        this.startRemove(item);
        return;
      case 'confirm-remove':
        this.confirmRemove(item);
        return;
      case 'cancel-remove':
        this.cancelRemove(item);
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
      if (event.target.closest('.removal') !== null) this.cancelRemove(item);
      else this.cancelDelete(item);
    } else if (event.key === 'Enter' && event.target.matches('.reason-input') && !event.isComposing) {
      const { item } = this.itemOf(event.target);
      if (item === undefined) return;
      event.preventDefault();
      this.confirmRemove(item);
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

  /** A moderator removes someone else's message: a reason may be given first. */
  startRemove(item) {
    if (item.own || item.deleted) return;
    if (this.confirming?.id === item.id) this.confirming = null;
    const previous = this.removing;
    this.removing = { id: item.id, reason: '', error: '', busy: false };
    if (previous !== null && previous.id !== item.id) this.redraw(previous.id);
    const node = this.redraw(item.id);
    this.focusIn(item.id, 'remove-reason');
    node?.scrollIntoView({ block: 'nearest' });
  }

  cancelRemove(item) {
    if (this.removing?.id !== item.id) return;
    this.removing = null;
    this.redraw(item.id);
    this.returnFocus(item, null, 'remove');
  }

  async confirmRemove(item) {
    const removing = this.removing;
    if (removing?.id !== item.id || removing.busy) return;
    removing.busy = true;
    removing.error = '';
    this.redraw(item.id);
    const error = await this.actions.removeMessage(item, removing.reason.trim());
    if (this.removing !== removing) return;
    removing.busy = false;
    if (error !== null) {
      removing.error = error;
      this.redraw(item.id);
      this.focusIn(item.id, 'confirm-remove');
      return;
    }
    this.removing = null;
    this.redraw(item.id);
    this.actions.focusComposer();
  }

  returnFocus(item, returnTo, key) {
    if (returnTo !== null && returnTo?.isConnected) returnTo.focus();
    else if (!this.focusIn(item.id, key)) this.actions.focusComposer();
  }
}
