import { escapeLiteral, type Pool, type PoolClient, type QueryResult } from 'pg';
import {
  ConcurrencyError,
  DuplicateClientIdError,
  type AppendResult,
  type ExpectedVersion,
  type NewEvent,
  type RecordedEvent,
} from '../../application/ports/event-store.port';
import { isDuplicateClientId, isUnavailable, isUniqueViolation, unavailable } from './postgres-errors';
import { clientIdOf } from './stored-event';

/** Advisory lock class ids (first key of the two-int form); the second key is hashtext(schema) or hashtext(schema.stream). */
export const DDL_LOCK = 0x65730001;
export const APPEND_LOCK = 0x65730002;
export const STREAM_LOCK = 0x65730003;

/** A batch that lost a race on the unique indexes is written again this often before its appends go one by one. */
const BATCH_ATTEMPTS = 3;
/** Limits of one batch (one statement): the rest waits for the next. */
const MAX_APPENDS = 256;
const MAX_EVENTS = 2048;

export interface AppendBatchesOptions {
  readonly pool: Pool;
  /** The schema, unquoted, and its `events` table, quoted. */
  readonly schema: string;
  readonly table: string;
  /** The NOTIFY channel. */
  readonly channel: string;
  /** Batches written at the same time, each on its own connection. */
  readonly maxInFlight: number;
  /** See `PostgresEventStoreOptions.beforeCommit`. */
  readonly beforeCommit?: () => Promise<void>;
  /** Called once per committed batch that stored something, with its last position. */
  readonly onCommitted: (lastPosition: number) => void;
}

interface PendingAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedVersion: ExpectedVersion;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A row of the batch statement's answer: one per append (`a`: the stream's version before it, and
 * a client id it repeats, if any), and one per inserted event (its stream, version and position).
 */
interface AnswerRow {
  readonly a: number | null;
  readonly current: number | null;
  readonly sender: string | null;
  readonly client_id: string | null;
  readonly stream_id: string | null;
  readonly version: number | null;
  readonly position: string | null;
}

/**
 * Group commit for the PostgreSQL event store. Appends called within one turn of the event loop,
 * or while earlier batches are in flight, go out together as ONE transaction in ONE round trip:
 *
 *   BEGIN; [stream locks of 'any' appends]; take APPEND_LOCK; one statement that checks every
 *   append's expected version and client ids, inserts the rows of those that pass, in call order,
 *   and queues the NOTIFY of the batch's last position; release APPEND_LOCK; COMMIT
 *
 * Each append keeps its own outcome: one whose stream moved fails with ConcurrencyError, one that
 * repeats a client id with DuplicateClientIdError, and the others of the batch are stored. An
 * append resolves only once its batch committed; a batch that cannot be written (the database is
 * gone, the COMMIT failed) fails all its appends with StoreUnavailableError, having stored none.
 *
 * Why subscriptions stay gap-free: the transaction gets its id (in the INSERT) and all its
 * positions while it holds APPEND_LOCK, as single appends did; a batch is just one bigger append.
 * So transaction ids still grow with positions across batches and nodes, which is what readers'
 * horizon (`PostgresEventStore.readAll`) relies on. The lock is taken and released inside the one
 * round trip, so it is held for the INSERT only, never across the network, and COMMITs (fsyncs)
 * of batches, here and on other nodes, still run in parallel.
 *
 * Appends to one stream take effect in the order they were called: a batch holds at most one
 * append per stream, and a stream's next append waits until the batch holding its previous one
 * has finished.
 */
export class PostgresAppendBatches {
  private queue: PendingAppend[] = [];
  /** Streams with an append in a batch in flight. */
  private readonly busy = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private scheduled = false;
  /** Connections the batch statement is prepared on. */
  private readonly prepared = new WeakSet<PoolClient>();
  private readonly schemaKey: string;
  private readonly channelLiteral: string;

  constructor(private readonly options: AppendBatchesOptions) {
    this.schemaKey = `hashtext(${escapeLiteral(options.schema)})`;
    this.channelLiteral = escapeLiteral(options.channel);
  }

