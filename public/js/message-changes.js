import { normaliseEmoji } from './emoji.js';

const NO_ANSWER = 'The server did not answer. Try again.';

/** Where a conversation's messages are changed: `{ room }`, or `{ with }` for a private conversation. */
const where = (conversation) => (conversation.kind === 'room' ? { room: conversation.name } : { with: conversation.name });

/**
 * What the actions on a message (in a room or a private conversation) ask of the server: toggle a
 * reaction, pick one in the emoji picker, edit, delete. Edits and deletions resolve with an error
 * message, or null when done.
 */
export class MessageChanges {
  constructor({ state, connection, inbox, messageList, picker, showError, announce, focusComposer }) {
    Object.assign(this, { state, connection, inbox, messageList, picker, showError, announce, focusComposer });
  }

  /** The conversation a message on screen belongs to. */
  conversation() {
    return this.state.current();
  }

  async react(item, picked) {
    const conversation = this.conversation();
    // A chip toggles exactly its own emoji; a picked one is spelled the common way.
    const emoji = item.reactions.some((reaction) => reaction.emoji === picked) ? picked : normaliseEmoji(picked);
    try {
      const answer = await this.connection.ask('react', { ...where(conversation), messageId: item.id, emoji });
      if (answer?.ok !== true) this.showError(answer?.error?.message ?? 'The reaction was not saved.');
    } catch {
      this.showError(NO_ANSWER);
    }
  }

  pickReaction(item, anchor) {
    this.picker.open(anchor, {
      label: 'Choose a reaction',
      onPick: async (picked) => {
        const emoji = normaliseEmoji(picked);
        if (anchor.isConnected) anchor.focus();
        await this.react(item, emoji);
        // Focus follows to the reaction itself once it is drawn.
        if (document.activeElement === document.body || !document.activeElement?.isConnected) {
          if (!this.messageList.focusIn(item.id, `reaction:${emoji}`)) this.focusComposer();
        }
      },
    });
  }

  async edit(item, text) {
    const conversation = this.conversation();
    try {
      const answer = await this.connection.ask('edit_message', { ...where(conversation), messageId: item.id, msg: text });
      if (answer?.ok !== true) return answer?.error?.message ?? 'The message was not changed.';
      const message = answer.message;
      this.inbox.change({ id: item.id, msg: message?.msg ?? text, editedAt: message?.editedAt }, conversation);
      return null;
    } catch {
      return NO_ANSWER;
    }
  }

  async remove(item) {
    const conversation = this.conversation();
    try {
      const answer = await this.connection.ask('delete_message', { ...where(conversation), messageId: item.id });
      if (answer?.ok !== true) return answer?.error?.message ?? 'The message was not deleted.';
      this.inbox.change({ id: item.id, deleted: true }, conversation);
      this.announce('Message deleted.');
      return null;
    } catch {
      return NO_ANSWER;
    }
  }
}
