/**
 * The SQLite event log's schema, in one place: the store creates it, and the replay benchmark
 * (`bench/gen-log.js`, from the build) writes its generated logs with it.
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
`;
