import { firstLine } from './conversation.js';
import { el, setHidden } from './dom.js';
import { withEmoji } from './emoji.js';

/** How many older pages a jump to a quoted message may fetch before it gives up. */
const MAX_PAGES = 200;

/** What a quote says of the message it quotes. */
const quoted = (replyTo) => {
  if (replyTo.deleted) return 'Original message deleted';
  if (replyTo.author === undefined) return 'an earlier message';
  return replyTo.msg === '' ? 'a file' : withEmoji(replyTo.msg);
};

/**
 * The quote above a reply: who wrote the original and its first line (or that it was deleted). It is
 * a button: a click (or Enter) jumps to the original.
 */
export const quoteButton = (replyTo) => {
  const author = replyTo.author ?? 'Reply';
  const text = quoted(replyTo);
  return el(
    'button',
    {
      type: 'button',
      className: replyTo.deleted ? 'reply-quote deleted' : 'reply-quote',
      tabindex: '-1',
      dataset: { action: 'jump-reply', focus: 'quote', roving: 'arrow' },
      'aria-label': `Reply to ${replyTo.author ?? 'an earlier message'}: “${text}” (show the original)`,
      title: 'Show the original message',
    },
    [el('span', { className: 'quote-author', text: author }), el('span', { className: 'quote-text', text })],
  );
};

/**
 * Replies: Reply on a message puts its quote above the message box (the open conversation's, kept
 * per conversation; × or Escape cancels it), and the message sent next answers it. A click on a
 * reply's quote scrolls to the original and marks it, fetching older pages until it is there.
 */
export class Replies {
  constructor({ state, ui, messageList, messageHistory, showError, focusComposer, announce }) {
    Object.assign(this, { state, ui, messageList, messageHistory, showError, focusComposer, announce });
    ui.cancel.addEventListener('click', () => {
      this.cancel();
      this.focusComposer();
    });
  }

  /** Reply to `item` of the open conversation. */
  start(item) {
    const attachment = item.attachment?.name ?? '';
    this.state.current().replyTo = { id: item.id, author: item.author, msg: firstLine(item.msg) || attachment };
    this.render();
    this.announce(`Replying to ${item.author}`);
    this.focusComposer();
  }

  /** No reply any more in the open conversation; false when there was none. */
  cancel() {
    const conversation = this.state.current();
    if (conversation.replyTo === null) return false;
    conversation.replyTo = null;
    this.render();
    return true;
  }

  /** The message the open conversation's next message answers, if any. */
  target(conversation) {
    return conversation.kind === 'room' ? conversation.replyTo : null;
  }

  /** `conversation`'s message `id` was sent: what it answered is done. */
  sent(conversation, replyTo) {
    if (replyTo === null || conversation.replyTo?.id !== replyTo.id) return;
    conversation.replyTo = null;
    this.render();
  }

  /** The quote above the message box, for the open conversation. */
  render() {
    const { ui } = this;
    const target = this.target(this.state.current());
    setHidden(ui.bar, target === null);
    const described = ['composer-help', 'composer-error', target === null ? null : ui.quote.id].filter(Boolean).join(' ');
    if (ui.input.getAttribute('aria-describedby') !== described) ui.input.setAttribute('aria-describedby', described);
    if (target === null) return;
    ui.author.textContent = target.author;
    ui.text.textContent = target.msg === '' ? 'a file' : withEmoji(target.msg);
  }

  /** Scrolls to the message `item` answers, fetching older pages of the open conversation until it is on screen. */
  async jumpTo(item) {
    const target = item.replyTo;
    const conversation = this.state.current();
    if (target === undefined) return;
    for (let pages = 0; pages <= MAX_PAGES; pages++) {
      if (!this.state.isCurrent(conversation)) return;
      if (this.messageList.reveal(target.id)) return;
      const oldest = conversation.items.find((candidate) => candidate.type === 'message');
      // Already back before it (it is gone), or nothing older to fetch.
      if (target.seq !== undefined && oldest !== undefined && oldest.seq > 0 && oldest.seq < target.seq) break;
      if (!conversation.hasOlder) break;
      // A page that could not be fetched has said so already.
      if (!(await this.messageHistory.older(conversation))) return;
    }
    if (this.state.isCurrent(conversation)) this.showError('The original message is no longer in this conversation.');
  }
}
