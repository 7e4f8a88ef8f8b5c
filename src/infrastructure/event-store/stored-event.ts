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
