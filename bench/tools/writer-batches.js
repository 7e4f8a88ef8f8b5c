'use strict';
/**
 * What one commit of the SQLite log costs by the size of its batch: the writer thread's statements
 * (`src/infrastructure/event-store/sqlite-writer.worker.js`: a transaction, a savepoint, the stream's
 * version and the insert per append) replayed on one thread against the store's schema and insert
 * (from dist/), with its pragmas (write-ahead log, `synchronous = FULL`), on a log of 20,000 messages.
 * Room messages as the saturation scenario sends them: 4 rooms, 8 authors.
 *
 *   node bench/tools/writer-batches.js [batch sizes=1,4,12,32] [messages per size=4800]
 *
 * Prints, per batch size, the pages the commit writes to the write-ahead log (each a frame: two
 * `pwrite`s), the wall time of a commit and the CPU per message (user and system).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Database = require('better-sqlite3');
const { SQLITE_SCHEMA, INSERT_EVENT } = require('../../dist/infrastructure/event-store/sqlite-schema.js');
const { RandomIdGenerator } = require('../../dist/infrastructure/random-id-generator.js');

const sizes = (process.argv[2] || '1,4,12,32').split(',').map(Number);
const perSize = Number(process.argv[3] || 4800);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writer-batches-'));
const file = path.join(dir, 'events.sqlite');

const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
// No checkpoint during the measurement, so the log's growth counts the frames.
db.pragma('wal_autocheckpoint = 0');
db.exec(SQLITE_SCHEMA);
const versionOf = db.prepare('SELECT max(version) AS version FROM events WHERE stream_id = ?');
const insert = db.prepare(INSERT_EVENT);
const appendOne = db.transaction(({ streamId, rows }) => {
  const current = versionOf.get(streamId)?.version ?? 0;
  return rows.map((row, i) => Number(insert.run(streamId, current + i + 1, ...row).lastInsertRowid));
});
const writeBatch = db.transaction((appends) => appends.map(appendOne));

const ids = new RandomIdGenerator();
const users = Array.from({ length: 8 }, () => ids.id());
const seq = [0, 0, 0, 0];
let k = 0;
const message = () => {
  const room = k % 4;
  const userId = users[(k++ >> 2) % 8];
  const messageId = ids.orderedId();
  const s = ++seq[room];
  const data = {
    messageId,
    room: `Room ${room}`,
    userId,
    username: `Guest${userId.slice(0, 4)}`,
    msg: 'x'.repeat(60),
    seq: s,
    sentAt: new Date().toISOString(),
  };
  const metadata = { correlationId: ids.id(), at: Date.now() };
  return {
    streamId: `room-Room ${room}`,
    rows: [['MessageSent', JSON.stringify(data), JSON.stringify(metadata), messageId, s, null, null, null, null, userId]],
  };
};

for (let i = 0; i < 200; i++) writeBatch.immediate(Array.from({ length: 100 }, message));
const frameBytes = db.pragma('page_size', { simple: true }) + 24;
const walSize = () => (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);

console.log('batch | frames a commit | commit, µs wall | µs CPU a message (user + system)');
for (const size of sizes) {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const batches = Array.from({ length: Math.max(1, Math.round(perSize / size)) }, () => Array.from({ length: size }, message));
  const wal0 = walSize();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const batch of batches) writeBatch.immediate(batch);
  const wallUs = Number(process.hrtime.bigint() - t0) / 1e3;
  const cpu = process.cpuUsage(cpu0);
  const messages = batches.length * size;
  const frames = (walSize() - wal0) / frameBytes / batches.length;
  console.log(
    `${String(size).padStart(5)} | ${frames.toFixed(1).padStart(15)} | ${(wallUs / batches.length).toFixed(0).padStart(15)} | ` +
      `${((cpu.user + cpu.system) / messages).toFixed(0)} (${(cpu.user / messages).toFixed(0)} + ${(cpu.system / messages).toFixed(0)})`,
  );
}
db.close();
fs.rmSync(dir, { recursive: true, force: true });
