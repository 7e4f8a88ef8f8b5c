import { setHidden } from './dom.js';
import { MessageControls } from './message-controls.js';
import { renderItem } from './message-view.js';

/** Within this distance of the bottom the view follows new messages. */
const STICKY_PX = 80;
/** Within this distance of the top the older page is fetched. */
const TOP_PX = 120;
/** Consecutive messages of one author within this time share one header. */
const GROUP_MS = 5 * 60 * 1000;

/**
 * The visible conversation. Its list items mirror `conversation.items` one to one, so an item
 * inserted at index i goes in before the i-th child. The list follows new messages while the reader
 * is at the bottom, counts the ones below the view otherwise (the "new messages" marker), keeps the
 * view in place when something goes in above it, and asks for older messages (`onOlder`) near the
 * top or with the "Load earlier messages" button.
 *
 * The controls on messages are message-controls.js's. `actions` does the talking to the server:
 *   enabled(conversation) → whether messages there can be changed at all (rooms and private conversations)
 *   canReply(conversation), canModerate(conversation) → whether Reply, and Remove on others' messages, are offered
 *   isMine(name), isMe(lowercased name) (whom a mention names), react(item, emoji), pickReaction(item, anchor),
 *   edit(item, text) → Promise<error message | null>, remove(item) → Promise<error message | null>,
 *   reply(item), jumpTo(item) (to the message it answers), removeMessage(item, reason) → Promise<error message | null>,
 *   focusComposer()
 */
export class MessageList {
  constructor({ scroller, list, marker, markerText, loadOlder, historyStart, onOlder, actions }) {
    Object.assign(this, { scroller, list, marker, markerText, loadOlder, historyStart, onOlder, actions });
    this.conversation = null;
    this.unseen = 0;
    /** The message a quote jumped to, marked for a moment. */
    this.highlightId = null;
    this.highlightTimer = undefined;
    scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    scroller.addEventListener('click', (event) => {
      if (event.target.closest('#load-older') !== null) this.onOlder();
    });
    marker.addEventListener('click', () => {
      this.scrollToBottom();
      this.scroller.focus({ preventScroll: true });
    });
    this.controls = new MessageControls(this, list, actions);
  }

  show(conversation) {
    if (this.conversation !== null) this.conversation.scroll = this.atBottom() ? null : this.scroller.scrollTop;
    if (this.conversation !== conversation) this.controls.reset();
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
    this.controls.updateRoving();
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
    this.controls.updateRoving();
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
    this.controls.forgetDeleted(item);
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
    this.controls.updateRoving();
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
    this.controls.updateRoving();
    this.scroller.scrollTop = top + (this.scroller.scrollHeight - before);
  }

  /** Shortcodes that arrived before the emoji data are drawn again once it is there. */
  refreshTexts() {
    const conversation = this.conversation;
    if (conversation === null) return;
    conversation.items.forEach((item, index) => {
      if (item.type === 'message' && item.msg.includes(':') && this.controls.editing?.id !== item.id) this.refresh(index);
    });
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
    if (this.scroller.scrollTop <= TOP_PX) this.onOlder();
  }

  setUnseen(count) {
    this.unseen = count;
    setHidden(this.marker, count === 0);
    this.markerText.textContent = count === 1 ? '1 new message' : `${count} new messages`;
  }

  render(item) {
    const { controls, conversation, actions } = this;
    return renderItem(item, {
      editing: controls.editing,
      confirming: controls.confirming,
      removing: controls.removing,
      activeId: controls.activeId,
      changeable: conversation !== null && actions.enabled(conversation),
      canReply: conversation !== null && actions.canReply(conversation),
      canModerate: conversation !== null && actions.canModerate(conversation),
      highlightId: this.highlightId,
      isMine: (name) => actions.isMine(name),
      isMe: (lowercased) => actions.isMe(lowercased),
      firstUnreadId: conversation?.firstUnreadId,
    });
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

  /** Edits an own message in place; `returnTo` gets focus back afterwards (else its Edit button). */
  startEdit(item, returnTo = null) {
    this.controls.startEdit(item, returnTo);
  }

  /**
   * Brings message `id` into the middle of the view, marks it for a few seconds and moves focus to
   * it (for screen readers); false when it is not in the list.
   */
  reveal(id) {
    const index = this.conversation?.items.findIndex((item) => item.id === id) ?? -1;
    const node = this.list.children[index];
    if (node === undefined) return false;
    for (const marked of this.list.querySelectorAll('li.msg.highlight')) marked.classList.remove('highlight');
    this.highlightId = id;
    node.classList.add('highlight');
    node.scrollIntoView({ block: 'center' });
    node.tabIndex = -1;
    node.focus({ preventScroll: true });
    clearTimeout(this.highlightTimer);
    this.highlightTimer = setTimeout(() => {
      this.highlightId = null;
      for (const marked of this.list.querySelectorAll('li.msg.highlight')) marked.classList.remove('highlight');
    }, 4000);
    return true;
  }

  /** Focuses the control `key` of message `id`; false when it is not on screen. */
  focusIn(id, key) {
    return this.controls.focusIn(id, key);
  }
}
