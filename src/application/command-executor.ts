import { Injectable } from '@nestjs/common';
import type { Decider } from '../domain/shared/decider';
import type { DomainEvent } from '../domain/events';
import { LruCache } from './lru-cache';
import { AppConfig } from './ports/app-config';
import { Clock } from './ports/clock.port';
import { Logger } from '@nestjs/common';
import {
  ConcurrencyError,
  DuplicateClientIdError,
  EventStore,
  StoreUnavailableError,
  type NewEvent,
  type RecordedEvent,
} from './ports/event-store.port';
import { decodeState, encodeState } from './state-codec';
import { IdGenerator } from './ports/id-generator.port';
import { ProjectionRunner } from './projection-runner';

export interface CommandContext {
  readonly correlationId: string;
}

/**
 * An aggregate's state as of `version`; `position` is where its newest event sits in the log;
 * `savedAt` the version of its newest saved snapshot. `stored` is set while the append that made
 * this state is not written yet: it resolves true once written, false if it failed.
 */
type Loaded = { state: unknown; version: number; position: number; savedAt: number; stored?: Promise<boolean>; stale?: boolean };

/** A stream's state is saved again once this many events were folded since its last snapshot. */
export const STREAM_SNAPSHOT_EVERY = 500;
/** Events read and folded at a time when a stream is loaded. */
export const LOAD_PAGE = 1000;

const snapshotName = (streamId: string): string => `stream:${streamId}`;

/**
 * A command, or how to make it once the stream is loaded: a command about one message reads that
 * message's facts from the store here, in the stream's turn, so they are those of the version the
 * command is decided on (a retry after a conflict reads them again).
 */
export type CommandSource<C> = C | ((stream: { readonly version: number }) => Promise<C>);

export interface ExecuteOptions {
  /**
   * The stream's id was just made here, at random (a new guest's session and presence): nothing can
   * be stored under it, so the command is decided on the initial state without reading the store.
   * Should it exist after all, the append (expecting version 0) conflicts, and the command is decided
   * again on what is stored.
   */
  readonly newStream?: boolean;
}

/**
 * Attempts at a command whose stream other nodes keep appending to. Three nodes writing one busy room
 * at once each lose about two races in three; thirty attempts make a give-up (`unavailable`) a
 * one-in-100,000 event per command, at a few hundred milliseconds of back-off in the worst case.
 */
export const MAX_ATTEMPTS = 30;

/** After a conflict, wait a little (random, growing) so racing nodes stop colliding in lockstep. */
const backOff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));

/**
 * The one write path: load the aggregate, decide, append with the expected version, and wait
 * until the read models have seen the result. Commands on one stream are decided one at a time, in
 * call order. Aggregate states are cached per stream, the AGGREGATE_CACHE_SIZE most recently used
 * ones; a stream not cached is loaded from the store.
 *
 * With an exclusive store the cache is always current, and appends are written in call order: the
 * next command on a stream is decided on the state the previous one leads to as soon as that one is
 * appended, before it is written, so a busy stream's commands go to disk together (group commit). If
 * an append fails, the states decided on it are dropped and the commands after it, which then
 * conflict, are decided again. With a shared store the next command on a stream waits until the
 * previous one is written, and a cached state is trusted until another node's event on its stream
 * comes through the subscription (which marks it stale): a command on a trusted state is decided
 * without reading the store, and the append's expected version proves the state was current. If it
 * was not (another node appended in between), the append conflicts and the command is decided again
 * on the stream caught up from the store. A refusal or a decision to change nothing, which no append
 * would check, is never given on a trusted state: the stream is caught up and the command decided
 * again first.
 */
