import { Logger } from '@nestjs/common';
import { roomDecider, roomStream } from '../src/domain/room/room.decider';
import type { RoomCommand } from '../src/domain/room/room.commands';
import type { RoomEvent } from '../src/domain/room/room.events';
import { DomainError } from '../src/domain/shared/domain-error';
import { loadConfig } from '../src/infrastructure/config';
import { InMemoryEventStore } from '../src/infrastructure/event-store/in-memory-event-store';
import { ConfusableNameKey } from '../src/infrastructure/confusable-name-key';
import { CommandExecutor, MAX_ATTEMPTS } from '../src/application/command-executor';
import { Clock } from '../src/application/ports/clock.port';
import {
  ConcurrencyError,
  StoreUnavailableError,
  type AppendResult,
  type ExpectedVersion,
  type NewEvent,
  type RecordedEvent,
  type Subscription,
} from '../src/application/ports/event-store.port';
import { IdGenerator } from '../src/application/ports/id-generator.port';
import { Notifier } from '../src/application/ports/notifier.port';
import { ProjectionRunner } from '../src/application/projection-runner';
import { FilesReadModel } from '../src/application/read-models/files.read-model';
import { RoomsReadModel } from '../src/application/read-models/rooms.read-model';
import { UsersReadModel } from '../src/application/read-models/users.read-model';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const NODE = 'node-a';
const GENERAL = roomStream('General');

class FixedClock extends Clock {
  now(): Date {
    return NOW;
  }
}

class SequentialIds extends IdGenerator {
  private next = 0;
  id(): string {
    return `id-${++this.next}`;
  }
  digits(length: number): string {
    return '7'.repeat(length);
  }
}

class RecordingNotifier extends Notifier {
  readonly published: RecordedEvent[] = [];
  publish(event: RecordedEvent): void {
    this.published.push(event);
  }
}

const deferred = (): { promise: Promise<void>; resolve: () => void } => {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/** Lets every queued callback run; no timer involved. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The real in-memory store, recording each append attempt and able to hold appends to a stream until released. */
class SpyStore extends InMemoryEventStore {
  readonly attempts: { streamId: string; expectedVersion: ExpectedVersion; events: readonly NewEvent[] }[] = [];
  private readonly holds = new Map<string, Promise<void>>();
  /** Failures to throw, one per append attempt, before appending for real. */
  failures: Error[] = [];

  hold(streamId: string): () => void {
    const gate = deferred();
    this.holds.set(streamId, gate.promise);
    return () => {
      this.holds.delete(streamId);
      gate.resolve();
    };
  }

  override async append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    this.attempts.push({ streamId, expectedVersion, events });
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    await this.holds.get(streamId);
    return super.append(streamId, events, expectedVersion);
  }

  expectedVersions(streamId: string): ExpectedVersion[] {
    return this.attempts.filter((a) => a.streamId === streamId).map((a) => a.expectedVersion);
  }
}

/** As a PostgreSQL store: other processes write to it too, so a cached state may be behind. */
class SharedSpyStore extends SpyStore {
  override get exclusiveWriter(): boolean {
    return false;
  }
}

/** The in-memory store, but its subscribers hear of events a turn later, as with a store in another process. */
class LaggingStore extends InMemoryEventStore {
  override subscribe(fromPosition: number, handler: (event: RecordedEvent) => void): Subscription {
    return super.subscribe(fromPosition, (event) => setImmediate(() => handler(event)));
  }
}

/** A store whose every append loses the race. */
class AlwaysConflictingStore extends InMemoryEventStore {
  attempts = 0;

  override append(streamId: string, _events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    this.attempts++;
    return Promise.reject(new ConcurrencyError(streamId, expectedVersion, 999));
  }
}

/** Built by the real loader, so the spec does not break whenever AppConfig grows a field. */
const configEnv = {
  EVENT_STORE: 'memory',
  CHAT_ROOMS: 'General,Random',
  MAX_MESSAGE_LENGTH: '20',
  NODE_ID: NODE,
  SECRET_KEY: 'test-secret-key-0123456789abcdef',
  LOG_LEVEL: 'silent',
};
const config = loadConfig(configEnv);

const alice = { userId: 'u-alice', username: 'alice' };
const bob = { userId: 'u-bob', username: 'bob' };
type User = typeof alice;

const decider = roomDecider({ rooms: new Set(config.chatRooms), maxMessageLength: config.maxMessageLength });
const join = (user: User, room = 'General'): RoomCommand => ({ type: 'JoinRoom', data: { room, ...user } });
const send = (user: User, text: string, room = 'General'): RoomCommand => ({
  type: 'SendMessage',
  data: { room, ...user, messageId: `m-${text}`, text },
});
const context = { correlationId: 'corr-1' };

/** An append by another writer (another node), straight to the store. */
const foreign = (event: RoomEvent, n: number): NewEvent => ({
  ...event,
  metadata: { eventId: `foreign-${n}`, occurredAt: NOW.toISOString(), correlationId: 'corr-b', causationId: 'corr-b', node: 'node-b' },
});

const seqs = (events: readonly RecordedEvent[]): number[] => events.flatMap((e) => (e.type === 'MessageSent' ? [e.data.seq] : []));

const running: ProjectionRunner[] = [];

const setup = async <S extends InMemoryEventStore>(store: S, executorConfig = config) => {
  const notifier = new RecordingNotifier();
  const rooms = new RoomsReadModel(config);
  const runner = new ProjectionRunner(
    store,
    notifier,
    config,
    rooms,
    new UsersReadModel(new ConfusableNameKey(), config),
    new FilesReadModel(),
  );
  await runner.start();
  running.push(runner);
  const executor = new CommandExecutor(store, new FixedClock(), new SequentialIds(), executorConfig, runner);
  const execute = (command: RoomCommand, stream = GENERAL) => executor.execute(stream, decider, command, context);
  return { store, executor, execute, notifier, rooms };
};

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

    it('succeeds after a few conflicts', async () => {
      const store = new SpyStore();
      const { execute } = await setup(store);
      store.failures = [new ConcurrencyError(GENERAL, 0, 1), new ConcurrencyError(GENERAL, 0, 1)];

      await expect(execute(join(alice))).resolves.toHaveLength(1);

      expect(store.attempts).toHaveLength(3);
      expect(await store.readStream(GENERAL)).toHaveLength(1);
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

  describe('state, for a read', () => {
    class ReadCountingStore extends SpyStore {
      readonly reads: string[] = [];
      override readStream(streamId: string, fromVersion?: number): Promise<RecordedEvent[]> {
        this.reads.push(streamId);
        return super.readStream(streamId, fromVersion);
      }
    }

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

  describe('ordering', () => {
    it('runs commands on one stream one at a time, in call order', async () => {
      const store = new SpyStore();
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
