import {
  ConcurrencyError,
  DuplicateClientIdError,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '../../application/ports/event-store.port';
import { authorContract } from './author.contract';
import { conversationContract } from './conversation.contract';
import { roomEventsContract } from './room-events.contract';
import { edited, joined, privateMessage, reacted, sent, withMetadata, type StoreHarness } from './store-fixtures';

export { joined, privateMessage, sent, type StoreHarness } from './store-fixtures';

const collect = (store: EventStore, from: number) => {
  const seen: RecordedEvent[] = [];
  const subscription = store.subscribe(from, (event) => seen.push(event));
  return { seen, subscription };
};

const until = async (condition: () => boolean, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
};

export const eventStoreContract = (name: string, harness: StoreHarness): void => {
  describe(`${name} event store`, () => {
    let store: EventStore;
    const opened: EventStore[] = [];

    beforeEach(async () => {
      store = await harness.create();
      opened.push(store);
    });

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it('appends to a new stream at expected version 0 and numbers versions and positions from 1', async () => {
      const result = await store.append('room-a', [joined('u1'), joined('u2')], 0);
      expect(result.nextVersion).toBe(2);
      expect(result.events.map((e) => [e.streamId, e.version, e.position])).toEqual([
        ['room-a', 1, 1],
        ['room-a', 2, 2],
      ]);
    });

    it('keeps type, data and metadata exactly', async () => {
      const event = joined('u1');
      await store.append('room-a', [event], 0);
      const [read] = await store.readStream('room-a');
      expect(read).toEqual({ ...event, streamId: 'room-a', version: 1, position: 1 });
    });

    it('refuses an append when the stream moved, and stores nothing of it', async () => {
      await store.append('room-a', [joined('u1')], 0);
      await expect(store.append('room-a', [joined('u2'), joined('u3')], 0)).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.append('room-a', [joined('u2')], 5)).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await store.readStream('room-a')).toHaveLength(1);
      expect(await store.headPosition()).toBe(1);
    });

    it('refuses expected version 0 for a stream that exists', async () => {
      await store.append('room-a', [joined('u1')], 0);
      await expect(store.append('room-a', [joined('u2')], 0)).rejects.toMatchObject({ streamId: 'room-a', actual: 1 });
    });

    it("appends at 'any' version", async () => {
      await store.append('room-a', [joined('u1')], 'any');
      const result = await store.append('room-a', [joined('u2')], 'any');
      expect(result.nextVersion).toBe(2);
    });

    it('lets exactly one of two racing appends at the same version win', async () => {
      await store.append('room-a', [joined('u1')], 0);
      const results = await Promise.allSettled([store.append('room-a', [joined('u2')], 1), store.append('room-a', [joined('u3')], 1)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConcurrencyError)).toHaveLength(1);
    });

    it('reads a stream from a version, up to a limit, and an unknown stream as empty', async () => {
      await store.append('room-a', [joined('u1'), joined('u2'), joined('u3')], 0);
      expect((await store.readStream('room-a', 2)).map((e) => e.version)).toEqual([2, 3]);
      expect((await store.readStream('room-a', 2, 1)).map((e) => e.version)).toEqual([2]);
      expect((await store.readStream('room-a', 1, 5)).map((e) => e.version)).toEqual([1, 2, 3]);
      expect(await store.readStream('room-a', 1, 0)).toEqual([]);
      expect(await store.readStream('room-none')).toEqual([]);
    });

    it('reads a stream backwards before a version, newest first, up to a limit', async () => {
      await store.append('room-a', [joined('u1'), joined('u2'), joined('u3'), joined('u4'), joined('u5')], 0);
      await store.append('room-b', [joined('u6', 'Random'), joined('u7', 'Random')], 0);
      const versions = async (beforeVersion: number, limit: number, stream = 'room-a') =>
        (await store.readStreamBackward(stream, beforeVersion, limit)).map((e) => [e.streamId, e.version]);

      expect(await versions(6, 2)).toEqual([
        ['room-a', 5],
        ['room-a', 4],
      ]);
      expect(await versions(4, 10)).toEqual([
        ['room-a', 3],
        ['room-a', 2],
        ['room-a', 1],
      ]);
      expect(await versions(100, 1)).toEqual([['room-a', 5]]);
      expect(await versions(1, 10)).toEqual([]);
      expect(await versions(6, 0)).toEqual([]);
      expect(await versions(10, 10, 'room-none')).toEqual([]);
      const [newest] = await store.readStreamBackward('room-b', 3, 1);
      expect(newest).toEqual((await store.readStream('room-b', 2))[0]);
    });

    it("reads a room's messages by seq: after one oldest first, before one newest first", async () => {
      await store.append('room-a', [joined('u1'), sent(1), sent(2), joined('u2'), edited(1, 'changed'), sent(3), sent(4)], 0);
      await store.append('room-b', [sent(1, 'u9', undefined, 'Random'), sent(2, 'u9', undefined, 'Random')], 0);
      const seqs = async (range: { after: number } | { before: number }, limit: number, stream = 'room-a') =>
        (await store.readMessages(stream, range, limit)).map((e) => [e.type, (e.data as { seq: number }).seq]);

      expect(await seqs({ after: 1 }, 2)).toEqual([
        ['MessageSent', 2],
        ['MessageSent', 3],
      ]);
      expect(await seqs({ after: 0 }, 100)).toHaveLength(4);
      expect(await seqs({ after: 4 }, 10)).toEqual([]);
      expect(await seqs({ before: 4 }, 2)).toEqual([
        ['MessageSent', 3],
        ['MessageSent', 2],
      ]);
      expect(await seqs({ before: 1 }, 10)).toEqual([]);
      expect(await seqs({ before: 100 }, 0)).toEqual([]);
      expect(await seqs({ after: 0 }, 10, 'room-none')).toEqual([]);
      const [second] = await store.readMessages('room-a', { after: 1 }, 1);
      expect(second).toEqual((await store.readStream('room-a', 3))[0]);
    });

    it("counts a room's messages in a seq range by others, without deleted ones", async () => {
      const deleted = (seq: number): NewEvent =>
        withMetadata({ type: 'MessageDeleted', data: { room: 'General', messageId: `m${seq}`, userId: 'u1' } });
      await store.append('room-a', [sent(1), sent(2, 'u2'), sent(3), sent(4), joined('u2'), deleted(3), sent(5, 'u2'), sent(6)], 0);
      await store.append('room-b', [sent(1, 'u9', undefined, 'Random'), sent(2, 'u9', undefined, 'Random')], 0);
      expect(await store.countMessages('room-a', { after: 0, before: 7 }, 'u2')).toBe(3); // 1, 4, 6 (3 is deleted)
      expect(await store.countMessages('room-a', { after: 0, before: 7 }, 'u1')).toBe(2); // 2, 5
      expect(await store.countMessages('room-a', { after: 1, before: 6 }, 'u2')).toBe(1); // 4
      expect(await store.countMessages('room-a', { after: 4, before: 5 }, 'u2')).toBe(0);
      expect(await store.countMessages('room-none', { after: 0, before: 100 }, 'u2')).toBe(0);
    });

    it('reads every event about some messages, in stream order, and nothing else', async () => {
      await store.append('room-a', [sent(1), sent(2), reacted(1, 'u2'), edited(2, 'two'), sent(3), edited(1, 'one'), reacted(3, 'u3')], 0);
      await store.append('room-b', [sent(1, 'u9', undefined, 'Random')], 0);
      const events = await store.readMessageEvents('room-a', ['m1', 'm2']);
      expect(events.map((e) => [e.type, e.version])).toEqual([
        ['MessageSent', 1],
        ['MessageSent', 2],
        ['ReactionAdded', 3],
        ['MessageEdited', 4],
        ['MessageEdited', 6],
      ]);
      expect(await store.readMessageEvents('room-a', [])).toEqual([]);
      expect(await store.readMessageEvents('room-a', ['m404'])).toEqual([]);
    });

    it("refuses a second message with its sender's client id in a stream, and stores nothing of it", async () => {
      await store.append('room-a', [joined('u1'), sent(1, 'u1', 'c-1')], 0);
      const resend = store.append('room-a', [sent(2, 'u1', 'c-1')], 2);
      await expect(resend).rejects.toBeInstanceOf(DuplicateClientIdError);
      await expect(resend).rejects.toMatchObject({ streamId: 'room-a', senderId: 'u1', clientId: 'c-1' });
      expect(await store.readStream('room-a')).toHaveLength(2);
      expect(await store.headPosition()).toBe(2);

      // Another sender, another stream, or no client id at all: all fine.
      await store.append('room-a', [sent(2, 'u2', 'c-1'), sent(3, 'u1'), sent(4, 'u1')], 2);
      await store.append('room-b', [sent(1, 'u1', 'c-1', 'Random')], 0);
      expect((await store.findByClientId('room-a', 'u1', 'c-1'))?.version).toBe(2);
      expect((await store.findByClientId('room-a', 'u2', 'c-1'))?.version).toBe(3);
      expect(await store.findByClientId('room-a', 'u1', 'c-2')).toBeUndefined();
    });

    it('keeps private messages to one per client id of their sender too', async () => {
      await store.append('session-u1', [privateMessage('p1', 'c-1')], 0);
      await expect(store.append('session-u1', [privateMessage('p2', 'c-1')], 1)).rejects.toBeInstanceOf(DuplicateClientIdError);
      expect((await store.findByClientId('session-u1', 'u1', 'c-1'))?.data).toMatchObject({ messageId: 'p1' });
      expect((await store.readMessageEvents('session-u1', ['p1'])).map((e) => e.version)).toEqual([1]);
    });

    it('saves a snapshot under a name, replaces it, and answers undefined for one never saved', async () => {
      expect(await store.readSnapshot('read-models')).toBeUndefined();
      await store.writeSnapshot('read-models', { schema: 'v1', position: 7, data: '{"a":1}' });
      await store.writeSnapshot('stream:room-a', { schema: 'room/1', position: 3, data: '"x"' });
      expect(await store.readSnapshot('read-models')).toEqual({ schema: 'v1', position: 7, data: '{"a":1}' });
      await store.writeSnapshot('read-models', { schema: 'v2', position: 9, data: 'é'.repeat(100_000) });
      expect(await store.readSnapshot('read-models')).toEqual({ schema: 'v2', position: 9, data: 'é'.repeat(100_000) });
      expect(await store.readSnapshot('stream:room-a')).toEqual({ schema: 'room/1', position: 3, data: '"x"' });
    });

    it('reads every message that carries a file, in rooms and private conversations, in log order', async () => {
      const attachment = { fileId: 'f1', name: 'cat.png', type: 'image/png', size: 3 };
      const withFile = (event: NewEvent): NewEvent => ({ ...event, data: { ...(event.data as object), attachment } }) as NewEvent;
      await store.append('room-a', [joined('u1'), withFile(sent(1)), sent(2)], 0);
      await store.append(
        'session-u1',
        [withFile(privateMessage('p1', undefined, 'u1', 'u2')), privateMessage('p2', undefined, 'u1', 'u2')],
        0,
      );
      await store.append('room-b', [withFile(sent(1, 'u2', undefined, 'Random'))], 0);
      const shares = await store.readFileShares('f1');
      expect(shares.map((e) => [e.streamId, e.type])).toEqual([
        ['room-a', 'MessageSent'],
        ['session-u1', 'PrivateMessageSent'],
        ['room-b', 'MessageSent'],
      ]);
      expect(await store.readFileShares('f2')).toEqual([]);
    });

    it('orders all streams by a global position that only grows', async () => {
      await store.append('room-a', [joined('u1')], 0);
      await store.append('room-b', [joined('u2')], 0);
      await store.append('room-a', [joined('u3')], 1);
      const all = await store.readAll(0, 10);
      expect(all.map((e) => [e.streamId, e.version])).toEqual([
        ['room-a', 1],
        ['room-b', 1],
        ['room-a', 2],
      ]);
      expect(all.map((e) => e.position)).toEqual([1, 2, 3]);
      expect(await store.headPosition()).toBe(3);
    });

    it('reads all events after a position, up to a limit', async () => {
      for (let i = 0; i < 5; i++) await store.append(`room-${i}`, [joined('u')], 0);
      expect((await store.readAll(2, 2)).map((e) => e.position)).toEqual([3, 4]);
      expect(await store.readAll(5, 10)).toEqual([]);
    });

    it('reports head position 0 when empty', async () => {
      expect(await store.headPosition()).toBe(0);
    });

    it('subscribes from a position: stored events first, then live ones, each once and in order', async () => {
      await store.append('room-a', [joined('u1'), joined('u2')], 0);
      const { seen, subscription } = collect(store, 1);
      await store.append('room-b', [joined('u3')], 0);
      await store.append('room-a', [joined('u4')], 2);
      await until(() => seen.length >= 3);
      subscription.close();
      expect(seen.map((e) => e.position)).toEqual([2, 3, 4]);
    });

    it('catches up over more stored events than one read of the log returns, each once and in order', async () => {
      // 2,100 events: several pages of a subscription's catch-up on every adapter.
      for (let i = 0; i < 21; i++)
        await store.append(
          `room-${i}`,
          Array.from({ length: 100 }, (_, j) => joined(`u${j}`)),
          0,
        );
      const fromStart = collect(store, 0);
      const fromMiddle = collect(store, 777);
      await until(() => fromStart.seen.length >= 2100 && fromMiddle.seen.length >= 1323);
      fromStart.subscription.close();
      fromMiddle.subscription.close();
      expect(fromStart.seen.map((e) => e.position)).toEqual(Array.from({ length: 2100 }, (_, i) => i + 1));
      expect(fromMiddle.seen.map((e) => e.position)).toEqual(Array.from({ length: 1323 }, (_, i) => i + 778));
      expect(fromMiddle.seen[0]).toMatchObject({ streamId: 'room-7', version: 78 });
    });

    it('stops delivering after the subscription is closed', async () => {
      const { seen, subscription } = collect(store, 0);
      await store.append('room-a', [joined('u1')], 0);
      await until(() => seen.length === 1);
      subscription.close();
      await store.append('room-a', [joined('u2')], 1);
      expect(seen).toHaveLength(1);
    });

    it('delivers every event of many concurrent appends exactly once, in position order', async () => {
      const { seen, subscription } = collect(store, 0);
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(`room-${i % 7}-${i}`, [joined('u'), joined('v')], 0)));
      await until(() => seen.length >= 100);
      subscription.close();
      expect(seen.map((e) => e.position)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    });

    it('gives each of many appends issued at once its own outcome: a conflict or a repeated client id fails only its append', async () => {
      await store.append('room-x', [joined('u1')], 0);
      await store.append('room-d', [joined('u1'), sent(1, 'u1', 'c-1')], 0);
      const settle = (append: Promise<AppendResult>) =>
        append.then(
          (result) => ({ result, error: undefined }),
          (error: unknown) => ({ result: undefined, error }),
        );
      // All issued in one go, none awaited: an adapter that groups appends sees them together.
      const fresh = Array.from({ length: 12 }, (_, i) => settle(store.append(`room-${i}`, [joined('u1'), sent(1, 'u1', `c-${i}`)], 0)));
      const first = settle(store.append('room-x', [joined('u2')], 1));
      const late = settle(store.append('room-x', [joined('u3')], 1));
      const after = settle(store.append('room-x', [joined('u4'), joined('u5')], 2));
      const resend = settle(store.append('room-d', [sent(2, 'u1', 'c-1')], 2));
      const next = settle(store.append('room-d', [sent(2, 'u1', 'c-2')], 2));
      const ahead = settle(store.append('room-y', [joined('u1')], 5));

      for (const [i, outcome] of (await Promise.all(fresh)).entries()) {
        expect(outcome.error).toBeUndefined();
        expect(outcome.result?.nextVersion).toBe(2);
        expect(outcome.result?.events.map((e) => [e.streamId, e.version])).toEqual([
          [`room-${i}`, 1],
          [`room-${i}`, 2],
        ]);
      }
      expect((await first).result?.events.map((e) => e.version)).toEqual([2]);
      expect((await late).error).toBeInstanceOf(ConcurrencyError);
      expect((await late).error).toMatchObject({ streamId: 'room-x', expected: 1, actual: 2 });
      expect((await after).result?.events.map((e) => e.version)).toEqual([3, 4]);
      expect((await after).result?.nextVersion).toBe(4);
      expect((await resend).error).toBeInstanceOf(DuplicateClientIdError);
      expect((await resend).error).toMatchObject({ streamId: 'room-d', senderId: 'u1', clientId: 'c-1' });
      expect((await next).result?.events.map((e) => e.version)).toEqual([3]);
      expect((await ahead).error).toBeInstanceOf(ConcurrencyError);
      expect((await ahead).error).toMatchObject({ streamId: 'room-y', expected: 5, actual: 0 });

      // Versions are gapless, and nothing of a failed append was stored.
      expect((await store.readStream('room-x')).map((e) => e.data)).toEqual(
        ['u1', 'u2', 'u4', 'u5'].map((userId) => ({ room: 'General', userId, username: userId })),
      );
      expect((await store.readStream('room-d')).map((e) => [e.version, (e.data as { clientId?: string }).clientId])).toEqual([
        [1, undefined],
        [2, 'c-1'],
        [3, 'c-2'],
      ]);
      expect(await store.readStream('room-y')).toEqual([]);
      // What each append was told is what the log holds, in one order of positions.
      const told = (await Promise.all([...fresh, first, after, next])).flatMap((outcome) => outcome.result?.events ?? []);
      const all = await store.readAll(0, 1000);
      expect(all).toHaveLength(told.length + 3);
      for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
      for (const event of told) expect(all.find((e) => e.position === event.position)).toEqual(event);
      expect(await store.headPosition()).toBe(all[all.length - 1]!.position);
    });

    it('delivers every event exactly once, in position order, while 16 writers append with expected versions', async () => {
      const { seen, subscription } = collect(store, 0);
      const WRITERS = 16;
      const APPENDS = 15;
      const told: RecordedEvent[] = [];
      const write = async (w: number): Promise<void> => {
        let version = 0;
        for (let i = 0; i < APPENDS; i++) {
          const events = i % 4 === 0 ? [joined(`w${w}`), joined(`w${w}`)] : [joined(`w${w}`)];
          const result = await store.append(`room-w${w}`, events, version);
          expect(result.events.map((e) => e.version)).toEqual(events.map((_, j) => version + j + 1));
          version = result.nextVersion;
          told.push(...result.events);
        }
      };
      await Promise.all(Array.from({ length: WRITERS }, (_, w) => write(w)));
      const positions = told.map((e) => e.position).sort((a, b) => a - b);
      expect(new Set(positions).size).toBe(WRITERS * (APPENDS + 4));

      await until(() => seen.length >= positions.length, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300)); // anything doubled would show up by now
      subscription.close();
      expect(seen.map((e) => e.position)).toEqual(positions);
      const versions = new Map<string, number>();
      for (const event of seen) {
        expect(event.version).toBe((versions.get(event.streamId) ?? 0) + 1);
        versions.set(event.streamId, event.version);
      }
      expect((await store.readAll(0, 1000)).map((e) => e.position)).toEqual(positions);
    });

    if (harness.reopen !== undefined) {
      const reopen = harness.reopen;
      it('keeps everything when reopened', async () => {
        await store.append('room-a', [joined('u1'), joined('u2')], 0);
        await store.close();
        opened.splice(opened.indexOf(store), 1);
        const again = await reopen(store);
        opened.push(again);
        expect((await again.readStream('room-a')).map((e) => e.version)).toEqual([1, 2]);
        expect(await again.headPosition()).toBe(2);
        await expect(again.append('room-a', [joined('u3')], 1)).rejects.toBeInstanceOf(ConcurrencyError);
      });
    }
  });

  conversationContract(name, harness);
  authorContract(name, harness);
  roomEventsContract(name, harness);
};
