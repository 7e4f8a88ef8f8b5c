import type { EventStore } from '../../application/ports/event-store.port';
import { joined, privateMessage, sent, withMetadata, type StoreHarness } from './store-fixtures';

/**
 * A test helper, not production code: how every EventStore adapter reads a private conversation
 * (its messages live in the senders' session streams): by the pair of users and position, both
 * ways, with the changes to its messages for a catch-up, and its unread count.
 */
export const conversationContract = (name: string, harness: StoreHarness): void => {
  describe(`${name} event store: private conversations`, () => {
    let store: EventStore;

    beforeEach(async () => {
      store = await harness.create();
    });

    afterEach(async () => {
      await store.close();
    });

    it('reads a private conversation, both directions, newest first, before a position', async () => {
      await store.append('session-u1', [privateMessage('p1', 'c-1', 'u1', 'u2'), privateMessage('p2', undefined, 'u1', 'u3')], 0);
      await store.append('session-u2', [privateMessage('p3', undefined, 'u2', 'u1')], 0);
      await store.append('room-a', [joined('u1'), sent(1, 'u1')], 0);
      await store.append('session-u1', [privateMessage('p4', 'c-2', 'u1', 'u2'), privateMessage('p5', undefined, 'u1', 'u1')], 2);
      await store.append('session-u3', [privateMessage('p6', undefined, 'u3', 'u2')], 0);
      const ids = async (a: string, b: string, before: number, limit: number) =>
        (await store.readConversation(a, b, before, limit)).map((e) => (e.data as { messageId: string }).messageId);
      const all = Number.MAX_SAFE_INTEGER;

      expect(await ids('u1', 'u2', all, 10)).toEqual(['p4', 'p3', 'p1']);
      expect(await ids('u2', 'u1', all, 10)).toEqual(['p4', 'p3', 'p1']);
      expect(await ids('u1', 'u2', all, 2)).toEqual(['p4', 'p3']);
      const [p4] = await store.readConversation('u1', 'u2', all, 1);
      expect(p4).toEqual((await store.readStream('session-u1', 3))[0]);
      expect(await ids('u1', 'u2', p4!.position, 10)).toEqual(['p3', 'p1']);
      const [p3] = await store.readConversation('u2', 'u1', p4!.position, 1);
      expect(await ids('u2', 'u1', p3!.position, 10)).toEqual(['p1']);
      expect(await ids('u1', 'u2', 1, 10)).toEqual([]);
      expect(await ids('u3', 'u1', all, 10)).toEqual(['p2']);
      expect(await ids('u1', 'u1', all, 10)).toEqual(['p5']);
      expect(await ids('u2', 'u3', all, 10)).toEqual(['p6']);
      expect(await ids('u1', 'u9', all, 10)).toEqual([]);
      expect(await ids('u1', 'u2', all, 0)).toEqual([]);

      // After a position, oldest first: what a client catching up reads.
      const after = async (a: string, b: string, from: number, limit: number) =>
        (await store.readConversationAfter(a, b, from, limit)).map((e) => (e.data as { messageId: string }).messageId);
      expect(await after('u1', 'u2', 0, 10)).toEqual(['p1', 'p3', 'p4']);
      expect(await after('u2', 'u1', 0, 2)).toEqual(['p1', 'p3']);
      expect(await after('u2', 'u1', p3!.position, 10)).toEqual(['p4']);
      expect(await after('u1', 'u2', p4!.position, 10)).toEqual([]);
      expect(await after('u1', 'u1', 0, 10)).toEqual(['p5']);
      expect(await after('u1', 'u2', 0, 0)).toEqual([]);

      // Changes to a message carry its pair: a catch-up reads them in order, history pages do not.
      const about = { messageId: 'p3', fromUserId: 'u2', toUserId: 'u1' };
      await store.append(
        'session-u1',
        [withMetadata({ type: 'PrivateReactionAdded', data: { ...about, userId: 'u1', username: 'one', emoji: '👍' } })],
        4,
      );
      await store.append('session-u2', [withMetadata({ type: 'PrivateMessageEdited', data: { ...about, text: 'edited' } })], 1);
      const [edited] = await store.readStream('session-u2', 2);
      expect((await store.readConversationAfter('u1', 'u2', p4!.position, 10)).map((e) => [e.type, e.streamId])).toEqual([
        ['PrivateReactionAdded', 'session-u1'],
        ['PrivateMessageEdited', 'session-u2'],
      ]);
      expect(await ids('u1', 'u2', all, 10)).toEqual(['p4', 'p3', 'p1']);
      expect(await ids('u1', 'u2', edited!.position + 1, 1)).toEqual(['p4']);
      // An unread count: u1's messages to u2 between two positions, not deleted (p4 is deleted below).
      expect(await store.countConversation('u2', 'u1', { after: 0, before: all }, 'u1')).toBe(2);
      expect(await store.countConversation('u2', 'u1', { after: 0, before: p4!.position }, 'u1')).toBe(1);
      expect(await store.countConversation('u1', 'u2', { after: 0, before: all }, 'u2')).toBe(1);
      await store.append(
        'session-u1',
        [withMetadata({ type: 'PrivateMessageDeleted', data: { messageId: 'p4', fromUserId: 'u1', toUserId: 'u2' } })],
        5,
      );
      expect(await store.countConversation('u2', 'u1', { after: 0, before: all }, 'u1')).toBe(1);
      expect(await store.countConversation('u2', 'u1', { after: p4!.position, before: p4!.position + 1 }, 'u1')).toBe(0);
      expect(await store.readMessageEvents('session-u2', ['p3'])).toEqual([
        expect.objectContaining({ type: 'PrivateMessageSent' }),
        expect.objectContaining({ type: 'PrivateMessageEdited' }),
      ]);
    });
  });
};
