import { Pool, escapeIdentifier, type PoolClient } from 'pg';
import {
  EventStore,
  type AppendResult,
  type AuthoredType,
  type ExpectedVersion,
  type NewEvent,
  type RecordedEvent,
  type RoomEventKind,
  type SeqRange,
  type VersionRange,
  type Snapshot,
  type Subscription,
} from '../../application/ports/event-store.port';
import { DDL_LOCK, PostgresAppendBatches } from './postgres-append-batches';
import { isUnavailable, redact, unavailable } from './postgres-errors';
import { channelFor, PostgresNotifications } from './postgres-notifications';
import { PostgresMessageReads } from './postgres-message-reads';
import { postgresEventStoreSchema, postgresLogQueries } from './postgres-schema';
import type { PostgresEventStoreOptions } from './postgres-event-store-options';
import { EVENT_COLUMNS, toRecorded, type EventRow } from './stored-event';

export type { PostgresEventStoreOptions } from './postgres-event-store-options';

const CATCH_UP_BATCH = 1000;

type Row = EventRow & { position: string };

interface LiveSubscription {
  position: number;
  closed: boolean;
  running: boolean;
  again: boolean;
  readonly handler: (event: RecordedEvent) => void;
  /** While a read is running: this node's last commit known when it was sent, which it therefore sees. */
  reading: number;
}

/**
 * The reads every commit causes on every node (a subscription catching up, the head a reader
 * waits for) are prepared once per connection: planning them against the `events` table and its
 * indexes took five times as long as running them (0.12–0.15 ms against 0.02–0.04 ms), and after
 * five runs PostgreSQL keeps the plan it made without the parameters, the same index scans.
 */
const LOG_AFTER_STATEMENT = 'event_store_log_after';
const LOG_HEAD_STATEMENT = 'event_store_log_head';

/**
 * The EventStore on PostgreSQL, for several nodes sharing one log.
 *
 * Appends called together (within one turn of the event loop, or while earlier ones are being
 * written) go out as one transaction, in one round trip, with each append's own outcome
 * (`postgres-append-batches.ts`). The unique (stream_id, version) constraint is what makes two
 * nodes racing on one stream unable to both win. Positions come from an identity column.
 *
 * The trap of SQL event stores: a transaction that took a lower position can commit after one that
 * took a higher position, so a reader that has seen position n must not assume it has seen
 * everything below n. The cure here has two halves:
 * - Every row records the transaction that wrote it (`transaction_id`, xid8). Readers of the global
 *   order (`readAll`, `headPosition`, `subscribe`) only return rows written by transactions older
 *   than the snapshot's xmin (`pg_snapshot_xmin(pg_current_snapshot())`): every transaction below
 *   xmin has finished, so nothing can still appear among them.
 * - That rule is only sound if transaction ids grow with positions. Each batch of appends therefore
 *   takes a short advisory lock around "get a transaction id, take positions" (the INSERT) and
 *   releases it before COMMIT: batches get their ids and positions in the same order, and still
 *   commit (and fsync) in parallel. Readers additionally cut the result at the first visible row
 *   that is not yet safe, so they can never step over a row, even if that ordering were broken by
 *   a foreign writer.
 * The price: a transaction that stays open (any transaction with an id, in any database of the
 * cluster) holds back `readAll`, `headPosition` and subscriptions until it ends. `readStream` reads
 * every committed event of its stream.
 *
 * Subscriptions catch up with `readAll` in batches, then follow NOTIFYs (sent by the append
 * transaction, on a dedicated LISTEN connection) and a poll every `pollIntervalMs`.
 */
export class PostgresEventStore extends EventStore {
  private readonly table: string;
  private readonly logQueries: ReturnType<typeof postgresLogQueries>;
  private readonly reads: PostgresMessageReads;
  private readonly channel: string;
  private readonly subscriptions = new Set<LiveSubscription>();
  /** The highest position known committed: by this node's batches, or named by a notification. A read sent later sees it. */
  private committed = 0;
  private readonly pumping = new Set<Promise<void>>();
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly notifications: PostgresNotifications;
  private readonly batches: PostgresAppendBatches;
  private closing: Promise<void> | undefined;

  private constructor(
    url: string,
    private readonly pool: Pool,
    readonly schema: string,
    private readonly options: PostgresEventStoreOptions,
  ) {
    super();
    this.table = `${escapeIdentifier(schema)}.events`;
    this.logQueries = postgresLogQueries(this.table);
    this.reads = new PostgresMessageReads((what, sql, params) => this.query(what, sql, params), schema);
    this.channel = channelFor(schema);
    this.notifications = new PostgresNotifications(
      url,
      this.channel,
      options.applicationName ?? 'nest-chat-event-store',
      (upTo) => this.committedUpTo(upTo),
      (error, context) => this.report(error, context),
    );
    this.batches = new PostgresAppendBatches({
      pool,
      schema,
      table: this.table,
      channel: this.channel,
      maxInFlight: options.appendBatchesInFlight ?? 1,
      beforeCommit: options.beforeCommit,
      onCommitted: (lastPosition) => this.committedUpTo(lastPosition),
    });
  }

