import { Logger } from '@nestjs/common';
import { roomStream } from '../src/domain/room/room.decider';
import { DomainError } from '../src/domain/shared/domain-error';
import { loadConfig } from '../src/infrastructure/config';
import { MAX_ATTEMPTS } from '../src/application/command-executor';
import { ConcurrencyError, StoreUnavailableError, type RecordedEvent } from '../src/application/ports/event-store.port';
import {
  NOW,
  NODE,
  GENERAL,
  flush,
  configEnv,
  alice,
  bob,
  join,
  send,
  foreign,
  seqs,
  running,
  setup,
  SpyStore,
  SharedSpyStore,
  SharedQuietStore,
  LaggingStore,
  AlwaysConflictingStore,
} from './support/command-executor-harness';

describe('CommandExecutor', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterEach(() => {
    for (const runner of running.splice(0)) runner.onApplicationShutdown();
  });

  describe('on a quiet stream', () => {
    it('appends the decided events at the version it read, stamped with metadata', async () => {
      const { store, execute } = await setup(new SpyStore());

      const joined = await execute(join(alice));
      const sent = await execute(send(alice, 'hi'));

      expect(store.expectedVersions(GENERAL)).toEqual([0, 1]);
      expect(joined).toEqual([
        {
          type: 'MemberJoined',
          data: { room: 'General', ...alice },
          streamId: GENERAL,
          version: 1,
          position: 1,
          metadata: {
            eventId: expect.any(String),
            occurredAt: NOW.toISOString(),
            correlationId: 'corr-1',
            causationId: expect.any(String),
            node: NODE,
          },
        },
      ]);
      expect(joined[0]?.metadata.eventId).not.toBe(joined[0]?.metadata.causationId);
      expect(sent).toMatchObject([{ type: 'MessageSent', data: { seq: 1, text: 'hi' }, version: 2, position: 2 }]);
      expect(await store.readStream(GENERAL)).toEqual([...joined, ...sent]);
    });

    it('resolves only once the read models have the events and the notifier was told', async () => {
      const { execute, rooms, notifier } = await setup(new LaggingStore());

      await execute(join(alice));
      await execute(send(alice, 'hi'));

      expect(rooms.members('General')).toEqual(['alice']);
      expect(rooms.windowRange('General', 1, 10).map((m) => m.msg)).toEqual(['hi']);
      expect(notifier.published.map((e) => e.type)).toEqual(['MemberJoined', 'MessageSent']);
    });

    it('appends nothing when the decision is a no-op', async () => {
      const { store, execute } = await setup(new SpyStore());
      await execute(join(alice));

      await expect(execute(join(alice))).resolves.toEqual([]);

      expect(store.attempts).toHaveLength(1);
      expect(await store.headPosition()).toBe(1);
    });

    it('appends nothing when the command is rejected', async () => {
      const { store, execute } = await setup(new SpyStore());
      await execute(join(alice));

      await expect(execute(send(bob, 'let me in'))).rejects.toEqual(expect.objectContaining({ code: 'not_a_member' }));
      await expect(execute(send(alice, '   '))).rejects.toBeInstanceOf(DomainError);

      expect(store.attempts).toHaveLength(1);
      expect(await store.readStream(GENERAL)).toHaveLength(1);
    });
  });

  describe('when another writer appended to the stream', () => {
    it('catches up, decides again on the new state, and continues the sequence', async () => {
      const { store, execute, notifier } = await setup(new SpyStore());
      await execute(join(alice));
      await execute(send(alice, 'one'));
      await store.append(
        GENERAL,
        [
          foreign({ type: 'MemberJoined', data: { room: 'General', ...bob } }, 1),
          foreign({ type: 'MessageSent', data: { room: 'General', messageId: 'm-b', seq: 2, ...bob, text: 'two' } }, 2),
        ],
        2,
      );

      const third = await execute(send(alice, 'three'));

      expect(third).toMatchObject([{ type: 'MessageSent', data: { seq: 3, text: 'three' }, version: 5 }]);
      // join, 'one', the other writer's append, the conflicting attempt, the retry
      expect(store.expectedVersions(GENERAL)).toEqual([0, 1, 2, 2, 4]);
      // bob joined behind the executor's back; only a caught-up state lets him send.
      await expect(execute(send(bob, 'four'))).resolves.toMatchObject([{ data: { seq: 4 } }]);
      expect(seqs(await store.readStream(GENERAL))).toEqual([1, 2, 3, 4]);
      expect(notifier.published.map((e) => e.metadata.node)).toEqual([NODE, NODE, NODE, NODE]);
    });

    it('with a shared store, catches up before deciding, so the other append causes no conflict', async () => {
      const { store, execute } = await setup(new SharedSpyStore());
      await execute(join(alice));
      await store.append(GENERAL, [foreign({ type: 'MemberJoined', data: { room: 'General', ...bob } }, 1)], 1);

      await expect(execute(send(bob, 'hi'))).resolves.toMatchObject([{ data: { seq: 1 }, version: 3 }]);

      // join, the other writer's append, bob's message: no attempt was refused
      expect(store.expectedVersions(GENERAL)).toEqual([0, 1, 2]);
    });

    it('with a shared store, decides on the cached state without reading the stream while no other node wrote to it', async () => {
      const { store, execute } = await setup(new SharedSpyStore());
      await execute(join(alice));
      const reads = store.streamReads.length;

      await execute(send(alice, 'one'));
      await execute(send(alice, 'two'));

      expect(store.streamReads.length).toBe(reads);
      expect(store.expectedVersions(GENERAL)).toEqual([0, 1, 2]);
    });

    it('with a shared store, an append of another node not heard of yet makes the first attempt conflict, and the command is decided again on the stream caught up', async () => {
      const { store, execute } = await setup(new SharedQuietStore());
      await execute(join(alice));
      await store.append(
        GENERAL,
        [foreign({ type: 'MessageSent', data: { room: 'General', messageId: 'm-b', seq: 1, ...alice, text: 'elsewhere' } }, 1)],
        1,
      );

      await expect(execute(send(alice, 'here'))).resolves.toMatchObject([{ data: { seq: 2 }, version: 3 }]);

      // join, the other node's append, the attempt on the cached state, the retry
      expect(store.expectedVersions(GENERAL)).toEqual([0, 1, 1, 2]);
      expect(seqs(await store.readStream(GENERAL))).toEqual([1, 2]);
    });

    it('with a shared store, refuses a command only on the stream caught up, never on a cached state', async () => {
      const { store, execute } = await setup(new SharedQuietStore());
      await execute(join(alice));
      // bob joined on another node; this node has not heard of it.
      await store.append(GENERAL, [foreign({ type: 'MemberJoined', data: { room: 'General', ...bob } }, 1)], 1);

      await expect(execute(send(bob, 'hi'))).resolves.toMatchObject([{ data: { seq: 1 }, version: 3 }]);
    });

    it('with a shared store, decides to change nothing only on the stream caught up', async () => {
      const { store, execute } = await setup(new SharedQuietStore());
      await execute(join(alice));
      // alice left on another node; this node has not heard of it.
      await store.append(GENERAL, [foreign({ type: 'MemberLeft', data: { room: 'General', ...alice, reason: 'left' } }, 1)], 1);

      await expect(execute(join(alice))).resolves.toMatchObject([{ type: 'MemberJoined', version: 3 }]);
      store.deliver();
    });

    it('succeeds after a few conflicts', async () => {
      const store = new SpyStore();
      const { execute } = await setup(store);
      store.failures = [new ConcurrencyError(GENERAL, 0, 1), new ConcurrencyError(GENERAL, 0, 1)];

      await expect(execute(join(alice))).resolves.toHaveLength(1);

      expect(store.attempts).toHaveLength(3);
      expect(await store.readStream(GENERAL)).toHaveLength(1);
    });

    it('with a shared store, succeeds after a few conflicts, and the next command on the stream waits until it is written', async () => {
      const store = new SharedSpyStore();
      const { execute } = await setup(store);
      store.failures = [new ConcurrencyError(GENERAL, 0, 1), new ConcurrencyError(GENERAL, 0, 1)];

      const joined = execute(join(alice));
      const sent = execute(send(alice, 'after'));

      await expect(joined).resolves.toHaveLength(1);
      await expect(sent).resolves.toMatchObject([{ data: { seq: 1 }, version: 2 }]);
      expect(store.expectedVersions(GENERAL)).toEqual([0, 0, 0, 1]);
    });

    it('gives up after a bounded number of conflicts, stores nothing, and still serves the stream', async () => {
      const store = new AlwaysConflictingStore();
      const { execute } = await setup(store);

      await expect(execute(join(alice))).rejects.toBeInstanceOf(ConcurrencyError);

      expect(store.attempts).toBe(MAX_ATTEMPTS);
      expect(await store.headPosition()).toBe(0);
      await expect(execute(join(bob))).rejects.toBeInstanceOf(ConcurrencyError);
      expect(store.attempts).toBe(2 * MAX_ATTEMPTS);
    });

    it('does not retry a failure that is not a conflict', async () => {
      const store = new SpyStore();
      const { execute } = await setup(store);
      const failure = new StoreUnavailableError('disk on fire');
      store.failures = [failure];

      await expect(execute(join(alice))).rejects.toBe(failure);

      expect(store.attempts).toHaveLength(1);
      expect(await store.headPosition()).toBe(0);
    });
  });

  describe('with more streams than the aggregate cache holds', () => {
    class ReadCountingStore extends SpyStore {
      readonly reads: string[] = [];
      override readStream(streamId: string, fromVersion?: number): Promise<RecordedEvent[]> {
        this.reads.push(streamId);
        return super.readStream(streamId, fromVersion);
      }
    }
    const RANDOM = roomStream('Random');

    it('keeps the most recently used streams, and loads an evicted one from the store with its whole state', async () => {
      const small = loadConfig({ ...configEnv, AGGREGATE_CACHE_SIZE: '1' });
      const { store, execute } = await setup(new ReadCountingStore(), small);

      await execute(join(alice));
      await execute(send(alice, 'one'));
      await execute(send(alice, 'two'));
      expect(store.reads).toEqual([GENERAL]); // the first load; then the cache serves it

      await execute(join(bob, 'Random'), RANDOM); // takes the only place in the cache
      const sent = await execute(send(alice, 'three'));

      expect(store.reads).toEqual([GENERAL, RANDOM, GENERAL]);
      expect(seqs(sent)).toEqual([3]);
      await expect(execute(send(bob, 'not a member'))).rejects.toMatchObject({ code: 'not_a_member' });
      expect(store.expectedVersions(GENERAL)).toEqual([0, 1, 2, 3]);
    });
  });

  describe('drain', () => {
    it('resolves at once when nothing is running', async () => {
      const { executor } = await setup(new SpyStore());
      await expect(executor.drain()).resolves.toBeUndefined();
    });

    it('waits for the commands in flight, including ones that fail', async () => {
      const store = new SpyStore();
      const { executor, execute } = await setup(store);
      const release = store.hold(GENERAL);
      const joined = execute(join(alice));
      const rejected = execute(send(bob, 'hi'));
      rejected.catch(() => undefined);
      let drained = false;

      const draining = executor.drain().then(() => (drained = true));
      await flush();
      expect(drained).toBe(false);
      release();
      await draining;

      expect(await store.readStream(GENERAL)).toHaveLength(1);
      await expect(joined).resolves.toHaveLength(1);
      await expect(rejected).rejects.toMatchObject({ code: 'not_a_member' });
    });
  });
});
