/**
 * The SQLite event log's schema, in one place: the store creates it, and the replay benchmark
 * (`bench/gen-log.js`, from the build) writes its generated logs with it.
 *
 * Besides the log itself, four indexes over fields of stored messages let history be read from
 * the store by index rather than kept in memory (the fields they read are part of the stored shape
 * of those events: an upcaster may not move them):
 * - `events_message_seq`: a room's messages by `seq`, for pages older than the window in memory;
 * - `events_message_id`: every event about one message (sent, edited, deleted, reacted to);
 * - `events_client_id` (unique): one message per sender and client id in a stream, so a resend is
 *   refused by the store however old the first one is;
 * - `events_conversation`: the private messages between two users (the pair unordered: smaller id,
 *   larger id) by position, whichever of the two session streams holds them, for pages older than
 *   the window in memory;
 * - `events_attachment`: the messages (room or private) that carry a file, for who may download it.
 *
 * `snapshots` holds derived state saved with the position it is valid at (read models, aggregates),
 * with a checksum; it can be emptied at any time, the log is the truth.
 */
export const SQLITE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position  INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    type      TEXT    NOT NULL,
    data      TEXT    NOT NULL,
    metadata  TEXT    NOT NULL,
    UNIQUE (stream_id, version)
  );
  CREATE INDEX IF NOT EXISTS events_message_seq ON events (stream_id, json_extract(data, '$.seq'))
    WHERE type = 'MessageSent';
  CREATE INDEX IF NOT EXISTS events_message_id ON events (stream_id, json_extract(data, '$.messageId'))
    WHERE json_extract(data, '$.messageId') IS NOT NULL;
  CREATE UNIQUE INDEX IF NOT EXISTS events_client_id
    ON events (stream_id, coalesce(json_extract(data, '$.userId'), json_extract(data, '$.fromUserId')), json_extract(data, '$.clientId'))
    WHERE type IN ('MessageSent', 'PrivateMessageSent') AND json_extract(data, '$.clientId') IS NOT NULL;
  CREATE INDEX IF NOT EXISTS events_attachment ON events (json_extract(data, '$.attachment.fileId'))
    WHERE json_extract(data, '$.attachment.fileId') IS NOT NULL;
  CREATE TABLE IF NOT EXISTS snapshots (
    name     TEXT    PRIMARY KEY,
    schema   TEXT    NOT NULL,
    position INTEGER NOT NULL,
    data     TEXT    NOT NULL,
    checksum TEXT    NOT NULL
  );
  CREATE INDEX IF NOT EXISTS events_conversation
    ON events (min(json_extract(data, '$.fromUserId'), json_extract(data, '$.toUserId')), max(json_extract(data, '$.fromUserId'), json_extract(data, '$.toUserId')), position)
    WHERE type = 'PrivateMessageSent';
`;

/**
 * The reads those indexes answer, shared by the store and the query-plan spec. `INDEXED BY` because
 * without statistics the planner would rather walk `(stream_id, version)` to save a sort.
 */
export const SQLITE_MESSAGE_QUERIES = {
  messagesAfter: `SELECT * FROM events INDEXED BY events_message_seq
    WHERE stream_id = ? AND type = 'MessageSent' AND json_extract(data, '$.seq') > ?
    ORDER BY json_extract(data, '$.seq') LIMIT ?`,
  messagesBefore: `SELECT * FROM events INDEXED BY events_message_seq
    WHERE stream_id = ? AND type = 'MessageSent' AND json_extract(data, '$.seq') < ?
    ORDER BY json_extract(data, '$.seq') DESC LIMIT ?`,
  /** The second parameter is a JSON array of message ids. */
  messageEvents: `SELECT * FROM events INDEXED BY events_message_id
    WHERE stream_id = ? AND json_extract(data, '$.messageId') IN (SELECT value FROM json_each(?)) ORDER BY version`,
  byClientId: `SELECT * FROM events INDEXED BY events_client_id
    WHERE stream_id = ? AND type IN ('MessageSent', 'PrivateMessageSent')
    AND coalesce(json_extract(data, '$.userId'), json_extract(data, '$.fromUserId')) = ? AND json_extract(data, '$.clientId') = ?`,
  /** Parameters: the two user ids (in any order; SQLite orders them as the index does), the same two again, a position, a limit. */
  conversationBefore: `SELECT * FROM events INDEXED BY events_conversation
    WHERE type = 'PrivateMessageSent'
    AND min(json_extract(data, '$.fromUserId'), json_extract(data, '$.toUserId')) = min(?, ?)
    AND max(json_extract(data, '$.fromUserId'), json_extract(data, '$.toUserId')) = max(?, ?)
    AND position < ? ORDER BY position DESC LIMIT ?`,
  fileShares: `SELECT * FROM events INDEXED BY events_attachment
    WHERE json_extract(data, '$.attachment.fileId') = ? ORDER BY position`,
} as const;
