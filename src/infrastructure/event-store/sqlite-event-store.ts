import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  ConcurrencyError,
  CorruptSnapshotError,
  DuplicateClientIdError,
  StoreUnavailableError,
  type AuthoredType,
  type RecordedEvent,
  type RoomEventKind,
  type SeqRange,
  type VersionRange,
  type Snapshot,
} from '../../application/ports/event-store.port';
import { LocalEventStore, type BatchOutcomes, type PendingAppend } from './local-event-store';
import { IntegrityFailure, SqliteWriter, WriteFailure, type WriterOutcome } from './sqlite-writer';
import { INDEX_COLUMNS, INDEXED_TYPES, INSERT_EVENT, SQLITE_EVENT_QUERIES, SQLITE_MESSAGE_QUERIES, SQLITE_SCHEMA } from './sqlite-schema';
import { clientIdOf, conversationKey, indexColumns, recordedEvent, snapshotChecksum } from './stored-event';

/** An event as its reads return it: `EVENT_COLUMNS` in order, as an array (no object made for the row). */
type Row = [position: number, streamId: string, version: number, type: string, data: string, metadata: string];

/** SQLite keeps `data` and `metadata` as JSON text. */
const fromRow = (row: Row): RecordedEvent => recordedEvent(row[1], row[2], row[0], row[3], JSON.parse(row[4]), JSON.parse(row[5]));

/**
 * An error of SQLite, told by its name and code rather than by `instanceof`: the native addon keeps
 * the SqliteError class (and the `Error` it extends) of the first copy of the module loaded in the
 * process, and a module registry or realm of its own (a spec runner's) has others.
 */
const sqliteCode = (error: unknown): string | undefined => {
  // Not `instanceof Error` either: under a spec runner the error may come from another realm's Error.
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === 'SqliteError' && typeof code === 'string' ? code : undefined;
};

/** Storage failures a client can be told about; anything else is a bug and stays as it is. */
const isStorageFailure = (error: unknown): boolean =>
  /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|CORRUPT|NOTADB)/.test(
    (error instanceof WriteFailure ? error.code : sqliteCode(error)) ?? '',
  );

const reading = <T>(read: () => T): T => {
  try {
    return read();
  } catch (error) {
    if (isStorageFailure(error)) throw new StoreUnavailableError(`Event store read failed: ${(error as Error).message}`, { cause: error });
    throw error;
  }
};

/**
 * mkdir -p, walking up to the nearest existing folder first: Node's recursive mkdir can spin
 * forever on paths such as /proc/1/data.
 */
const makeDirectory = (dir: string): void => {
  const missing: string[] = [];
  let current = dir;
  while (!existsSync(current)) {
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing) mkdirSync(folder);
};

type IndexRow = readonly [string | null, number | null, string | null, string | null, string | null, string | null, string | null];

const indexRow = (event: { readonly type: string; readonly data: unknown }): IndexRow => {
  const c = indexColumns(event);
  return [c.messageId, c.seq, c.senderId, c.clientId, c.pair, c.fileId, c.authorId];
};

/**
 * A log written before the index columns (or some of them) existed gets them, filled from its events,
 * in one transaction (so a crash midway leaves the old table as it was), before the indexes are built.
 */
