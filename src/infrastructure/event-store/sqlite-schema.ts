import { EVENT_COLUMNS, ROOM_EVENT_TYPES, sqlTypeList } from './stored-event';

/**
 * The SQLite event log's schema, in one place: the store creates it, and the benchmarks
 * (`bench/gen-log.js` and others, from the build) write their generated logs with it, filling the
 * index columns with `indexColumns` from `stored-event.ts` as the store does.
 *
 * Besides the log itself, index columns (filled by the store from each event as it is appended, null
 * where they do not apply) let history be read from the store by index rather than kept in memory:
 * - `events_by_seq`: a room's messages by `seq`, for pages older than the window in memory;
 * - `events_by_message`: every event about one message (sent, edited, deleted, reacted to);
 * - `events_by_client` (unique): one message per sender and client id in a stream, so a resend is
 *   refused by the store however old the first one is;
 * - `events_by_pair`: the private messages between two users (the pair unordered), by position,
 *   whichever of the two session streams holds them;
 * - `events_by_file`: the messages (room or private) that carry a file, for who may download it;
 * - `events_by_author`: what one user wrote, reacted with or uploaded (`AUTHORED_TYPES`), in any
 *   stream, by type and position: a user's export;
 * - `events_moderation` and `events_room_state`: a room's moderation events (its audit) and every
 *   event of it that is not about one message (what its members, roles and bans fold from), by type.
 * Plain columns rather than indexes over `json_extract` expressions: an append then costs index
 * inserts only, not a dozen JSON parses.
 *
 * `snapshots` holds derived state saved with the position it is valid at (read models, aggregates),
 * with a checksum; it can be emptied at any time, the log is the truth.
 */
export const SQLITE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position   INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id  TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    type       TEXT    NOT NULL,
    data       TEXT    NOT NULL,
    metadata   TEXT    NOT NULL,
    message_id TEXT,
    seq        INTEGER,
    sender_id  TEXT,
    client_id  TEXT,
    pair       TEXT,
    file_id    TEXT,
    author_id  TEXT,
    UNIQUE (stream_id, version)
  );
  CREATE INDEX IF NOT EXISTS events_by_seq ON events (stream_id, seq) WHERE seq IS NOT NULL;
  CREATE INDEX IF NOT EXISTS events_by_message ON events (stream_id, message_id) WHERE message_id IS NOT NULL;
  CREATE UNIQUE INDEX IF NOT EXISTS events_by_client ON events (stream_id, sender_id, client_id) WHERE client_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS events_by_pair ON events (pair, position) WHERE pair IS NOT NULL;
  CREATE INDEX IF NOT EXISTS events_by_file ON events (file_id) WHERE file_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS events_by_author ON events (author_id, type, position) WHERE author_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS events_moderation ON events (stream_id, version) WHERE type IN (${sqlTypeList(ROOM_EVENT_TYPES.moderation)});
  CREATE INDEX IF NOT EXISTS events_room_state ON events (stream_id, version) WHERE type IN (${sqlTypeList(ROOM_EVENT_TYPES.state)});
  CREATE TABLE IF NOT EXISTS snapshots (
    name     TEXT    PRIMARY KEY,
    schema   TEXT    NOT NULL,
    position INTEGER NOT NULL,
    data     TEXT    NOT NULL,
    checksum TEXT    NOT NULL
  );
`;

/** The index columns, in the order `INSERT_EVENT` takes them after the event's own. */
export const INDEX_COLUMNS = ['message_id', 'seq', 'sender_id', 'client_id', 'pair', 'file_id', 'author_id'] as const;

export const INSERT_EVENT = `INSERT INTO events (stream_id, version, type, data, metadata, ${INDEX_COLUMNS.join(', ')})
  VALUES (?, ?, ?, ?, ?, ${INDEX_COLUMNS.map(() => '?').join(', ')})`;

/** The event types that have index columns, for filling them in a log written before they existed. */
export const INDEXED_TYPES = [
  'MessageSent',
  'MessageEdited',
  'MessageDeleted',
  'MessageRemoved',
  'ReactionAdded',
  'ReactionRemoved',
  'PrivateMessageSent',
  'PrivateMessageEdited',
  'PrivateMessageDeleted',
  'PrivateReactionAdded',
  'PrivateReactionRemoved',
  'FileUploaded',
];

/** The reads of a stream and of the log. */
export const SQLITE_EVENT_QUERIES = {
  streamForward: `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND version >= ? ORDER BY version LIMIT ?`,
  streamBackward: `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND version < ? ORDER BY version DESC LIMIT ?`,
  logAfter: `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
} as const;

