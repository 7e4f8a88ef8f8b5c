import { escapeIdentifier } from 'pg';
import { AUTHORED_TYPES } from '../../application/ports/event-store.port';
import { EVENT_COLUMNS, PRIVATE_TYPES, ROOM_EVENT_TYPES, sqlTypeList } from './stored-event';

/** Who made an event of `AUTHORED_TYPES` (as `authorOf` reads it), for the author index. */
const AUTHOR = `coalesce(data->>'userId', data->>'uploaderId')`;
const AUTHORED_TYPE_LIST = AUTHORED_TYPES.map((type) => `'${type}'`).join(', ');

/** The events of a private conversation (`PRIVATE_TYPES`), as an SQL list. */
const PRIVATE_TYPE_LIST = [...PRIVATE_TYPES].map((type) => `'${type}'`).join(', ');

/**
 * The PostgreSQL event log's DDL: `schema` is quoted as an identifier. Idempotent. The message
 * indexes are those of the SQLite log (`sqlite-schema.ts` says what each is for).
 */
export const postgresEventStoreSchema = (schema = 'public'): string => {
  const table = `${escapeIdentifier(schema)}.events`;
  return `
CREATE TABLE IF NOT EXISTS ${table} (
  position       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_id      text        NOT NULL,
  version        integer     NOT NULL CHECK (version > 0),
  type           text        NOT NULL,
  data           jsonb       NOT NULL,
  metadata       jsonb       NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT events_stream_version UNIQUE (stream_id, version)
);
CREATE INDEX IF NOT EXISTS events_transaction_id ON ${table} (transaction_id);
CREATE INDEX IF NOT EXISTS events_message_seq ON ${table} (stream_id, ((data->>'seq')::integer))
  WHERE type = 'MessageSent';
CREATE INDEX IF NOT EXISTS events_message_id ON ${table} (stream_id, (data->>'messageId'))
  WHERE (data->>'messageId') IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS events_client_id
  ON ${table} (stream_id, (coalesce(data->>'userId', data->>'fromUserId')), (data->>'clientId'))
  WHERE type IN ('MessageSent', 'PrivateMessageSent') AND (data->>'clientId') IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_attachment ON ${table} ((data->'attachment'->>'fileId'))
  WHERE (data->'attachment'->>'fileId') IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_author ON ${table} ((${AUTHOR}), type, position)
  WHERE type IN (${AUTHORED_TYPE_LIST});
CREATE INDEX IF NOT EXISTS events_moderation ON ${table} (stream_id, version)
  WHERE type IN (${sqlTypeList(ROOM_EVENT_TYPES.moderation)});
CREATE INDEX IF NOT EXISTS events_room_state ON ${table} (stream_id, version)
  WHERE type IN (${sqlTypeList(ROOM_EVENT_TYPES.state)});
CREATE TABLE IF NOT EXISTS ${escapeIdentifier(schema)}.snapshots (
  name     text   PRIMARY KEY,
  schema   text   NOT NULL,
  position bigint NOT NULL,
  data     text   NOT NULL,
  checksum text   NOT NULL
);
CREATE INDEX IF NOT EXISTS events_conversation
  ON ${table} (LEAST(data->>'fromUserId', data->>'toUserId'), GREATEST(data->>'fromUserId', data->>'toUserId'), position)
  WHERE type = 'PrivateMessageSent';
CREATE INDEX IF NOT EXISTS events_conversation_changes
  ON ${table} (LEAST(data->>'fromUserId', data->>'toUserId'), GREATEST(data->>'fromUserId', data->>'toUserId'), position)
  WHERE type IN (${PRIVATE_TYPE_LIST});
`;
};

/**
 * The safe prefix of the log (`PostgresEventStore.readAll` says why): `horizon` is the snapshot's
 * xmin, `cut` the first visible position written by a transaction at or above it. The minimum is
 * taken with `FILTER (WHERE true)` so that the planner does not answer it by walking the position
 * index until a row matches: when none does (every read while no append is in flight) that walk
 * reads the whole log, so each read would cost more the longer the log. It reads the few rows at or
 * above the horizon from the transaction index instead.
 */
const safePrefix = (table: string): string => `WITH horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
  cut AS MATERIALIZED (
    SELECT coalesce(min(position) FILTER (WHERE true), 9223372036854775807) AS position
      FROM ${table} WHERE transaction_id >= (SELECT xmin FROM horizon))`;

/**
 * The reads of the log in position order (`table` already quoted), shared by the store and its
 * spec. Every visible row below `cut` was written below the horizon (`cut` is the first that was
 * not), so they need no other test of it, and read the position index from where they start.
 */
export const postgresLogQueries = (table: string) =>
  ({
    /** $1 a position, $2 a limit. */
    logAfter: `${safePrefix(table)}
      SELECT ${EVENT_COLUMNS} FROM ${table}
       WHERE position > $1 AND position < (SELECT position FROM cut)
       ORDER BY position LIMIT $2`,
    /** The last position below the cut, read backwards from it (a query with CTEs gets no index for a plain `max`). */
    logHead: `${safePrefix(table)}
      SELECT coalesce((SELECT position FROM ${table} WHERE position < (SELECT position FROM cut) ORDER BY position DESC LIMIT 1), 0) AS head`,
  }) as const;

