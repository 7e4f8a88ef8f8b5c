import { el, setHidden } from './dom.js';
import { colourSlot, formatTime, initials } from './format.js';

/** Within this distance of the bottom the view follows new messages. */
const STICKY_PX = 80;
/** Within this distance of the top the older page is fetched. */
const TOP_PX = 120;
/** Consecutive messages of one author within this time share one header. */
const GROUP_MS = 5 * 60 * 1000;

/**
 * The visible conversation. Its list items mirror `conversation.items` one to one, so an item
 * inserted at index i goes in before the i-th child.
 */
export class MessageList {
  constructor({ scroller, list, marker, markerText, loadOlder, historyStart, onNearTop }) {
    Object.assign(this, { scroller, list, marker, markerText, loadOlder, historyStart, onNearTop });
    this.conversation = null;
    this.unseen = 0;
    scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    marker.addEventListener('click', () => {
      this.scrollToBottom();
      this.scroller.focus({ preventScroll: true });
    });
  }

  show(conversation) {
    if (this.conversation !== null) this.conversation.scroll = this.atBottom() ? null : this.scroller.scrollTop;
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
    const appended = index === this.list.children.length - 1;
    if (stick) this.scrollToBottom();
    else if (!appended && node.getBoundingClientRect().top < this.scroller.getBoundingClientRect().top) {
      // Put in above what the reader is looking at (a late arrival): keep the view where it was.
      this.scroller.scrollTop = top + (this.scroller.scrollHeight - before);
    } else if (appended && item.type === 'message') this.setUnseen(this.unseen + 1);
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
    this.scroller.scrollTop = top + (this.scroller.scrollHeight - before);
  }

  updateTop() {
    const conversation = this.conversation;
    if (conversation === null) return;
    const room = conversation.kind === 'room';
    setHidden(this.loadOlder, !(room && conversation.hasOlder));
    this.loadOlder.disabled = conversation.loadingOlder;
    this.loadOlder.textContent = conversation.loadingOlder ? 'Loading earlier messages…' : 'Load earlier messages';
    this.loadOlder.setAttribute('aria-busy', String(conversation.loadingOlder));
    setHidden(this.historyStart, !(conversation.loaded && !conversation.hasOlder));
    this.historyStart.textContent = room
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

  render(item) {
    const { short, long } = formatTime(item.timestamp);
    const time = el('time', { className: 'time', datetime: item.timestamp, title: long, text: short });
    if (item.type === 'system') {
      return el('li', { className: `system ${item.kind}`, dataset: { id: item.id } }, [
        el('span', { className: 'system-text', text: item.msg }),
        time,
      ]);
    }
    const author = el('span', { className: 'author', text: item.author });
    const meta = el('p', { className: 'meta' }, [
      author,
      item.own ? el('span', { className: 'visually-hidden', text: ' (you)' }) : null,
      ' ',
      time,
    ]);
    return el('li', { className: item.own ? 'msg own' : 'msg', dataset: { id: item.id, author: item.author } }, [
      el('span', { className: `avatar c${colourSlot(item.author)}`, 'aria-hidden': 'true', text: initials(item.author) }),
      el('div', { className: 'bubble' }, [meta, el('p', { className: 'text', text: item.msg })]),
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
}
