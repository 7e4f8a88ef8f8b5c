import { Logger } from '@nestjs/common';
import { roomStream } from '../src/domain/room/room.decider';
import type { RoomEvent } from '../src/domain/room/room.events';
import { loadConfig } from '../src/infrastructure/config';
import {
  StoreUnavailableError,
  type AppendResult,
  type ExpectedVersion,
  type NewEvent,
  type RecordedEvent,
} from '../src/application/ports/event-store.port';
import {
  GENERAL,
  deferred,
  flush,
  configEnv,
  alice,
  bob,
  decider,
  join,
  send,
  foreign,
  seqs,
  running,
  setup,
  SpyStore,
  SharedSpyStore,
} from './support/command-executor-harness';

describe('CommandExecutor: reads and ordering', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterEach(() => {
    for (const runner of running.splice(0)) runner.onApplicationShutdown();
  });

  /** Records the streams read, and the snapshots looked up. */
  class ReadCountingStore extends SpyStore {
    readonly reads: string[] = [];
    readonly snapshotsLookedUp: string[] = [];
    override readStream(streamId: string, fromVersion?: number, limit?: number): Promise<RecordedEvent[]> {
      this.reads.push(streamId);
      return super.readStream(streamId, fromVersion, limit);
    }
    override readSnapshot(name: string): ReturnType<SpyStore['readSnapshot']> {
      this.snapshotsLookedUp.push(name);
      return super.readSnapshot(name);
    }
  }

  describe('state, for a read', () => {
    it('answers from the cache, loads a stream not cached from the store, and gives an empty stream its initial state', async () => {
      const small = loadConfig({ ...configEnv, AGGREGATE_CACHE_SIZE: '1' });
      const { store, executor, execute } = await setup(new ReadCountingStore(), small);
      await execute(join(alice));
      store.reads.length = 0;

      await expect(executor.state(GENERAL, decider)).resolves.toMatchObject({
        version: 1,
        state: { members: new Map([['u-alice', 'alice']]) },
      });
      expect(store.reads).toEqual([]);

      await execute(join(bob, 'Random'), roomStream('Random')); // takes the only place in the cache
      await expect(executor.state(GENERAL, decider)).resolves.toMatchObject({ version: 1 });
      expect(store.reads).toEqual([roomStream('Random'), GENERAL]);

      await expect(executor.state(roomStream('Nowhere'), decider)).resolves.toEqual({ state: decider.initialState(), version: 0 });
    });

    it('loads a long stream a page of 1,000 events at a time, serving the event loop between pages, to the state the whole stream folds to', async () => {
      class PagedReadStore extends ReadCountingStore {
        readonly turnsBetween: number[] = [];
        private turns = 0;
        private readonly ticker = setInterval(() => this.turns++, 0);
        override readStream(streamId: string, fromVersion?: number, limit?: number): Promise<RecordedEvent[]> {
          this.turnsBetween.push(this.turns);
          return super.readStream(streamId, fromVersion, limit);
        }
        stop(): void {
          clearInterval(this.ticker);
        }
      }
      const small = loadConfig({ ...configEnv, AGGREGATE_CACHE_SIZE: '1' });
      const store = new PagedReadStore();
      const { executor, execute } = await setup(store, small);
      await execute(join(alice));
      // Bob joins and leaves, 2,499 events in all: the state must end with him in.
      const comings = Array.from({ length: 2499 }, (_, i) =>
        foreign(
          i % 2 === 0
            ? { type: 'MemberJoined', data: { room: 'General', ...bob } }
            : { type: 'MemberLeft', data: { room: 'General', ...bob, reason: 'left' } },
          i,
        ),
      );
      await store.append(GENERAL, comings, 1);
      await execute(join(bob, 'Random'), roomStream('Random')); // General leaves the cache
      const whole = ((await store.readStream(GENERAL)) as unknown as RoomEvent[]).reduce(decider.evolve, decider.initialState());
      store.reads.length = 0;
      store.turnsBetween.length = 0;

      const [first, second] = await Promise.all([executor.state(GENERAL, decider), executor.state(GENERAL, decider)]);
      store.stop();
      expect(first.version).toBe(2500);
      expect({ ...first.state, members: [...first.state.members] }).toEqual({ ...whole, members: [...whole.members] });
      expect(first.state.members.has(bob.userId)).toBe(true);
      expect(second.state).toBe(first.state);
      // Three pages (1,000, 1,000, 500), read once for both reads, with timers run between them.
      expect(store.reads).toEqual([GENERAL, GENERAL, GENERAL]);
      expect(store.turnsBetween[2]! > store.turnsBetween[0]!).toBe(true);
    });

    it('catches up from a shared store before answering', async () => {
      const { store, executor, execute } = await setup(new SharedSpyStore());
      await execute(join(alice));
      await store.append(GENERAL, [foreign({ type: 'MemberJoined', data: { room: 'General', ...bob } }, 1)], 1);

      await expect(executor.state(GENERAL, decider)).resolves.toMatchObject({ version: 2 });
    });

    it('never replaces a newer state a command cached while the read was loading', async () => {
      /** Holds the next read of a stream, once it has read the events, until released. */
      class HeldReadStore extends SpyStore {
        held: { streamId: string; gate: Promise<void> } | undefined;
        override async readStream(streamId: string, fromVersion?: number): Promise<RecordedEvent[]> {
          const events = await super.readStream(streamId, fromVersion);
          const held = this.held;
          if (held?.streamId === streamId) {
            this.held = undefined;
            await held.gate;
          }
          return events;
        }
      }
      const small = loadConfig({ ...configEnv, AGGREGATE_CACHE_SIZE: '1' });
      const { store, executor, execute } = await setup(new HeldReadStore(), small);
      await execute(join(alice));
      await execute(join(bob, 'Random'), roomStream('Random')); // General leaves the cache
      const gate = deferred();
      store.held = { streamId: GENERAL, gate: gate.promise };
      const reading = executor.state(GENERAL, decider); // has read version 1, and waits
      await flush();
      await execute(join(bob)); // loads General, appends version 2 and caches it
      gate.resolve();
      await expect(reading).resolves.toMatchObject({ version: 1 });

      // The command decides on version 2, where bob is a member.
      await expect(execute(send(bob, 'hi'))).resolves.toMatchObject([{ data: { seq: 1 } }]);
      expect(store.expectedVersions(GENERAL)).toEqual([0, 1, 2]);
    });
  });

  describe('a stream named new', () => {
    it('is decided on its initial state without reading the store', async () => {
      const { store, executor } = await setup(new ReadCountingStore());
      const stream = roomStream('Random');
      store.reads.length = 0;
      store.snapshotsLookedUp.length = 0;

      const stored = await executor.execute(stream, decider, join(alice, 'Random'), { correlationId: 'c' }, { newStream: true });

      expect(store.reads).toEqual([]);
      expect(store.snapshotsLookedUp).toEqual([]);
      expect(stored.map((event) => [event.type, event.version])).toEqual([['MemberJoined', 1]]);
      await expect(executor.state(stream, decider)).resolves.toMatchObject({
        version: 1,
        state: { members: new Map([['u-alice', 'alice']]) },
      });
    });

    it('is decided again on what is stored when it existed after all, and loses nothing', async () => {
      const { store, executor } = await setup(new ReadCountingStore());
      const stream = roomStream('Random');
      await store.append(stream, [foreign({ type: 'MemberJoined', data: { room: 'Random', ...bob } }, 1)], 0);

      const stored = await executor.execute(stream, decider, join(alice, 'Random'), { correlationId: 'c' }, { newStream: true });

      expect(stored.map((event) => [event.type, event.version])).toEqual([['MemberJoined', 2]]);
      expect(store.reads).toContain(stream);
      const { state, version } = await executor.state(stream, decider);
      expect(version).toBe(2);
      expect([...state.members.keys()]).toEqual(['u-bob', 'u-alice']);
    });
  });

  describe('ordering', () => {
    it('with a shared store, runs commands on one stream one at a time, in call order, each once the previous is written', async () => {
      const store = new SharedSpyStore();
      const { execute } = await setup(store);
      await execute(join(alice));
      const release = store.hold(GENERAL);

      const results = [execute(send(alice, 'one')), execute(send(alice, 'two')), execute(send(alice, 'three'))];
      await flush();
      expect(store.attempts).toHaveLength(2);
      release();
      const sent = await Promise.all(results);

      expect(sent.map((events) => seqs(events))).toEqual([[1], [2], [3]]);
      expect(sent.map((events) => events[0]?.type === 'MessageSent' && events[0].data.text)).toEqual(['one', 'two', 'three']);
      expect(store.expectedVersions(GENERAL)).toEqual([0, 1, 2, 3]);
    });

    it('decides the next command on a stream before the previous one is written, and writes them together in call order', async () => {
      const store = new SpyStore();
      const { execute } = await setup(store);
      await execute(join(alice));
      const release = store.hold(GENERAL);

      const results = [execute(send(alice, 'one')), execute(send(alice, 'two')), execute(send(alice, 'three'))];
      await flush();
      // All three decided and appended while none is written yet.
      expect(store.expectedVersions(GENERAL)).toEqual([0, 1, 2, 3]);
      expect(await store.readStream(GENERAL)).toHaveLength(1);
      release();
      const sent = await Promise.all(results);

      expect(sent.map((events) => seqs(events))).toEqual([[1], [2], [3]]);
      expect(sent.map((events) => events.map((e) => e.version))).toEqual([[2], [3], [4]]);
      expect(seqs(await store.readStream(GENERAL))).toEqual([1, 2, 3]);
    });

    it('decides again the commands that rested on an append that failed, so the sequence has no gap', async () => {
      /** The disk fails for the message "two" only. */
      class FailingStore extends SpyStore {
        override append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
          const text = (events[0]?.data as { text?: string }).text;
          if (text === 'two') {
            this.attempts.push({ streamId, expectedVersion, events });
            return Promise.reject(new StoreUnavailableError('disk full'));
          }
          return super.append(streamId, events, expectedVersion);
        }
      }
      const store = new FailingStore();
      const { execute, executor } = await setup(store);
      await execute(join(alice));

      const one = execute(send(alice, 'one'));
      const two = execute(send(alice, 'two'));
      const three = execute(send(alice, 'three'));

      await expect(one).resolves.toMatchObject([{ data: { seq: 1, text: 'one' }, version: 2 }]);
      await expect(two).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(three).resolves.toMatchObject([{ data: { seq: 2, text: 'three' }, version: 3 }]);
      expect(seqs(await store.readStream(GENERAL))).toEqual([1, 2]);
      await expect(executor.state(GENERAL, decider)).resolves.toMatchObject({ version: 3 });
    });

    it('does not hold up commands on other streams', async () => {
      const store = new SpyStore();
      const { execute } = await setup(store);
      const release = store.hold(GENERAL);
      const held = execute(join(alice));

      await expect(execute(join(alice, 'Random'), roomStream('Random'))).resolves.toHaveLength(1);

      expect(await store.readStream(GENERAL)).toHaveLength(0);
      release();
      await expect(held).resolves.toHaveLength(1);
    });

    it('carries on with the next command after a rejected one', async () => {
      const { execute } = await setup(new SpyStore());

      const rejected = execute(send(alice, 'too early'));
      const joined = execute(join(alice));
      const sent = execute(send(alice, 'now'));

      await expect(rejected).rejects.toMatchObject({ code: 'not_a_member' });
      await expect(joined).resolves.toHaveLength(1);
      await expect(sent).resolves.toMatchObject([{ data: { seq: 1 } }]);
    });
  });
});