/** The reads the message indexes answer (`table` already quoted), shared by the store and its query-plan spec. */
export const postgresMessageQueries = (table: string) =>
  ({
    messagesAfter: `SELECT ${EVENT_COLUMNS} FROM ${table}
      WHERE stream_id = $1 AND type = 'MessageSent' AND (data->>'seq')::integer > $2
      ORDER BY (data->>'seq')::integer ASC LIMIT $3`,
    messagesBefore: `SELECT ${EVENT_COLUMNS} FROM ${table}
      WHERE stream_id = $1 AND type = 'MessageSent' AND (data->>'seq')::integer < $2
      ORDER BY (data->>'seq')::integer DESC LIMIT $3`,
    messageEvents: `SELECT ${EVENT_COLUMNS} FROM ${table}
      WHERE stream_id = $1 AND (data->>'messageId') = ANY($2::text[]) ORDER BY version`,
    byClientId: `SELECT ${EVENT_COLUMNS} FROM ${table}
      WHERE stream_id = $1 AND type IN ('MessageSent', 'PrivateMessageSent')
        AND coalesce(data->>'userId', data->>'fromUserId') = $2 AND (data->>'clientId') = $3`,
    /** $1, $2: the two user ids in any order (ordered here as the index orders them); $3 a position; $4 a limit. */
    conversationBefore: `SELECT ${EVENT_COLUMNS} FROM ${table}
      WHERE type = 'PrivateMessageSent'
        AND LEAST(data->>'fromUserId', data->>'toUserId') = LEAST($1::text, $2::text)
        AND GREATEST(data->>'fromUserId', data->>'toUserId') = GREATEST($1::text, $2::text)
        AND position < $3 ORDER BY position DESC LIMIT $4`,
    /** Every event of the conversation (its messages and the changes to them) after the position, oldest first. */
    conversationAfter: `SELECT ${EVENT_COLUMNS} FROM ${table}
      WHERE type IN (${PRIVATE_TYPE_LIST})
        AND LEAST(data->>'fromUserId', data->>'toUserId') = LEAST($1::text, $2::text)
        AND GREATEST(data->>'fromUserId', data->>'toUserId') = GREATEST($1::text, $2::text)
        AND position > $3 ORDER BY position LIMIT $4`,
    /** $1, $2: the pair; $3 position after, $4 before; $5 the sender counted. A message's deletion is in its sender's stream. */
    countConversation: `SELECT COUNT(*) AS n FROM ${table} AS m
      WHERE m.type = 'PrivateMessageSent'
        AND LEAST(m.data->>'fromUserId', m.data->>'toUserId') = LEAST($1::text, $2::text)
        AND GREATEST(m.data->>'fromUserId', m.data->>'toUserId') = GREATEST($1::text, $2::text)
        AND m.position > $3 AND m.position < $4 AND (m.data->>'fromUserId') = $5
        AND NOT EXISTS (SELECT 1 FROM ${table} AS d
          WHERE d.stream_id = m.stream_id AND (d.data->>'messageId') = (m.data->>'messageId') AND d.type = 'PrivateMessageDeleted')`,
    fileShares: `SELECT ${EVENT_COLUMNS} FROM ${table}
      WHERE (data->'attachment'->>'fileId') = $1 ORDER BY position`,
    /** $1 the author, $2 an event type (one of `AUTHORED_TYPES`), $3 a position, $4 a limit. */
    authored: `SELECT ${EVENT_COLUMNS} FROM ${table}
      WHERE type IN (${AUTHORED_TYPE_LIST}) AND ${AUTHOR} = $1 AND type = $2 AND position > $3
      ORDER BY position LIMIT $4`,
    /** $1 the stream, $2 seq after, $3 seq before, $4 the sender whose messages do not count. */
    countMessages: `SELECT COUNT(*) AS n FROM ${table} AS m
      WHERE m.stream_id = $1 AND m.type = 'MessageSent' AND (m.data->>'seq')::integer > $2 AND (m.data->>'seq')::integer < $3
        AND (m.data->>'userId') IS DISTINCT FROM $4
        AND NOT EXISTS (SELECT 1 FROM ${table} AS d
          WHERE d.stream_id = m.stream_id AND (d.data->>'messageId') = (m.data->>'messageId') AND d.type IN ('MessageDeleted', 'MessageRemoved'))`,
    /** $1 the stream, $2 version after, $3 version before, $4 a limit. */
    moderation: `SELECT ${EVENT_COLUMNS} FROM ${table}
      WHERE stream_id = $1 AND version > $2 AND version < $3 AND type IN (${sqlTypeList(ROOM_EVENT_TYPES.moderation)})
      ORDER BY version LIMIT $4`,
    roomState: `SELECT ${EVENT_COLUMNS} FROM ${table}
      WHERE stream_id = $1 AND version > $2 AND version < $3 AND type IN (${sqlTypeList(ROOM_EVENT_TYPES.state)})
      ORDER BY version LIMIT $4`,
  }) as const;