  /** Connects, creates the schema if absent, and starts listening for other nodes' appends. */
  static async connect(url: string, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    const schema = options.schema ?? 'public';
    const pool = new Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 10_000,
      keepAlive: true,
      application_name: options.applicationName ?? 'nest-chat-event-store',
    });
    const store = new PostgresEventStore(url, pool, schema, options);
    pool.on('error', (error) => store.report(error, 'idle pool connection'));
    try {
      await store.createSchema();
      await store.notifications.listen();
    } catch (error) {
      await store.close().catch(() => undefined);
      throw unavailable(`connection to ${redact(url)}`, error);
    }
    return store;
  }

  append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    return this.batches.append(streamId, events, expectedVersion);
  }

  async readStream(streamId: string, fromVersion = 1, limit?: number): Promise<RecordedEvent[]> {
    if (limit !== undefined && limit <= 0) return [];
    const rows = await this.query<Row>(
      'readStream',
      // LIMIT NULL: no limit.
      `SELECT ${EVENT_COLUMNS} FROM ${this.table}
        WHERE stream_id = $1 AND version >= $2 ORDER BY version LIMIT $3`,
      [streamId, fromVersion, limit !== undefined && Number.isFinite(limit) ? limit : null],
    );
    return rows.map(toRecorded);
  }

  async readStreamBackward(streamId: string, beforeVersion: number, limit: number): Promise<RecordedEvent[]> {
    if (limit <= 0) return [];
    const rows = await this.query<Row>(
      'readStreamBackward',
      `SELECT ${EVENT_COLUMNS} FROM ${this.table}
        WHERE stream_id = $1 AND version < $2 ORDER BY version DESC LIMIT $3`,
      [streamId, beforeVersion, limit],
    );
    return rows.map(toRecorded);
  }

  readRoomEvents(streamId: string, kind: RoomEventKind, range: VersionRange, limit: number): Promise<RecordedEvent[]> {
    return this.reads.readRoomEvents(streamId, kind, range, limit);
  }

  countMessages(streamId: string, range: { readonly after: number; readonly before: number }, exceptSender: string): Promise<number> {
    return this.reads.countMessages(streamId, range, exceptSender);
  }

  countConversation(
    userA: string,
    userB: string,
    range: { readonly after: number; readonly before: number },
    from: string,
  ): Promise<number> {
    return this.reads.countConversation(userA, userB, range, from);
  }

  readMessages(streamId: string, range: SeqRange, limit: number): Promise<RecordedEvent[]> {
    return this.reads.readMessages(streamId, range, limit);
  }

  readMessageEvents(streamId: string, messageIds: readonly string[]): Promise<RecordedEvent[]> {
    return this.reads.readMessageEvents(streamId, messageIds);
  }

  findByClientId(streamId: string, senderId: string, clientId: string): Promise<RecordedEvent | undefined> {
    return this.reads.findByClientId(streamId, senderId, clientId);
  }

  readFileShares(fileId: string): Promise<RecordedEvent[]> {
    return this.reads.readFileShares(fileId);
  }

  readAuthored(userId: string, type: AuthoredType, afterPosition: number, limit: number): Promise<RecordedEvent[]> {
    return this.reads.readAuthored(userId, type, afterPosition, limit);
  }

  readConversation(userA: string, userB: string, beforePosition: number, limit: number): Promise<RecordedEvent[]> {
    return this.reads.readConversation(userA, userB, beforePosition, limit);
  }

  readConversationAfter(userA: string, userB: string, afterPosition: number, limit: number): Promise<RecordedEvent[]> {
    return this.reads.readConversationAfter(userA, userB, afterPosition, limit);
  }

  readSnapshot(name: string): Promise<Snapshot | undefined> {
    return this.reads.readSnapshot(name);
  }

  writeSnapshot(name: string, snapshot: Snapshot): Promise<void> {
    return this.reads.writeSnapshot(name, snapshot);
  }

  /**
   * Up to `limit` events after `fromPosition`, from the safe prefix of the log only: events whose
   * transaction, and every transaction that could still add an event below them, has finished. An
   * event committed a moment ago may therefore show up a little later, but never out of order.
   */
  async readAll(fromPosition: number, limit: number): Promise<RecordedEvent[]> {
    if (limit <= 0) return [];
    const rows = await this.query<Row>('readAll', this.logQueries.logAfter, [fromPosition, limit], LOG_AFTER_STATEMENT);
    return rows.map(toRecorded);
  }

  /** The highest safe position (see `readAll`): a reader that reached it has seen everything below it. */
  async headPosition(): Promise<number> {
    const rows = await this.query<{ head: string }>('headPosition', this.logQueries.logHead, [], LOG_HEAD_STATEMENT);
    return Number(rows[0]?.head ?? 0);
  }

  subscribe(fromPosition: number, handler: (event: RecordedEvent) => void): Subscription {
    const subscription: LiveSubscription = { position: fromPosition, closed: false, running: false, again: false, handler, reading: 0 };
    if (this.closing !== undefined) return { close: () => undefined };
    this.subscriptions.add(subscription);
    this.startPolling();
    this.pump(subscription);
    return {
      close: () => {
        subscription.closed = true;
        this.subscriptions.delete(subscription);
        if (this.subscriptions.size === 0) this.stopPolling();
      },
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.closed = true;
    this.subscriptions.clear();
    this.stopPolling();
    await this.notifications.close();
    await this.batches.drain();
    await Promise.allSettled([...this.pumping]);
    await this.pool.end().catch(() => undefined);
  }

  private async createSchema(): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [DDL_LOCK, this.schema]);
      const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema]);
      if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${escapeIdentifier(this.schema)}`);
      await client.query(postgresEventStoreSchema(this.schema));
    });
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      // A connection in an unknown state (maybe still holding the append lock) is closed, not reused.
      client.release(broken);
    }
  }

  /** `name`: prepare the statement once per connection under that name (see `LOG_AFTER_STATEMENT`). */
  private async query<R extends object>(what: string, sql: string, params: unknown[] = [], name?: string): Promise<R[]> {
    try {
      return (await this.pool.query<R>(name === undefined ? { text: sql, values: params } : { name, text: sql, values: params })).rows;
    } catch (error) {
      throw isUnavailable(error) ? unavailable(what, error) : error;
    }
  }

  private startPolling(): void {
    if (this.pollTimer !== undefined || this.closing !== undefined) return;
    this.pollTimer = setInterval(() => this.pumpAll(), this.options.pollIntervalMs ?? 250);
  }

  private stopPolling(): void {
    if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** A commit ended at `upTo` (this node's, or one a notification named; undefined: maybe anything). */
  private committedUpTo(upTo: number | undefined): void {
    if (upTo !== undefined) this.committed = Math.max(this.committed, upTo);
    this.pumpAll(upTo);
  }

  /**
   * Every subscription reads what is new. With `upTo` (a commit that ended at that position: this
   * node's own, or named by a notification), only those that have not delivered it yet and are not
   * reading it already: a read sent once the commit was known sees it. So each commit is read once,
   * whichever of its two calls (the commit's answer, its notification) comes first.
   */
  private pumpAll(upTo?: number): void {
    for (const subscription of this.subscriptions) {
      if (upTo !== undefined && (subscription.position >= upTo || (subscription.running && upTo <= subscription.reading))) continue;
      this.pump(subscription);
    }
  }

  /** Delivers what is safe to deliver. One loop per subscription at a time; a call meanwhile asks it to go round again. */
  private pump(subscription: LiveSubscription): void {
    if (subscription.closed || this.closing !== undefined) return;
    if (subscription.running) {
      subscription.again = true;
      return;
    }
    subscription.running = true;
    const run = this.drain(subscription).finally(() => {
      subscription.running = false;
      this.pumping.delete(run);
    });
    this.pumping.add(run);
  }

  private async drain(subscription: LiveSubscription): Promise<void> {
    try {
      do {
        subscription.again = false;
        subscription.reading = this.committed;
        const batch = await this.readAll(subscription.position, CATCH_UP_BATCH);
        for (const event of batch) {
          if (subscription.closed) return;
          if (event.position <= subscription.position) continue;
          subscription.position = event.position;
          try {
            subscription.handler(event);
          } catch (error) {
            this.report(error, `subscription handler at position ${event.position}`);
          }
        }
        if (batch.length === CATCH_UP_BATCH) subscription.again = true;
      } while (subscription.again && !subscription.closed && this.closing === undefined);
    } catch (error) {
      // Retried by the next poll or notification.
      if (!subscription.closed && this.closing === undefined) this.report(error, 'subscription read');
    }
  }

  private report(error: unknown, context: string): void {
    try {
      this.options.onError?.(error, context);
    } catch {
      // a reporter must not break the store
    }
  }
}
