import { createHash } from 'node:crypto';
import type { RecordedEvent } from '../../application/ports/event-store.port';
import { upcast } from '../../domain/upcast';

/** A row of the `events` table, as the SQLite (JSON text) and PostgreSQL (jsonb) adapters read it. */
export interface EventRow {
  readonly position: number | string;
  readonly stream_id: string;
  readonly version: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

/** The one read path of the stored adapters: a row becomes a recorded event of the current shape. */
export const toRecorded = (row: EventRow): RecordedEvent =>
  ({
    ...upcast({ type: row.type, data: row.data }),
    metadata: row.metadata,
    streamId: row.stream_id,
    version: row.version,
    position: Number(row.position),
  }) as RecordedEvent;

/**
 * The fields the message indexes read, as the in-memory store needs them (the SQL stores read the
 * same fields in their index expressions): a message's id, and its sender's client id.
 */
export const messageIdOf = (event: { readonly data: unknown }): string | undefined => {
  const id = (event.data as { messageId?: unknown }).messageId;
  return typeof id === 'string' ? id : undefined;
};

export const clientIdOf = (event: {
  readonly type: string;
  readonly data: unknown;
}): { senderId: string; clientId: string } | undefined => {
  if (event.type !== 'MessageSent' && event.type !== 'PrivateMessageSent') return undefined;
  const data = event.data as { userId?: unknown; fromUserId?: unknown; clientId?: unknown };
  if (typeof data.clientId !== 'string') return undefined;
  const senderId = data.userId ?? data.fromUserId;
  return typeof senderId === 'string' ? { senderId, clientId: data.clientId } : undefined;
};

/** What a stored snapshot's checksum is computed over: its schema, position and data. */
export const snapshotChecksum = (schema: string, position: number, data: string): string =>
  createHash('sha256').update(schema).update('\u0000').update(String(position)).update('\u0000').update(data).digest('hex');