  append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ streamId, events, expectedVersion, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every append called so far has settled. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0) {
      this.flush();
      await Promise.allSettled([...this.inFlight]);
    }
  }

  /** The batch starts on the next turn, so that every append of this turn is in it. */
  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight.size < this.options.maxInFlight) {
      const batch = this.take();
      if (batch.length === 0) return;
      for (const append of batch) this.busy.add(append.streamId);
      const written: Promise<void> = this.write(batch)
        .catch((error: unknown) => {
          for (const append of batch) append.reject(error);
        })
        .finally(() => {
          for (const append of batch) this.busy.delete(append.streamId);
          this.inFlight.delete(written);
          this.schedule();
        });
      this.inFlight.add(written);
    }
  }

  /** The oldest pending appends, at most one per stream and none of a stream that has a batch in flight. */
  private take(): PendingAppend[] {
    const batch: PendingAppend[] = [];
    const rest: PendingAppend[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (const append of this.queue) {
      const full = batch.length >= MAX_APPENDS || (batch.length > 0 && events + append.events.length > MAX_EVENTS);
      if (full || streams.has(append.streamId) || this.busy.has(append.streamId)) {
        rest.push(append);
      } else {
        batch.push(append);
        events += append.events.length;
      }
      streams.add(append.streamId);
    }
    this.queue = rest;
    return batch;
  }

  /** Writes a batch and settles each of its appends; never rejects. */
  private async write(batch: readonly PendingAppend[], attempt = 1): Promise<void> {
    let answer: AnswerRow[];
    try {
      answer = await this.transaction(batch);
    } catch (error) {
      if (isUnavailable(error)) {
        const failure = unavailable('append', error);
        for (const append of batch) append.reject(failure);
        return;
      }
      // A node racing on one of these streams (or client ids) had not committed when the batch
      // looked: now it has, and the next attempt sees its rows and fails only that append.
      if (isUniqueViolation(error) && attempt < BATCH_ATTEMPTS) return this.write(batch, attempt + 1);
      if (batch.length > 1) {
        // Something about one append the checks did not foresee: each goes alone, in order.
        for (const append of batch) await this.write([append]);
        return;
      }
      batch[0]!.reject(await this.failure(batch[0]!, error));
      return;
    }
    const outcomes = new Map<number, AnswerRow>();
    // stream → version → position; a batch holds one append per stream.
    const positions = new Map<string, Map<number, number>>();
    for (const row of answer) {
      if (row.a !== null) outcomes.set(row.a, row);
      else
        positions.set(row.stream_id!, (positions.get(row.stream_id!) ?? new Map<number, number>()).set(row.version!, Number(row.position)));
    }
    for (const [i, append] of batch.entries()) {
      const { streamId, events, expectedVersion } = append;
      const outcome = outcomes.get(i + 1);
      const current = outcome?.current ?? 0;
      if (outcome === undefined) {
        append.reject(new Error(`The append batch statement did not answer for append ${i + 1} of ${batch.length}`));
      } else if (expectedVersion !== 'any' && expectedVersion !== current) {
        append.reject(new ConcurrencyError(streamId, expectedVersion, current));
      } else if (outcome.client_id !== null) {
        append.reject(new DuplicateClientIdError(streamId, outcome.sender ?? '', outcome.client_id));
      } else {
        const inserted = positions.get(streamId);
        append.resolve({
          nextVersion: current + events.length,
          events: events.map((event, j): RecordedEvent => {
            const version = current + j + 1;
            return { ...event, streamId, version, position: inserted?.get(version) ?? Number.NaN };
          }),
        });
      }
    }
    if (positions.size > 0) this.options.onCommitted(Math.max(...[...positions.values()].flatMap((byVersion) => [...byVersion.values()])));
  }

  /** The error of a single append the database refused. */
  private async failure(append: PendingAppend, error: unknown): Promise<unknown> {
    const { streamId, events, expectedVersion } = append;
    if (isDuplicateClientId(error)) {
      const duplicate = events.map(clientIdOf).find((key) => key !== undefined);
      return new DuplicateClientIdError(streamId, duplicate?.senderId ?? '', duplicate?.clientId ?? '');
    }
    if (!isUniqueViolation(error)) return error;
    const actual = await this.options.pool
      .query<{ version: number }>(`SELECT coalesce(max(version), 0) AS version FROM ${this.options.table} WHERE stream_id = $1`, [streamId])
      .then(
        (result) => result.rows[0]?.version ?? 0,
        () => (typeof expectedVersion === 'number' ? expectedVersion + 1 : 0),
      );
    return new ConcurrencyError(streamId, expectedVersion, actual);
  }

  /**
   * One round trip: the statements go as one simple-protocol query (which takes no parameters, so
   * values are quoted with `escapeLiteral`). If a statement fails, PostgreSQL skips the rest, and
   * the transaction (maybe holding APPEND_LOCK, a session lock) is rolled back and unlocked here;
   * a connection that cannot be, is closed, which frees the lock with it.
   */
  private async transaction(batch: readonly PendingAppend[]): Promise<AnswerRow[]> {
    const { pool, beforeCommit } = this.options;
    const anyStreams = [...new Set(batch.filter((append) => append.expectedVersion === 'any').map((append) => append.streamId))].sort();
    const statements = [
      'BEGIN',
      // 'any' appends to one stream queue up (until COMMIT) across nodes rather than collide on the
      // next version; taken in one order everywhere, so two batches cannot deadlock on them.
      ...anyStreams.map(
        (streamId) => `SELECT pg_advisory_xact_lock(${STREAM_LOCK}, hashtext(${escapeLiteral(`${this.options.schema}.${streamId}`)}))`,
      ),
      `SELECT pg_advisory_lock(${APPEND_LOCK}, ${this.schemaKey})`,
      `EXECUTE ${APPEND_BATCH_STATEMENT}(${batchArguments(batch)}, ${this.channelLiteral})`,
      `SELECT pg_advisory_unlock(${APPEND_LOCK}, ${this.schemaKey})`,
      ...(beforeCommit === undefined ? ['COMMIT'] : []),
    ];
    const client = await pool.connect();
    let broken: Error | undefined;
    // A connection lost between queries (while `beforeCommit` runs) is told as an event.
    const lost = (error: Error): void => {
      broken = error;
    };
    client.on('error', lost);
    try {
      if (!this.prepared.has(client)) {
        await client.query(prepareAppendBatch(this.options.table));
        this.prepared.add(client);
      }
      const results = (await client.query(statements.join(';\n'))) as unknown as QueryResult[];
      if (beforeCommit !== undefined) {
        await beforeCommit();
        await client.query('COMMIT');
      }
      return results[anyStreams.length + 2]!.rows as AnswerRow[];
    } catch (error) {
      broken = (await this.rollBack(client)) ?? broken;
      throw error;
    } finally {
      client.off('error', lost);
      client.release(broken);
    }
  }

  private async rollBack(client: PoolClient): Promise<Error | undefined> {
    try {
      await client.query('ROLLBACK; SELECT pg_advisory_unlock_all()');
      return undefined;
    } catch (error) {
      return error as Error;
    }
  }
}

