import { ConcurrencyError, type EventStore, type NewEvent, type RecordedEvent } from '../../application/ports/event-store.port';

/** A test helper, not production code: the behaviour every EventStore adapter must show. */
export interface StoreHarness {
  /** A fresh, empty store. */
  create(): Promise<EventStore>;
  /** A second handle on the same storage as `store` (another process, in effect), if the adapter has one. */
  reopen?(store: EventStore): Promise<EventStore>;
}

let counter = 0;
export const joined = (userId: string, room = 'General'): NewEvent => ({
  type: 'MemberJoined',
  data: { room, userId, username: userId },
  metadata: {
    eventId: `e-${++counter}`,
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, counter % 60)).toISOString(),
    correlationId: 'c-1',
    causationId: 'c-1',
    node: 'node-a',
  },
});

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

    it('reads a stream from a version, and an unknown stream as empty', async () => {
      await store.append('room-a', [joined('u1'), joined('u2'), joined('u3')], 0);
      expect((await store.readStream('room-a', 2)).map((e) => e.version)).toEqual([2, 3]);
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
};
