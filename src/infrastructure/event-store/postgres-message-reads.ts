import { escapeIdentifier } from 'pg';
import {
  CorruptSnapshotError,
  type AuthoredType,
  type RecordedEvent,
  type RoomEventKind,
  type SeqRange,
  type Snapshot,
  type VersionRange,
} from '../../application/ports/event-store.port';
import { postgresMessageQueries } from './postgres-schema';
import { snapshotChecksum, toRecorded, type EventRow } from './stored-event';

type Row = EventRow & { position: string };

/** Runs one statement on the store's pool, unavailability told as the store tells it. */
export type PostgresQuery = <R extends object>(what: string, sql: string, params: unknown[]) => Promise<R[]>;

/**
 * The PostgreSQL store's reads of history from its message indexes (a room's messages by seq, a
 * message's events, a client id, a file's shares, a private conversation), and its snapshots.
 */
export class PostgresMessageReads {
  private readonly queries: ReturnType<typeof postgresMessageQueries>;
  private readonly snapshots: string;

  constructor(
    private readonly query: PostgresQuery,
    schema: string,
  ) {
    this.queries = postgresMessageQueries(`${escapeIdentifier(schema)}.events`);
    this.snapshots = `${escapeIdentifier(schema)}.snapshots`;
  }

  async readRoomEvents(streamId: string, kind: RoomEventKind, range: VersionRange, limit: number): Promise<RecordedEvent[]> {
    if (limit <= 0) return [];
    const sql = kind === 'moderation' ? this.queries.moderation : this.queries.roomState;
    const rows = await this.query<Row>('readRoomEvents', sql, [streamId, range.afterVersion, range.beforeVersion, limit]);
    return rows.map(toRecorded);
  }

  async readMessages(streamId: string, range: SeqRange, limit: number): Promise<RecordedEvent[]> {
    if (limit <= 0) return [];
    const after = 'after' in range;
    const rows = await this.query<Row>('readMessages', after ? this.queries.messagesAfter : this.queries.messagesBefore, [
      streamId,
      after ? range.after : range.before,
      limit,
    ]);
    return rows.map(toRecorded);
  }

  async countMessages(streamId: string, range: { readonly after: number; readonly before: number }, exceptSender: string): Promise<number> {
    if (range.before - range.after <= 1) return 0;
    const [row] = await this.query<{ n: string }>('countMessages', this.queries.countMessages, [
      streamId,
      range.after,
      range.before,
      exceptSender,
    ]);
    return Number(row?.n ?? 0);
  }

  async readMessageEvents(streamId: string, messageIds: readonly string[]): Promise<RecordedEvent[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.query<Row>('readMessageEvents', this.queries.messageEvents, [streamId, messageIds]);
    return rows.map(toRecorded);
  }

  async findByClientId(streamId: string, senderId: string, clientId: string): Promise<RecordedEvent | undefined> {
    const rows = await this.query<Row>('findByClientId', this.queries.byClientId, [streamId, senderId, clientId]);
    return rows.map(toRecorded)[0];
  }

  async readSnapshot(name: string): Promise<Snapshot | undefined> {
    const [row] = await this.query<{ schema: string; position: string; data: string; checksum: string }>(
      'readSnapshot',
      `SELECT schema, position, data, checksum FROM ${this.snapshots} WHERE name = $1`,
      [name],
    );
    if (row === undefined) return undefined;
    const snapshot = { schema: row.schema, position: Number(row.position), data: row.data };
    if (row.checksum !== snapshotChecksum(snapshot.schema, snapshot.position, snapshot.data)) throw new CorruptSnapshotError(name);
    return snapshot;
  }

  async writeSnapshot(name: string, { schema, position, data }: Snapshot): Promise<void> {
    await this.query(
      'writeSnapshot',
      `INSERT INTO ${this.snapshots} (name, schema, position, data, checksum) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET schema = EXCLUDED.schema, position = EXCLUDED.position, data = EXCLUDED.data, checksum = EXCLUDED.checksum`,
      [name, schema, position, data, snapshotChecksum(schema, position, data)],
    );
  }

  async countConversation(
    userA: string,
    userB: string,
    range: { readonly after: number; readonly before: number },
    from: string,
  ): Promise<number> {
    if (range.before - range.after <= 1) return 0;
    const [row] = await this.query<{ n: string }>('countConversation', this.queries.countConversation, [
      userA,
      userB,
      range.after,
      range.before,
      from,
    ]);
    return Number(row?.n ?? 0);
  }

  async readFileShares(fileId: string): Promise<RecordedEvent[]> {
    const rows = await this.query<Row>('readFileShares', this.queries.fileShares, [fileId]);
    return rows.map(toRecorded);
  }

  async readAuthored(userId: string, type: AuthoredType, afterPosition: number, limit: number): Promise<RecordedEvent[]> {
    if (limit <= 0) return [];
    const rows = await this.query<Row>('readAuthored', this.queries.authored, [userId, type, afterPosition, limit]);
    return rows.map(toRecorded);
  }

  async readConversation(userA: string, userB: string, beforePosition: number, limit: number): Promise<RecordedEvent[]> {
    if (limit <= 0) return [];
    const rows = await this.query<Row>('readConversation', this.queries.conversationBefore, [userA, userB, beforePosition, limit]);
    return rows.map(toRecorded);
  }

  async readConversationAfter(userA: string, userB: string, afterPosition: number, limit: number): Promise<RecordedEvent[]> {
    if (limit <= 0) return [];
    const rows = await this.query<Row>('readConversationAfter', this.queries.conversationAfter, [userA, userB, afterPosition, limit]);
    return rows.map(toRecorded);
  }
}
