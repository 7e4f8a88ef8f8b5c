/** The command executor's specs' harness: fake clock and ids, spying and conflicting stores, a runner over real read models. */
import { roomDecider, roomStream } from '../../src/domain/room/room.decider';
import type { RoomCommand } from '../../src/domain/room/room.commands';
import type { RoomEvent } from '../../src/domain/room/room.events';
import { loadConfig } from '../../src/infrastructure/config';
import { InMemoryEventStore } from '../../src/infrastructure/event-store/in-memory-event-store';
import { ConfusableNameKey } from '../../src/infrastructure/confusable-name-key';
import { CommandExecutor } from '../../src/application/command-executor';
import { Clock } from '../../src/application/ports/clock.port';
import {
  ConcurrencyError,
  type AppendResult,
  type ExpectedVersion,
  type NewEvent,
  type RecordedEvent,
  type Subscription,
} from '../../src/application/ports/event-store.port';
import { IdGenerator } from '../../src/application/ports/id-generator.port';
import { Notifier } from '../../src/application/ports/notifier.port';
import { ProjectionRunner } from '../../src/application/projection-runner';
import { FilesReadModel } from '../../src/application/read-models/files.read-model';
import { RoomsReadModel } from '../../src/application/read-models/rooms.read-model';
import { UsersReadModel } from '../../src/application/read-models/users.read-model';

export const NOW = new Date('2026-03-01T12:00:00.000Z');
export const NODE = 'node-a';
export const GENERAL = roomStream('General');

export class FixedClock extends Clock {
  now(): Date {
    return NOW;
  }
}

export class SequentialIds extends IdGenerator {
  private next = 0;
  id(): string {
    return `id-${++this.next}`;
  }
  orderedId(): string {
    return `id-${String(++this.next).padStart(12, '0')}`;
  }
  digits(length: number): string {
    return '7'.repeat(length);
  }
}

export class RecordingNotifier extends Notifier {
  readonly published: RecordedEvent[] = [];
  publish(event: RecordedEvent): void {
    this.published.push(event);
  }
}

export const deferred = (): { promise: Promise<void>; resolve: () => void } => {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/** Lets every queued callback run; no timer involved. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The real in-memory store, recording each append attempt and able to hold appends to a stream until released. */
export class SpyStore extends InMemoryEventStore {
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

  /** The streams read, one entry per read. */
  readonly streamReads: string[] = [];

  override readStream(streamId: string, fromVersion?: number, limit?: number): Promise<RecordedEvent[]> {
    this.streamReads.push(streamId);
    return super.readStream(streamId, fromVersion, limit);
  }

  expectedVersions(streamId: string): ExpectedVersion[] {
    return this.attempts.filter((a) => a.streamId === streamId).map((a) => a.expectedVersion);
  }
}

/** As a PostgreSQL store: other processes write to it too, so a cached state may be behind. */
export class SharedSpyStore extends SpyStore {
  override get exclusiveWriter(): boolean {
    return false;
  }
}

/** A shared store whose subscribers hear of events only when `deliver()` is called: another node's append not heard of yet. */
export class SharedQuietStore extends SharedSpyStore {
  private readonly undelivered: (() => void)[] = [];

  override subscribe(fromPosition: number, handler: (event: RecordedEvent) => void): Subscription {
    return super.subscribe(fromPosition, (event) => {
      if (event.metadata.node === NODE) handler(event);
      else this.undelivered.push(() => handler(event));
    });
  }

  deliver(): void {
    for (const handler of this.undelivered.splice(0)) handler();
  }
}

/** The in-memory store, but its subscribers hear of events a turn later, as with a store in another process. */
export class LaggingStore extends InMemoryEventStore {
  override subscribe(fromPosition: number, handler: (event: RecordedEvent) => void): Subscription {
    return super.subscribe(fromPosition, (event) => setImmediate(() => handler(event)));
  }
}

/** A store whose every append loses the race. */
export class AlwaysConflictingStore extends InMemoryEventStore {
  attempts = 0;

  override append(streamId: string, _events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    this.attempts++;
    return Promise.reject(new ConcurrencyError(streamId, expectedVersion, 999));
  }
}

/** Built by the real loader, so the spec does not break whenever AppConfig grows a field. */
export const configEnv = {
  EVENT_STORE: 'memory',
  CHAT_ROOMS: 'General,Random',
  MAX_MESSAGE_LENGTH: '20',
  NODE_ID: NODE,
  SECRET_KEY: 'test-secret-key-0123456789abcdef',
  LOG_LEVEL: 'silent',
};
export const config = loadConfig(configEnv);

export const alice = { userId: 'u-alice', username: 'alice' };
export const bob = { userId: 'u-bob', username: 'bob' };
export type User = typeof alice;

export const decider = roomDecider({ rooms: new Set(config.chatRooms), maxMessageLength: config.maxMessageLength });
export const join = (user: User, room = 'General'): RoomCommand => ({ type: 'JoinRoom', data: { room, ...user } });
export const send = (user: User, text: string, room = 'General'): RoomCommand => ({
  type: 'SendMessage',
  data: { room, ...user, messageId: `m-${text}`, text },
});
export const context = { correlationId: 'corr-1' };

/** An append by another writer (another node), straight to the store. */
export const foreign = (event: RoomEvent, n: number): NewEvent => ({
  ...event,
  metadata: { eventId: `foreign-${n}`, occurredAt: NOW.toISOString(), correlationId: 'corr-b', causationId: 'corr-b', node: 'node-b' },
});

export const seqs = (events: readonly RecordedEvent[]): number[] => events.flatMap((e) => (e.type === 'MessageSent' ? [e.data.seq] : []));

export const running: ProjectionRunner[] = [];

export const setup = async <S extends InMemoryEventStore>(store: S, executorConfig = config) => {
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