const addIndexColumns = (db: Database.Database): void => {
  const columns = new Set((db.prepare('PRAGMA table_info(events)').all() as { name: string }[]).map((column) => column.name));
  const missing = INDEX_COLUMNS.filter((column) => !columns.has(column));
  if (columns.size === 0 || missing.length === 0) return;
  db.transaction(() => {
    // Indexes over JSON expressions that an earlier build made, replaced by the columns.
    for (const index of ['events_message_seq', 'events_message_id', 'events_client_id', 'events_conversation', 'events_attachment']) {
      db.exec(`DROP INDEX IF EXISTS ${index}`);
    }
    for (const column of missing) db.exec(`ALTER TABLE events ADD COLUMN ${column} ${column === 'seq' ? 'INTEGER' : 'TEXT'}`);
    const batch = db.prepare<unknown[], { position: number; type: string; data: string }>(
      `SELECT position, type, data FROM events WHERE position > ? AND type IN (${INDEXED_TYPES.map(() => '?').join(', ')})
        ORDER BY position LIMIT 10000`,
    );
    const update = db.prepare(`UPDATE events SET ${INDEX_COLUMNS.map((column) => `${column} = ?`).join(', ')} WHERE position = ?`);
    for (let rows = batch.all(0, ...INDEXED_TYPES); rows.length > 0; rows = batch.all(rows[rows.length - 1]!.position, ...INDEXED_TYPES)) {
      for (const row of rows) update.run(...indexRow({ type: row.type, data: JSON.parse(row.data) as unknown }), row.position);
    }
  })();
};

/** Logs up to this size are checked before the store opens; larger ones while the server serves. */
export const SYNC_CHECK_MAX_BYTES = 256 * 1024 * 1024;

/** The embedded default: one SQLite file in WAL mode. */
export class SqliteEventStore extends LocalEventStore {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly writer: SqliteWriter;
  /** A log up to `syncCheckMaxBytes` was checked before the store opened; a larger one waits for `checkIntegrity`. */
  private readonly checkedAtStart: boolean;
  private backgroundCheck: Promise<void> | undefined;

  constructor(
    readonly file: string,
    syncCheckMaxBytes = SYNC_CHECK_MAX_BYTES,
  ) {
    super();
    let checkedAtStart = false;
    try {
      makeDirectory(dirname(file));
      const size = existsSync(file) ? statSync(file).size : 0;
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      // Every commit is on disk before it is acknowledged; group commit makes that one sync per batch.
      this.db.pragma('synchronous = FULL');
      this.db.pragma('busy_timeout = 5000');
      if (size <= syncCheckMaxBytes) {
        // A damaged page anywhere (table or index) is found now, not halfway through a read.
        const check = this.db.pragma('quick_check', { simple: true });
        if (check !== 'ok') throw new Error(`integrity check failed: ${String(check).split('\n').join('; ')}`);
        checkedAtStart = true;
      }
      addIndexColumns(this.db);
      this.db.exec(SQLITE_SCHEMA);
    } catch (error) {
      throw new StoreUnavailableError(`Cannot open the event store at ${file}: ${(error as Error).message}`, { cause: error });
    }
    this.statements = {
      readStream: this.events<[string, number, number]>(SQLITE_EVENT_QUERIES.streamForward),
      readStreamBackward: this.events<[string, number, number]>(SQLITE_EVENT_QUERIES.streamBackward),
      readAll: this.events<[number, number]>(SQLITE_EVENT_QUERIES.logAfter),
      messagesAfter: this.events<[string, number, number]>(SQLITE_MESSAGE_QUERIES.messagesAfter),
      messagesBefore: this.events<[string, number, number]>(SQLITE_MESSAGE_QUERIES.messagesBefore),
      messageEvents: this.events<[string, string]>(SQLITE_MESSAGE_QUERIES.messageEvents),
      byClientId: this.events<[string, string, string]>(SQLITE_MESSAGE_QUERIES.byClientId),
      readSnapshot: this.db.prepare<[string], Snapshot & { checksum: string }>(
        'SELECT schema, position, data, checksum FROM snapshots WHERE name = ?',
      ),
      fileShares: this.events<[string]>(SQLITE_MESSAGE_QUERIES.fileShares),
      authored: this.events<[string, string, number, number]>(SQLITE_MESSAGE_QUERIES.authored),
      countMessages: this.db.prepare<[string, number, number, string], { n: number }>(SQLITE_MESSAGE_QUERIES.countMessages),
      moderation: this.events<[string, number, number, number]>(SQLITE_MESSAGE_QUERIES.moderation),
      roomState: this.events<[string, number, number, number]>(SQLITE_MESSAGE_QUERIES.roomState),
      countConversation: this.db.prepare<[string, number, number, string], { n: number }>(SQLITE_MESSAGE_QUERIES.countConversation),
      conversationBefore: this.events<[string, number, number]>(SQLITE_MESSAGE_QUERIES.conversationBefore),
      conversationAfter: this.events<[string, number, number]>(SQLITE_MESSAGE_QUERIES.conversationAfter),
      head: this.db.prepare<[], { position: number | null }>('SELECT max(position) AS position FROM events'),
    };
    this.writer = new SqliteWriter(file, INSERT_EVENT);
    this.checkedAtStart = checkedAtStart;
  }

