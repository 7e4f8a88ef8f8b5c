import { loadEmoji } from './emoji.js';
import { refusalText } from './format.js';
import { newClientId } from './ids.js';

/** How long a message typed while offline waits for the connection before the page gives up. */
const SEND_WAIT_MS = 30000;
/** `@name text` in a room goes privately to name. */
const WHISPER = /^@([^\s@]+)\s+(\S[\s\S]*)$/;

/**
 * The message box and sending: Enter sends (Shift+Enter is a new line), ↑ in an empty box edits
 * the last own message, `@name text` in a room whispers, a pasted file becomes the attachment and
 * the emoji button inserts at the cursor. A message waits for the connection, and trying it again
 * reuses its clientId, so it can never arrive twice. A room message answers the message chosen with
 * Reply, if any (its quote shows above the box; Escape cancels it). The error and note lines under
 * the box live here too; a refusal says how long to wait (slow mode) or until when (muted).
 */
export class Composer {
  constructor({ ui, state, connection, attachments, typing, inbox, messageList, picker, replies, render }) {
    Object.assign(this, { ui, state, connection, attachments, typing, inbox, messageList, picker, replies, render });
    /** What was last tried (conversation, text, file) and its clientId: trying it again can never duplicate it. */
    this.attempt = null;
    this.sending = false;
    const { input, form, send, emojiButton } = ui;

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      // After a click on Send, the next message is typed in the box again.
      if (document.activeElement === send) input.focus();
      this.send();
    });

    input.addEventListener('keydown', (event) => {
      const plain = !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey && !event.isComposing;
      if (event.key === 'Enter' && plain) {
        event.preventDefault();
        this.send();
      } else if (event.key === 'Escape' && plain && replies.cancel()) {
        event.preventDefault();
      } else if (event.key === 'ArrowUp' && plain && input.value === '' && state.current().kind === 'room') {
        // ↑ in an empty box edits your last message.
        const last = state.current().lastOwnMessage();
        if (last === undefined) return;
        event.preventDefault();
        messageList.startEdit(last, input);
      }
    });

    input.addEventListener('input', () => {
      this.autosize();
      this.clearError();
      typing.input(state.current(), input.value);
    });

    input.addEventListener('paste', (event) => {
      const file = event.clipboardData?.files?.[0];
      if (file === undefined) return;
      event.preventDefault();
      attachments.add(file);
    });

    emojiButton.addEventListener('click', () =>
      picker.open(emojiButton, { label: 'Insert an emoji', onPick: (text) => this.insertAtCursor(text) }),
    );
    // Start fetching the emoji data as soon as someone heads for the button.
    emojiButton.addEventListener('pointerenter', () => loadEmoji().catch(() => undefined), { once: true });
  }

  async send() {
    const { ui, state, connection, attachments } = this;
    const text = ui.input.value;
    const conv = state.current();
    const withFile = attachments.has();
    if ((text.trim() === '' && !withFile) || this.sending) return;
    const whisper = conv.kind === 'room' ? WHISPER.exec(text.trim()) : null;
    const replyTo = whisper === null ? this.replies.target(conv) : null;
    this.sending = true;
    ui.send.setAttribute('aria-busy', 'true');
    this.clearError();
    this.typing.stop();
    try {
      let fileId = null;
      if (withFile) {
        this.setNote('Uploading the file…');
        try {
          fileId = await attachments.ready();
        } catch (error) {
          this.fail(error.message);
          return;
        }
        this.setNote('');
      }
      const key = JSON.stringify([conv.key, text, fileId, replyTo?.id ?? null]);
      const clientId = this.attempt !== null && this.attempt.key === key ? this.attempt.clientId : newClientId();
      this.attempt = { key, clientId };
      if (!state.ready) {
        this.setNote('Waiting for the connection… your message goes out as soon as it is back.');
        if (!(await connection.whenReady(SEND_WAIT_MS))) {
          this.fail('Not sent: still no connection. Your message is kept; press Enter to try again.');
          return;
        }
      }
      const target = whisper !== null ? whisper[1] : conv.kind === 'dm' ? conv.name : null;
      const event = target !== null ? 'private_message' : 'message';
      const payload =
        target !== null ? { target, msg: whisper !== null ? whisper[2] : text, clientId } : { room: conv.name, msg: text, clientId };
      if (fileId !== null) payload.fileId = fileId;
      if (replyTo !== null) payload.replyTo = replyTo.id;
      let answer;
      try {
        answer = await connection.ask(event, payload);
      } catch {
        this.fail('The server did not answer. Your message is kept; press Enter to try again.');
        return;
      }
      if (answer?.ok !== true) {
        this.fail(refusalText(answer?.error, 'The message was not sent.'));
        return;
      }
      this.attempt = null;
      this.replies.sent(conv, replyTo);
      const message = answer.message;
      if (event === 'message')
        this.inbox.receive(state.room(typeof message?.room === 'string' ? message.room : conv.name), message, {
          announce: false,
          follow: true,
        });
      else this.inbox.receive(state.dm(message?.to ?? target), message, { announce: false, follow: true });
      this.setNote(whisper !== null ? `Sent privately to ${whisper[1]}.` : '');
      if (fileId !== null && attachments.pending?.id === fileId) attachments.clear();
      if (state.isCurrent(conv) && ui.input.value === text) {
        ui.input.value = '';
        this.autosize();
      }
      if (conv.draft === text) conv.draft = '';
      if (state.isCurrent(conv)) this.messageList.scrollToBottom();
      this.render();
    } finally {
      this.sending = false;
      ui.send.removeAttribute('aria-busy');
    }
  }

  /** Not sent: the note goes, the reason shows. */
  fail(message) {
    this.setNote('');
    this.showError(message);
  }

  showError(message) {
    const { ui } = this;
    ui.error.textContent = message;
    ui.form.classList.add('has-error');
    ui.input.setAttribute('aria-invalid', 'true');
  }

  clearError() {
    const { ui } = this;
    if (ui.error.textContent === '') return;
    ui.error.textContent = '';
    ui.form.classList.remove('has-error');
    ui.input.removeAttribute('aria-invalid');
  }

  setNote(text) {
    if (this.ui.note.textContent !== text) this.ui.note.textContent = text;
  }

  autosize() {
    const { input } = this.ui;
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 180)}px`;
  }

  /** What is typed now (kept as the draft of the conversation being left). */
  get text() {
    return this.ui.input.value;
  }

  /** Another conversation's draft in the box (or an empty box), without errors or notes. */
  load(draft) {
    this.ui.input.value = draft;
    this.autosize();
    this.clearError();
    this.setNote('');
    this.replies.render();
  }

  /** Someone else now: an empty box. */
  reset() {
    this.ui.input.value = '';
    this.autosize();
    this.clearError();
    this.replies.render();
  }

  focus() {
    this.ui.input.focus();
  }

  /** Puts `text` where the cursor is in the message box (replacing a selection). */
  insertAtCursor(text) {
    const { input } = this.ui;
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    input.focus();
    input.setRangeText(text, start, end, 'end');
    this.autosize();
    this.clearError();
    this.typing.input(this.state.current(), input.value);
  }
}
