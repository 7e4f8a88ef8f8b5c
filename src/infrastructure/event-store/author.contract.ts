import type { EventStore } from '../../application/ports/event-store.port';
import { joined, privateMessage, reacted, sent, withMetadata, type StoreHarness } from './store-fixtures';

const uploaded = (fileId: string, uploaderId: string) =>
  withMetadata({
    type: 'FileUploaded',
    data: { fileId, name: `${fileId}.png`, type: 'image/png', size: 1, uploaderId, sha256: 'x' },
  });

const privateReaction = (messageId: string, userId: string, fromUserId: string, toUserId: string) =>
  withMetadata({ type: 'PrivateReactionAdded', data: { messageId, fromUserId, toUserId, userId, username: userId, emoji: '👍' } });

/**
 * A test helper, not production code: how every EventStore adapter reads what one user made across
 * streams (their room messages, reactions and uploads), by type, page by page in log order.
 */
export const authorContract = (name: string, harness: StoreHarness): void => {
  describe(`${name} event store: what a user made, across streams`, () => {
    let store: EventStore;

    beforeEach(async () => {
      store = await harness.create();
    });

    afterEach(async () => {
      await store.close();
    });

    it('reads one type of what a user made, in every stream, oldest first, after a position and up to a limit', async () => {
      await store.append('room-General', [joined('u1'), joined('u2'), sent(1, 'u1'), sent(2, 'u2'), sent(3, 'u1')], 0);
      await store.append('room-Other', [joined('u1', 'Other'), sent(1, 'u1', 'c-1', 'Other')], 0);
      await store.append('room-General', [reacted(2, 'u1'), reacted(1, 'u2'), sent(4, 'u1')], 5);
      await store.append('session-u2', [privateMessage('p1', undefined, 'u2', 'u1')], 0);
      await store.append('session-u1', [privateReaction('p1', 'u1', 'u2', 'u1')], 0);
      await store.append('session-u2', [privateReaction('p1', 'u2', 'u2', 'u1')], 1);
      await store.append('file-f1', [uploaded('f1', 'u1')], 0);
      await store.append('file-f2', [uploaded('f2', 'u2')], 0);

      const made = async (userId: string, type: Parameters<EventStore['readAuthored']>[1], after = 0, limit = 100) =>
        (await store.readAuthored(userId, type, after, limit)).map((event) => [event.streamId, event.version]);
      expect(await made('u1', 'MessageSent')).toEqual([
        ['room-General', 3],
        ['room-General', 5],
        ['room-Other', 2],
        ['room-General', 8],
      ]);
      expect(await made('u2', 'MessageSent')).toEqual([['room-General', 4]]);
      expect(await made('u1', 'ReactionAdded')).toEqual([['room-General', 6]]);
      expect(await made('u2', 'ReactionAdded')).toEqual([['room-General', 7]]);
      expect(await made('u1', 'PrivateReactionAdded')).toEqual([['session-u1', 1]]);
      expect(await made('u2', 'PrivateReactionAdded')).toEqual([['session-u2', 2]]);
      expect(await made('u1', 'FileUploaded')).toEqual([['file-f1', 1]]);
      expect(await made('u2', 'FileUploaded')).toEqual([['file-f2', 1]]);
      expect(await made('u9', 'MessageSent')).toEqual([]);

      // Pages: after the last position of the one before.
      const [first, second] = await store.readAuthored('u1', 'MessageSent', 0, 2);
      expect(first).toEqual((await store.readStream('room-General', 3, 1))[0]);
      expect(await made('u1', 'MessageSent', second!.position, 2)).toEqual([
        ['room-Other', 2],
        ['room-General', 8],
      ]);
      expect(await made('u1', 'MessageSent', second!.position, 1)).toEqual([['room-Other', 2]]);
      expect(await made('u1', 'MessageSent', Number.MAX_SAFE_INTEGER)).toEqual([]);
      expect(await made('u1', 'MessageSent', 0, 0)).toEqual([]);
    });
  });
};
