'use strict';
/**
 * The SQLite log's one writer, in a worker thread (plain JavaScript: it runs as it is, from the
 * sources under the spec runner and from the build in production).
 *
 * It takes a batch of appends, writes it as one transaction (one sync to disk for all of them, each
 * append in a savepoint of its own so that a conflict or a repeated client id undoes only that one),
 * and answers with each append's outcome. While it writes and syncs, the main thread goes on serving
 * and gathers the next batch: that is the group commit. Snapshots are saved here too, so that the
 * main thread's connection only ever reads and never waits for the write lock.
 *
 * Messages in: { id, appends: [{ streamId, expectedVersion, rows: [[type, data, metadata, ...index]] }] }
 *              { id, snapshot: [name, schema, position, data, checksum] }
 *              { autocheckpoint: true } (the checkpointer stopped: checkpoint here again)
 *              { close: true }
 *              { check: true } (to the checkpointer: SQLite's quick_check of the whole file, answered
 *              { check: { ok: true } | { ok: false, detail } })
 * Messages out: { id, outcomes: [{ version, positions } | { conflict: current } | { duplicate: true }] }
 *               { id, ok: true } (a snapshot)
 *               { id, failure: { code, message } } (nothing of the batch is written)
 */
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');

const { file, insertSql, checkpointer, checkpointEveryMs } = workerData;
const db = new Database(file, { fileMustExist: true });
db.pragma('journal_mode = WAL');
// Every commit is on disk before any of its appends is acknowledged.
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');

/**
 * The other role of this file: copy the write-ahead log into the database now and then, on a
 * connection of its own, so that the writer never stalls on a checkpoint (SQLite runs them in the
 * committing connection otherwise, the sync of the database file included, before the commit returns).
 */
const startCheckpointer = () => {
  // A checkpoint copies pages without keeping them, and the integrity check (below) reads each page
  // once: a few pages of cache are as fast as the default 2 MB, and the check leaves no heap behind.
  db.pragma('cache_size = 64');
  const timer = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Tried again at the next tick; the log only grows meanwhile.
    }
  }, checkpointEveryMs);
  parentPort.on('message', (message) => {
    if (message.check) {
      // A log too large to check before the start is checked here while the server serves (its
      // read transaction holds checkpoints back meanwhile; the log only grows), then the pages it
      // read are let go.
      let answer;
      try {
        const check = db.pragma('quick_check', { simple: true });
        answer = check === 'ok' ? { ok: true } : { ok: false, detail: String(check).split('\n').join('; ') };
      } catch (error) {
        answer = { ok: false, detail: String(error?.message ?? error) };
      }
      db.pragma('shrink_memory');
      parentPort.postMessage({ check: answer });
      return;
    }
    if (!message.close) return;
    clearInterval(timer);
    db.close();
    parentPort.close();
  });
};

const startWriter = () => {
  // Checkpoints are the checkpointer's (above), unless it stops: then this connection does them again.
  db.pragma('wal_autocheckpoint = 0');
  // Once a checkpoint has copied the log, the file is cut back to this size when the log restarts.
  db.pragma('journal_size_limit = 67108864');

  const versionOf = db.prepare('SELECT max(version) AS version FROM events WHERE stream_id = ?');
  const insert = db.prepare(insertSql);
  const saveSnapshot = db.prepare('INSERT OR REPLACE INTO snapshots (name, schema, position, data, checksum) VALUES (?, ?, ?, ?, ?)');

  class Conflict extends Error {
    constructor(current) {
      super('conflict');
      this.current = current;
    }
  }

  const currentVersion = (streamId) => versionOf.get(streamId)?.version ?? 0;

  /** One append, all or nothing: inside the batch's transaction, a savepoint. */
  const appendOne = db.transaction(({ streamId, expectedVersion, rows }) => {
    const current = currentVersion(streamId);
    if (expectedVersion !== 'any' && current !== expectedVersion) throw new Conflict(current);
    const positions = rows.map((row, i) => Number(insert.run(streamId, current + i + 1, ...row).lastInsertRowid));
    return { version: current, positions };
  });

  const writeBatch = db.transaction((appends) =>
    appends.map((append) => {
      try {
        return appendOne(append);
      } catch (error) {
        if (error instanceof Conflict) return { conflict: error.current };
        if (error && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
          if (String(error.message).includes('events.client_id')) return { duplicate: true };
          return { conflict: currentVersion(append.streamId) };
        }
        throw error;
      }
    }),
  );

  const failure = (error) => ({ code: typeof error?.code === 'string' ? error.code : 'ERROR', message: String(error?.message ?? error) });

  parentPort.on('message', (message) => {
    if (message.autocheckpoint) {
      db.pragma('wal_autocheckpoint = 1000');
      return;
    }
    if (message.close) {
      db.close();
      parentPort.close();
      return;
    }
    try {
      if (message.snapshot) {
        saveSnapshot.run(...message.snapshot);
        parentPort.postMessage({ id: message.id, ok: true });
      } else {
        parentPort.postMessage({ id: message.id, outcomes: writeBatch.immediate(message.appends) });
      }
    } catch (error) {
      parentPort.postMessage({ id: message.id, failure: failure(error) });
    }
  });
};

if (checkpointer) startCheckpointer();
else startWriter();