/** The name of the batch statement, prepared once on each connection that writes a batch. */
export const APPEND_BATCH_STATEMENT = 'event_store_append_batch';

/**
 * The statement of a batch, run under APPEND_LOCK, prepared once per connection (a plan made for
 * every batch cost more than the rest of its work). $1: the appends, `a` numbering them from 1 in
 * call order; $2: their events, `ord` numbering each append's from 1; $3: the NOTIFY channel. For
 * each append: the stream's current version; whether one of its messages repeats a client id of
 * its stream (stored, or earlier in the same append: the `events_client_id` index's expressions);
 * the rows of those whose version matches and that repeat nothing are inserted, in call order.
 * Answers one row per append and one per inserted event. The notification (sent at COMMIT) carries
 * the batch's last position, 0 when it stored nothing: a node whose subscribers have it already
 * reads nothing for it. It is taken from the inserted rows here rather than looked up by
 * transaction id in a statement of its own, which had to be planned for every batch.
 */
export const prepareAppendBatch = (table: string): string => {
  const messages = `('MessageSent', 'PrivateMessageSent')`;
  return `PREPARE ${APPEND_BATCH_STATEMENT}(jsonb, jsonb, text) AS
WITH appends AS MATERIALIZED (
  SELECT p.a, p.stream_id, p.expected,
         (SELECT coalesce(max(t.version), 0) FROM ${table} t WHERE t.stream_id = p.stream_id) AS current
    FROM jsonb_to_recordset($1) AS p(a int, stream_id text, expected int)
), new_rows AS MATERIALIZED (
  SELECT e.a, p.stream_id, e.ord, e.type, coalesce(e.data, 'null') AS data, e.metadata
    FROM jsonb_to_recordset($2) AS e(a int, ord int, type text, data jsonb, metadata jsonb) JOIN appends p USING (a)
), client_keys AS MATERIALIZED (
  SELECT a, stream_id, ord, coalesce(data->>'userId', data->>'fromUserId') AS sender, data->>'clientId' AS client_id
    FROM new_rows WHERE type IN ${messages} AND (data->>'clientId') IS NOT NULL
), duplicate AS MATERIALIZED (
  SELECT DISTINCT ON (k.a) k.a, k.sender, k.client_id FROM client_keys k
   WHERE (SELECT 1 FROM ${table} t
           WHERE t.stream_id = k.stream_id AND t.type IN ${messages}
             AND coalesce(t.data->>'userId', t.data->>'fromUserId') = k.sender AND (t.data->>'clientId') = k.client_id LIMIT 1) IS NOT NULL
      OR (SELECT 1 FROM client_keys o
           WHERE o.a = k.a AND o.ord < k.ord AND o.sender = k.sender AND o.client_id = k.client_id LIMIT 1) IS NOT NULL
   ORDER BY k.a, k.ord
), inserted AS (
  INSERT INTO ${table} (stream_id, version, type, data, metadata)
  SELECT r.stream_id, p.current + r.ord, r.type, r.data, r.metadata FROM new_rows r JOIN appends p USING (a)
   WHERE (p.expected IS NULL OR p.expected = p.current) AND NOT EXISTS (SELECT 1 FROM duplicate d WHERE d.a = p.a)
   ORDER BY r.a, r.ord
  RETURNING stream_id, version, position
), notified AS MATERIALIZED (
  SELECT pg_notify($3, coalesce(max(position), 0)::text) FROM inserted
)
SELECT p.a, p.current, d.sender, d.client_id, NULL AS stream_id, NULL::int AS version, NULL::bigint AS position
  FROM appends p LEFT JOIN duplicate d USING (a) CROSS JOIN notified
UNION ALL
SELECT NULL, NULL, NULL, NULL, stream_id, version, position FROM inserted`;
};

/** The two arguments of the batch statement, as literals. */
const batchArguments = (batch: readonly PendingAppend[]): string => {
  const appends = batch.map((append, i) => ({
    a: i + 1,
    stream_id: append.streamId,
    expected: append.expectedVersion === 'any' ? null : append.expectedVersion,
  }));
  const rows = batch.flatMap((append, i) =>
    append.events.map((event, j) => ({ a: i + 1, ord: j + 1, type: event.type, data: event.data, metadata: event.metadata })),
  );
  return `${quote(JSON.stringify(appends))}, ${quote(JSON.stringify(rows))}`;
};

/**
 * A string as an escape-string literal (E'…'): backslashes and quotes doubled, which is all such a
 * literal needs, whatever standard_conforming_strings says. What pg's `escapeLiteral` does, with
 * native replaces instead of a loop over the characters (≈20 µs instead of ≈90 µs for a batch of 16
 * messages).
 */
const quote = (text: string): string => `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