@Injectable()
export class CommandExecutor {
  private readonly cache: LruCache<string, Loaded>;
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Streams being loaded from the store for reads (not cached yet): one load each, shared by the reads meanwhile. */
  private readonly reading = new Map<string, Promise<Loaded>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly logger = new Logger(CommandExecutor.name);

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly config: AppConfig,
    private readonly projections: ProjectionRunner,
  ) {
    this.cache = new LruCache(config.aggregateCacheSize);
    if (!store.exclusiveWriter) projections.observe(this.markStale);
  }

  /** Another node's event on a cached stream: its cached state is behind, and is caught up before it is used. */
  private readonly markStale = (event: RecordedEvent): void => {
    if (event.metadata.node === this.config.nodeId) return;
    const cached = this.cache.peek(event.streamId);
    if (cached !== undefined && cached.version < event.version) cached.stale = true;
  };

  /** Decides and appends; resolves with the events stored (none when the command changed nothing). */
  execute<S, C extends { type: string }, E extends DomainEvent>(
    streamId: string,
    decider: Decider<S, C, E>,
    command: CommandSource<C>,
    context: CommandContext,
    options: ExecuteOptions = {},
  ): Promise<RecordedEvent<E>[]> {
    return this.enqueue(streamId, decider, command, context, this.ids.id(), 1, options.newStream === true);
  }

  /**
   * A stream's state and version, for a read: the cached one (caught up from the store first when the
   * store is shared), or loaded from the store (its snapshot, if any, and the events after it) and
   * cached. A stream with no events is the decider's initial state at version 0, and is not cached.
   * A state whose append is not written yet is answered once it is.
   */
  async state<S, C, E extends DomainEvent>(streamId: string, decider: Decider<S, C, E>): Promise<{ state: S; version: number }> {
    for (let pending = this.cache.get(streamId)?.stored; pending !== undefined; pending = this.cache.get(streamId)?.stored) {
      await pending;
    }
    const { state, version } = await this.load(streamId, decider, !this.store.exclusiveWriter, true);
    return { state: state as S, version };
  }

  /** Resolves once every command accepted so far has finished. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Queues the command's decision behind the stream's previous one; resolves with what it stored. */
  private enqueue<S, C extends { type: string }, E extends DomainEvent>(
    streamId: string,
    decider: Decider<S, C, E>,
    source: CommandSource<C>,
    context: CommandContext,
    causationId: string,
    attempt: number,
    newStream = false,
  ): Promise<RecordedEvent<E>[]> {
    const previous = this.queues.get(streamId) ?? Promise.resolve();
    const decide = (): Promise<{ done: Promise<RecordedEvent<E>[]> }> =>
      this.decide(streamId, decider, source, context, causationId, attempt, newStream);
    const decided = previous.then(decide, decide);
    const done = decided.then((outcome) => outcome.done);
    // The next command on the stream waits for this decision, or, with a shared store, until it is written.
    const turn = this.store.exclusiveWriter ? decided : done;
    this.queues.set(streamId, turn);
    this.inFlight.add(done);
    const settle = (): void => {
      this.inFlight.delete(done);
      if (this.queues.get(streamId) === turn) this.queues.delete(streamId);
    };
    void turn.then(settle, settle);
    void done.then(
      () => this.inFlight.delete(done),
      () => this.inFlight.delete(done),
    );
    return done;
  }

  /**
   * Decides on the stream's current state and appends what was decided; `done` settles once it is
   * written and projected (or decided again, after a conflict).
   */
  private async decide<S, C extends { type: string }, E extends DomainEvent>(
    streamId: string,
    decider: Decider<S, C, E>,
    source: CommandSource<C>,
    context: CommandContext,
    causationId: string,
    attempt: number,
    newStream = false,
  ): Promise<{ done: Promise<RecordedEvent<E>[]> }> {
    // Decided again: behind the stream's queue with an exclusive store (this command no longer holds it);
    // with a shared one, still in this command's turn, which lasts until it is written.
    const again = (): Promise<RecordedEvent<E>[]> =>
      this.store.exclusiveWriter
        ? this.enqueue(streamId, decider, source, context, causationId, attempt + 1)
        : this.decide(streamId, decider, source, context, causationId, attempt + 1).then((outcome) => outcome.done);
    // With a shared store, a cached state no other node's event has overtaken is decided on as it is
    // (the append's expected version checks it); decided again (attempt > 1), the stream is caught up.
    const cached = this.cache.peek(streamId);
    const trusted = !this.store.exclusiveWriter && attempt === 1 && cached !== undefined && cached.stale !== true;
    // Decided again (attempt > 1), a stream named new is read like any other.
    let loaded =
      newStream && attempt === 1
        ? (cached ?? { state: decider.initialState(), version: 0, position: 0, savedAt: 0 })
        : await this.load(streamId, decider, attempt > 1 || (!this.store.exclusiveWriter && !trusted));
    if (typeof source === 'function' && loaded.stored !== undefined) {
      // A command about a message reads its facts from the store: what it rests on must be written first.
      if (!(await loaded.stored)) return { done: again() };
      loaded = this.cache.get(streamId) ?? loaded;
    }
    let decided: readonly E[];
    try {
      const command = typeof source === 'function' ? await (source as (stream: { version: number }) => Promise<C>)(loaded) : source;
      decided = decider.decide(command, loaded.state as S);
    } catch (error) {
      // A refusal on a state no append will check: told only once the stream is caught up.
      if (trusted && !(error instanceof StoreUnavailableError)) return { done: again() };
      throw error;
    }
    if (decided.length === 0 && trusted) return { done: again() };
    if (decided.length === 0) {
      // Nothing new, but what the decision rests on must be written, and visible to the queries that follow.
      const rests = loaded.stored;
      return {
        done: (async () => {
          if (rests !== undefined && !(await rests)) return again();
          await this.projections.waitFor(loaded.position);
          return [];
        })(),
      };
    }
    const occurredAt = this.clock.now().toISOString();
    const events = decided.map((event): NewEvent => ({
      ...event,
      metadata: { eventId: this.ids.id(), occurredAt, correlationId: context.correlationId, causationId, node: this.config.nodeId },
    }));
    const appended = this.store.append(streamId, events, loaded.version);
    const next: Loaded = {
      state: decided.reduce(decider.evolve, loaded.state as S),
      version: loaded.version + events.length,
      position: loaded.position,
      savedAt: loaded.savedAt,
    };
    if (this.store.exclusiveWriter) {
      next.stored = appended.then(
        () => true,
        () => false,
      );
      this.cache.set(streamId, next);
    }
    const done = appended.then(
      async (result) => {
        const recorded = result.events as RecordedEvent<E>[];
        next.position = recorded[recorded.length - 1]?.position ?? loaded.position;
        next.version = result.nextVersion;
        next.stored = undefined;
        if (!this.store.exclusiveWriter) this.cache.set(streamId, next);
        this.saveIfDue(streamId, decider, next);
        await this.projections.waitFor(next.position);
        return recorded;
      },
      async (error: unknown) => {
        // States decided on this append never were: a miss reloads the stream from the store.
        if (this.store.exclusiveWriter) this.cache.delete(streamId);
        if (error instanceof DuplicateClientIdError) {
          // A resend of a message already stored: nothing new, as if decided so.
          await this.projections.waitFor(loaded.position);
          return [];
        }
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
        if (!this.store.exclusiveWriter) await backOff(attempt);
        return again();
      },
    );
    return { done };
  }

  /** The cached state, caught up from the store when asked to or when not cached yet (from its snapshot, if any). */
  private load<S, C, E extends DomainEvent>(streamId: string, decider: Decider<S, C, E>, catchUp: boolean, read = false): Promise<Loaded> {
    const cached = this.cache.get(streamId);
    if (cached !== undefined && !catchUp) return Promise.resolve(cached);
    if (cached !== undefined) {
      // Caught up from here on: an event that overtakes it meanwhile marks it stale again.
      cached.stale = false;
      return this.foldNewer(streamId, decider, cached, false);
    }
    const fromStore = async (): Promise<Loaded> => {
      const base = (await this.restore(streamId, decider)) ?? { state: decider.initialState(), version: 0, position: 0, savedAt: 0 };
      return this.foldNewer(streamId, decider, base, true);
    };
    // A command loads in its stream's turn; reads of a stream not cached share one load of it.
    if (!read) return fromStore();
    let loading = this.reading.get(streamId);
    if (loading === undefined) {
      loading = fromStore().finally(() => this.reading.delete(streamId));
      this.reading.set(streamId, loading);
    }
    return loading;
  }

  /**
   * `base` caught up with the stream's newer events, read and folded a page at a time: a stream with
   * no usable snapshot (a snapshot of another shape, after an upgrade) may hold a million events, and
   * the event loop serves every socket between pages.
   */
  private async foldNewer<S, C, E extends DomainEvent>(
    streamId: string,
    decider: Decider<S, C, E>,
    base: Loaded,
    restored: boolean,
  ): Promise<Loaded> {
    let { state, version, position } = base;
    for (;;) {
      const page = await this.store.readStream(streamId, version + 1, LOAD_PAGE);
      const last = page[page.length - 1];
      if (last === undefined) break;
      state = (page as unknown as E[]).reduce(decider.evolve, state as S);
      version = last.version;
      position = last.position;
      if (page.length < LOAD_PAGE) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (version === base.version) {
      if (restored && base.version > 0) this.remember(streamId, base);
      return base;
    }
    const caughtUp = { state, version, position, savedAt: base.savedAt };
    this.remember(streamId, caughtUp);
    this.saveIfDue(streamId, decider, caughtUp);
    return caughtUp;
  }

  /** Caches a loaded state unless a newer one was cached meanwhile (a read racing a command on the stream). */
  private remember(streamId: string, loaded: Loaded): void {
    const current = this.cache.get(streamId);
    if (current === undefined || current.version < loaded.version) this.cache.set(streamId, loaded);
  }

  /** The stream's saved state, when its decider saves them and the snapshot is of its current shape. */
  private async restore<S, C, E>(streamId: string, decider: Decider<S, C, E>): Promise<Loaded | undefined> {
    if (decider.snapshotSchema === undefined) return undefined;
    try {
      const snapshot = await this.store.readSnapshot(snapshotName(streamId));
      if (snapshot === undefined || snapshot.schema !== decider.snapshotSchema) return undefined;
      const { state, position } = decodeState(snapshot.data) as { state: S; position: number };
      return { state, version: snapshot.position, position, savedAt: snapshot.position };
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      this.logger.warn({ err: error, streamId }, 'snapshot of a stream ignored: folding the stream from its start');
      return undefined;
    }
  }

  /** Saves the state in the background once enough events were folded since the last save; a failure only costs time later. */
  private saveIfDue<S, C, E>(streamId: string, decider: Decider<S, C, E>, loaded: Loaded): void {
    if (decider.snapshotSchema === undefined || loaded.version - loaded.savedAt < STREAM_SNAPSHOT_EVERY) return;
    loaded.savedAt = loaded.version;
    const data = encodeState({ state: loaded.state, position: loaded.position });
    this.store
      .writeSnapshot(snapshotName(streamId), { schema: decider.snapshotSchema, position: loaded.version, data })
      .catch((error: unknown) => this.logger.warn({ err: error, streamId }, 'could not save a snapshot of a stream'));
  }
}
