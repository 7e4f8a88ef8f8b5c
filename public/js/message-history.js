import { getHistory } from './rest-client.js';

/** Message history over REST (newest first there): earlier pages as the reader scrolls up, or as a quote's original is sought. */
export class MessageHistory {
  constructor({ state, messageList, showError }) {
    Object.assign(this, { state, messageList, showError });
  }

  /**
   * The page before the oldest message shown. Resolves with whether a page came in; a call while
   * one is being fetched waits for that one.
   */
  older(conversation) {
    conversation.olderPage ??= this.fetchOlder(conversation).finally(() => {
      conversation.olderPage = undefined;
    });
    return conversation.olderPage;
  }

  async fetchOlder(conversation) {
    const { state, messageList } = this;
    if (!conversation.hasOlder) return false;
    const before = conversation.oldestMessageId();
    if (before === undefined) return false;
    conversation.loadingOlder = true;
    if (state.isCurrent(conversation)) messageList.updateTop();
    try {
      const page = await getHistory(conversation, before);
      const added = [];
      for (const message of Array.isArray(page.messages) ? page.messages : []) {
        const result = conversation.addMessage(message, state.isAuthor);
        if (result !== null) added.push(result);
      }
      conversation.hasOlder = page.hasMore === true;
      if (state.isCurrent(conversation)) {
        // Positions shift as each one goes in; recompute them against the final order.
        messageList.insertOlder(added.map(({ item }) => ({ item, index: conversation.items.indexOf(item) })));
      }
      return true;
    } catch {
      if (state.isCurrent(conversation)) this.showError('Could not load earlier messages. Scroll up to try again.');
      return false;
    } finally {
      conversation.loadingOlder = false;
      if (state.isCurrent(conversation)) messageList.updateTop();
    }
  }
}