  /** A read of events: its rows come as arrays (`Row`), so no object is made for each only to be dropped. */
  private events<P extends unknown[]>(sql: string): Database.Statement<P, Row> {
    return this.db.prepare<P, Row>(sql).raw(true);
  }

  /**
   * SQLite's integrity check of the whole file (table and indexes). A log up to `syncCheckMaxBytes`
   * was checked before the store opened, so a damaged page is found at start. A larger one is
   * checked when this is first called (the server calls it once it listens, so the check's reads of
   * the whole file do not slow the start), on the writer's checkpointer thread while the server
   * serves (about a second per GB from the page cache); this rejects if it is damaged, for the caller to stop.
   */
  checkIntegrity(): Promise<void> {
    if (this.checkedAtStart) return Promise.resolve();
    this.backgroundCheck ??= this.writer.checkIntegrity().catch((error: unknown) => {
      throw new StoreUnavailableError(
        error instanceof IntegrityFailure
          ? `The event store at ${this.file} is damaged: ${error.detail}`
          : `The event store at ${this.file} could not be checked: ${(error as Error).message}`,
      );
    });
    return this.backgroundCheck;
  }

  /**
   * The batch goes to the writer thread, which writes it as one transaction (one sync to disk) while
   * this thread goes on serving; the events are recorded here with the versions and positions it
   * answers.
   */
  protected async appendBatch(batch: readonly PendingAppend[]): Promise<BatchOutcomes> {
    const appends = batch.map(({ streamId, events, expectedVersion }) => ({
      streamId,
      expectedVersion,
      rows: events.map((event) => [event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), ...indexRow(event)]),
    }));
    let outcomes: WriterOutcome[];
    try {
      outcomes = await this.writer.append(appends);
    } catch (error) {
      if (error instanceof WriteFailure && isStorageFailure(error))
        throw new StoreUnavailableError(`Event store write failed: ${error.message}`, { cause: error });
      throw error;
    }
    return batch.map(({ streamId, events, expectedVersion }, i): RecordedEvent[] | Error => {
      const outcome = outcomes[i]!;
      if ('conflict' in outcome) return new ConcurrencyError(streamId, expectedVersion, outcome.conflict);
      if ('duplicate' in outcome) {
        const duplicate = events.map(clientIdOf).find((key) => key !== undefined);
        return new DuplicateClientIdError(streamId, duplicate?.senderId ?? '', duplicate?.clientId ?? '');
      }
      return events.map((event, k) => ({ ...event, streamId, version: outcome.version + k + 1, position: outcome.positions[k]! }));
    });
  }

  protected readStreamSync(streamId: string, fromVersion: number, limit: number): RecordedEvent[] {
    return reading(() => this.statements.readStream.all(streamId, fromVersion, Number.isFinite(limit) ? limit : -1).map(fromRow));
  }

  protected readStreamBackwardSync(streamId: string, beforeVersion: number, limit: number): RecordedEvent[] {
    return reading(() => this.statements.readStreamBackward.all(streamId, beforeVersion, limit).map(fromRow));
  }

  protected readRoomEventsSync(streamId: string, kind: RoomEventKind, range: VersionRange, limit: number): RecordedEvent[] {
    const statement = kind === 'moderation' ? this.statements.moderation : this.statements.roomState;
    return reading(() => statement.all(streamId, range.afterVersion, range.beforeVersion, limit).map(fromRow));
  }

  protected countMessagesSync(streamId: string, after: number, before: number, exceptSender: string): number {
    return reading(() => this.statements.countMessages.get(streamId, after, before, exceptSender)?.n ?? 0);
  }

  protected countConversationSync(userA: string, userB: string, after: number, before: number, from: string): number {
    return reading(() => this.statements.countConversation.get(conversationKey(userA, userB), after, before, from)?.n ?? 0);
  }

  protected readMessagesSync(streamId: string, range: SeqRange, limit: number): RecordedEvent[] {
    return reading(() =>
      ('after' in range
        ? this.statements.messagesAfter.all(streamId, range.after, limit)
        : this.statements.messagesBefore.all(streamId, range.before, limit)
      ).map(fromRow),
    );
  }

  protected readMessageEventsSync(streamId: string, messageIds: readonly string[]): RecordedEvent[] {
    return reading(() => this.statements.messageEvents.all(streamId, JSON.stringify(messageIds)).map(fromRow));
  }

  protected findByClientIdSync(streamId: string, senderId: string, clientId: string): RecordedEvent | undefined {
    return reading(() => {
      const row = this.statements.byClientId.get(streamId, senderId, clientId);
      return row === undefined ? undefined : fromRow(row);
    });
  }

  protected readFileSharesSync(fileId: string): RecordedEvent[] {
    return reading(() => this.statements.fileShares.all(fileId).map(fromRow));
  }

  protected readAuthoredSync(userId: string, type: AuthoredType, afterPosition: number, limit: number): RecordedEvent[] {
    return reading(() => this.statements.authored.all(userId, type, afterPosition, limit).map(fromRow));
  }

  protected readConversationSync(userA: string, userB: string, beforePosition: number, limit: number): RecordedEvent[] {
    return reading(() => this.statements.conversationBefore.all(conversationKey(userA, userB), beforePosition, limit).map(fromRow));
  }

  protected readConversationAfterSync(userA: string, userB: string, afterPosition: number, limit: number): RecordedEvent[] {
    return reading(() => this.statements.conversationAfter.all(conversationKey(userA, userB), afterPosition, limit).map(fromRow));
  }

  protected readAllSync(fromPosition: number, limit: number): RecordedEvent[] {
    return reading(() => this.statements.readAll.all(fromPosition, limit).map(fromRow));
  }

  protected headPositionSync(): number {
    return reading(() => this.statements.head.get()?.position ?? 0);
  }

  protected readSnapshotSync(name: string): Snapshot | undefined {
    const row = reading(() => this.statements.readSnapshot.get(name));
    if (row === undefined) return undefined;
    const { checksum, ...snapshot } = row;
    if (typeof snapshot.data !== 'string' || checksum !== snapshotChecksum(snapshot.schema, snapshot.position, snapshot.data)) {
      throw new CorruptSnapshotError(name);
    }
    return snapshot;
  }

  protected writeSnapshotSync(): void {
    throw new Error('snapshots are saved by the writer thread');
  }

  /** Saved by the writer thread, so this thread's connection never waits for the write lock. */
  override async writeSnapshot(name: string, { schema, position, data }: Snapshot): Promise<void> {
    try {
      await this.writer.saveSnapshot([name, schema, position, data, snapshotChecksum(schema, position, data)]);
    } catch (error) {
      if (error instanceof WriteFailure && isStorageFailure(error))
        throw new StoreUnavailableError(`Snapshot write failed: ${error.message}`, { cause: error });
      throw error;
    }
  }

  /** Once every append made so far is written: stops the writer thread and closes the connection. */
  async close(): Promise<void> {
    await this.settled();
    await this.writer.close();
    if (this.db.open) this.db.close();
  }
}
