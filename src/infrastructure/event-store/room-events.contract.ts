import type { EventStore, NewEvent } from '../../application/ports/event-store.port';
import { joined, sent, withMetadata, type StoreHarness } from './store-fixtures';

const moderation = (type: string, userId: string): NewEvent =>
  withMetadata({ type, data: { room: 'General', userId, username: userId, byUserId: 'mod', byUsername: 'mod', at: 1 } } as Omit<
    NewEvent,
    'metadata'
  >);
const removed = (seq: number): NewEvent =>
  withMetadata({
    type: 'MessageRemoved',
    data: { room: 'General', messageId: `m${seq}`, userId: 'u1', byUserId: 'mod', byUsername: 'mod' },
  });

/**
 * A test helper, not production code: how every EventStore adapter reads the events of a room that
 * are not about its messages: its moderation (the audit) and its state (members, roles, bans).
 */
export const roomEventsContract = (name: string, harness: StoreHarness): void => {
  describe(`${name} event store: a room's moderation and state`, () => {
    let store: EventStore;

    beforeEach(async () => {
      store = await harness.create();
    });

    afterEach(async () => {
      await store.close();
    });

    it('reads the moderation events of a room between two versions, in order, up to a limit', async () => {
      // versions:                 1            2        3                          4        5                               6          7
      await store.append(
        'room-a',
        [joined('u1'), sent(1), moderation('MemberMuted', 'u1'), sent(2), moderation('MemberKicked', 'u1'), removed(1), joined('u2')],
        0,
      );
      await store.append('room-b', [moderation('MemberBanned', 'u9')], 0);
      const read = async (
        afterVersion: number,
        beforeVersion: number,
        limit: number,
        kind: 'moderation' | 'state' = 'moderation',
        stream = 'room-a',
      ) => (await store.readRoomEvents(stream, kind, { afterVersion, beforeVersion }, limit)).map((e) => [e.type, e.version]);

      expect(await read(0, 100, 10)).toEqual([
        ['MemberMuted', 3],
        ['MemberKicked', 5],
        ['MessageRemoved', 6],
      ]);
      expect(await read(3, 100, 10)).toEqual([
        ['MemberKicked', 5],
        ['MessageRemoved', 6],
      ]);
      expect(await read(0, 6, 10)).toEqual([
        ['MemberMuted', 3],
        ['MemberKicked', 5],
      ]);
      expect(await read(0, 100, 1)).toEqual([['MemberMuted', 3]]);
      expect(await read(0, 100, 0)).toEqual([]);
      expect(await read(0, 100, 10, 'moderation', 'room-none')).toEqual([]);
      expect(await read(0, 100, 10, 'moderation', 'room-b')).toEqual([['MemberBanned', 1]]);
      // The state is everything but the messages and the changes to them.
      expect(await read(0, 100, 10, 'state')).toEqual([
        ['MemberJoined', 1],
        ['MemberMuted', 3],
        ['MemberKicked', 5],
        ['MessageRemoved', 6],
        ['MemberJoined', 7],
      ]);
      const [muted] = await store.readRoomEvents('room-a', 'moderation', { afterVersion: 0, beforeVersion: 4 }, 1);
      expect(muted).toEqual((await store.readStream('room-a', 3))[0]);
    });

    it('counts a removed message as gone in unread counts', async () => {
      await store.append('room-a', [sent(1), sent(2), removed(1)], 0);
      expect(await store.countMessages('room-a', { after: 0, before: 3 }, 'u2')).toBe(1);
    });
  });
};