/**
 * The reads those indexes answer, shared by the store and the query-plan spec. `INDEXED BY` because
 * without statistics the planner would rather walk `(stream_id, version)` to save a sort.
 */
export const SQLITE_MESSAGE_QUERIES = {
  messagesAfter: `SELECT ${EVENT_COLUMNS} FROM events INDEXED BY events_by_seq WHERE stream_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
  messagesBefore: `SELECT ${EVENT_COLUMNS} FROM events INDEXED BY events_by_seq WHERE stream_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
  /** The second parameter is a JSON array of message ids. */
  messageEvents: `SELECT ${EVENT_COLUMNS} FROM events INDEXED BY events_by_message
    WHERE stream_id = ? AND message_id IN (SELECT value FROM json_each(?)) ORDER BY version`,
  byClientId: `SELECT ${EVENT_COLUMNS} FROM events INDEXED BY events_by_client WHERE stream_id = ? AND sender_id = ? AND client_id = ?`,
  /** Parameters: the pair (`conversationKey`), a position, a limit. */
  conversationBefore: `SELECT ${EVENT_COLUMNS} FROM events INDEXED BY events_by_pair
    WHERE pair = ? AND position < ? AND type = 'PrivateMessageSent' ORDER BY position DESC LIMIT ?`,
  /** Every event of the conversation: its messages and the changes to them. */
  conversationAfter: `SELECT ${EVENT_COLUMNS} FROM events INDEXED BY events_by_pair WHERE pair = ? AND position > ? ORDER BY position LIMIT ?`,
  /** Parameters: the pair, position after, position before, the sender counted. A message's deletion is in its sender's stream. */
  countConversation: `SELECT COUNT(*) AS n FROM events AS m INDEXED BY events_by_pair
    WHERE m.pair = ? AND m.position > ? AND m.position < ? AND m.type = 'PrivateMessageSent' AND json_extract(m.data, '$.fromUserId') = ?
      AND NOT EXISTS (SELECT 1 FROM events AS d INDEXED BY events_by_message
        WHERE d.stream_id = m.stream_id AND d.message_id = m.message_id AND d.type = 'PrivateMessageDeleted')`,
  fileShares: `SELECT ${EVENT_COLUMNS} FROM events INDEXED BY events_by_file WHERE file_id = ? ORDER BY position`,
  /** Parameters: the author, an event type, a position, a limit. */
  authored: `SELECT ${EVENT_COLUMNS} FROM events INDEXED BY events_by_author WHERE author_id = ? AND type = ? AND position > ? ORDER BY position LIMIT ?`,
  /** Parameters: the stream, seq after, seq before, the sender whose messages do not count. */
  countMessages: `SELECT COUNT(*) AS n FROM events AS m INDEXED BY events_by_seq
    WHERE m.stream_id = ? AND m.seq > ? AND m.seq < ? AND json_extract(m.data, '$.userId') IS NOT ?
      AND NOT EXISTS (SELECT 1 FROM events AS d INDEXED BY events_by_message
        WHERE d.stream_id = m.stream_id AND d.message_id = m.message_id AND d.type IN ('MessageDeleted', 'MessageRemoved'))`,
  /** Parameters: the stream, version after, version before, a limit. */
  moderation: `SELECT ${EVENT_COLUMNS} FROM events INDEXED BY events_moderation
    WHERE stream_id = ? AND version > ? AND version < ? AND type IN (${sqlTypeList(ROOM_EVENT_TYPES.moderation)}) ORDER BY version LIMIT ?`,
  roomState: `SELECT ${EVENT_COLUMNS} FROM events INDEXED BY events_room_state
    WHERE stream_id = ? AND version > ? AND version < ? AND type IN (${sqlTypeList(ROOM_EVENT_TYPES.state)}) ORDER BY version LIMIT ?`,
} as const;
