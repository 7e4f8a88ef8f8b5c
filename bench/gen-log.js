'use strict';
/**
 * Writes a realistic SQLite event log (the server's own table, SQLITE_SCHEMA from the build of
 * src/infrastructure/event-store/sqlite-schema.ts, and the JSON shapes of src/domain/** /*.events.ts)
 * for the start-up (replay) scenario. Needs `npm run build` first.
 *
 *   node bench/gen-log.js <events> <file>
 *
 * The log is a history of visits to the four default rooms, interleaved as on a busy server
 * (about 40 visits at a time): a new guest claims a name and starts a session
 * (UsernameClaimed, SessionStarted); each visit opens a connection (ConnectionOpened,
 * UserWentOnline), joins a room (MemberJoined), sends messages (MessageSent, gapless seq per room,
 * some with a clientId), and ends (ConnectionClosed, UserWentOffline, MemberLeft 'disconnected').
 * Every visit is finished by the end of the log, so a server starting on it has nothing to repair
 * and the start-up measures the replay alone. About 85 % of the events are MessageSent.
 */
const Database = require('better-sqlite3');
const { createHash, randomUUID } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const SCHEMA_MODULE = path.join(__dirname, '..', 'dist', 'infrastructure', 'event-store', 'sqlite-schema.js');

/** The server's SQLite DDL, from dist/. Loaded on first use, so that requiring this file needs no build. */
const sqliteSchema = () => {
  if (!fs.existsSync(SCHEMA_MODULE)) {
    throw Object.assign(new Error(`${path.relative(process.cwd(), SCHEMA_MODULE)} is missing: run \`npm run build\` first`), {
      code: 'BENCH_NOT_BUILT',
    });
  }
  return require(SCHEMA_MODULE).SQLITE_SCHEMA;
};

/**
 * Appends a row as the server's store does, index columns included (`INSERT_EVENT` and
 * `indexColumns` from the build): `insert(streamId, version, type, data, metadata)`.
 */
const prepareInsert = (db) => {
  sqliteSchema();
  const { INSERT_EVENT } = require(SCHEMA_MODULE);
  const { indexColumns } = require(path.join(path.dirname(SCHEMA_MODULE), 'stored-event.js'));
  const statement = db.prepare(INSERT_EVENT);
  return (streamId, version, type, data, metadata) => {
    const c = indexColumns({ type, data });
    statement.run(
      streamId,
      version,
      type,
      JSON.stringify(data),
      JSON.stringify(metadata),
      c.messageId,
      c.seq,
      c.senderId,
      c.clientId,
      c.pair,
      c.fileId,
      c.authorId,
    );
  };
};

/**
 * Changes whenever the schema, the index columns or the generator (`file`) do: a log cached under
 * another fingerprint was written by another one and must not be reused.
 */
const fingerprintOf = (file) =>
  createHash('sha256')
    .update(sqliteSchema())
    .update(fs.readFileSync(path.join(path.dirname(SCHEMA_MODULE), 'stored-event.js')))
    .update(fs.readFileSync(file))
    .digest('hex')
    .slice(0, 12);

const fingerprint = () => fingerprintOf(__filename);

/** Deletes an SQLite database file and its WAL and shared-memory files, if any. */
const removeDatabase = (file) => {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
};

const ROOMS = ['General', 'Zero to Knowing', 'Code with Josh', 'The Nerd Nook'];
const WORDS = (
  'the a to and of is in it you that for on this with be are have not just but so what was like can ' +
  'do we get know think about chat room code node nest socket event log message server client test ' +
  'build deploy fix bug merge ship today tomorrow lunch coffee meeting review idea great thanks yes no ' +
  'maybe later sure ok cool nice hello hi bye again why how when where who which would could should'
).split(' ');

/** A deterministic generator, so the same size always gives a log of the same shape. */
const rng = (() => {
  let s = 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
})();
const pick = (xs) => xs[Math.floor(rng() * xs.length)];
const text = () => {
  const n = 2 + Math.floor(rng() * 18);
  const words = [];
  for (let i = 0; i < n; i++) words.push(pick(WORDS));
  const s = words.join(' ');
  return s[0].toUpperCase() + s.slice(1) + (rng() < 0.2 ? '?' : '.');
};

/** A name's stream key, as the server computes it (the confusable skeleton, from the build). */
const nameKey = (() => {
  let names;
  return (username) => {
    names ??= new (require(path.join(__dirname, '..', 'dist', 'infrastructure', 'confusable-name-key.js')).ConfusableNameKey)();
    return names.key(username);
  };
})();

/** A new log file with the server's schema, written fast (no fsync): `{ db, insert }`. */
const createLog = (file) => {
  const schema = sqliteSchema();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  removeDatabase(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.exec(schema);
  return { db, insert: prepareInsert(db) };
};

const generate = (total, file) => {
  const { db, insert } = createLog(file);
  const versions = new Map();
  const seqs = new Map(ROOMS.map((r) => [r, 0]));
  const node = 'bench-generated-node';
  let clock = Date.parse('2025-01-01T00:00:00Z');
  let written = 0;

  const append = (streamId, type, data, correlationId, causationId) => {
    const version = (versions.get(streamId) || 0) + 1;
    versions.set(streamId, version);
    clock += Math.floor(rng() * 900);
    const metadata = { eventId: randomUUID(), occurredAt: new Date(clock).toISOString(), correlationId, causationId, node };
    insert(streamId, version, type, data, metadata);
    written++;
  };

  const users = []; // {userId, username}
  let guestNo = 1000;
  const newVisit = () => {
    const steps = [];
    let user;
    if (users.length < 50 || rng() < 0.3) {
      user = { userId: randomUUID(), username: `Guest${guestNo++}` };
      users.push(user);
      steps.push(() => {
        const c = randomUUID();
        append(`username-${nameKey(user.username)}`, 'UsernameClaimed', { username: user.username, userId: user.userId }, c, randomUUID());
        append(
          `session-${user.userId}`,
          'SessionStarted',
          { sessionId: user.userId, username: user.username, kind: 'guest' },
          c,
          randomUUID(),
        );
      });
    } else {
      user = pick(users);
      if (user.busy) return null;
    }
    user.busy = true;
    const room = pick(ROOMS);
    const connectionId = randomUUID().replace(/-/g, '').slice(0, 20);
    const presence = `presence-${user.userId}`;
    steps.push(() => {
      const c = randomUUID();
      const cause = randomUUID();
      append(presence, 'ConnectionOpened', { userId: user.userId, username: user.username, connectionId, node }, c, cause);
      append(presence, 'UserWentOnline', { userId: user.userId, username: user.username }, c, cause);
    });
    steps.push(() =>
      append(`room-${room}`, 'MemberJoined', { room, userId: user.userId, username: user.username }, randomUUID(), randomUUID()),
    );
    const messages = 5 + Math.floor(rng() * 80);
    for (let i = 0; i < messages; i++) {
      steps.push(
        message(() => {
          const seq = seqs.get(room) + 1;
          seqs.set(room, seq);
          const data = { room, messageId: randomUUID(), seq, userId: user.userId, username: user.username, text: text() };
          if (rng() < 0.5) data.clientId = randomUUID();
          append(`room-${room}`, 'MessageSent', data, randomUUID(), randomUUID());
        }),
      );
    }
    steps.push(() => {
      const c = randomUUID();
      append(presence, 'ConnectionClosed', { userId: user.userId, connectionId, remaining: 0 }, c, randomUUID());
    });
    steps.push(() => {
      const c = randomUUID();
      append(presence, 'UserWentOffline', { userId: user.userId, username: user.username }, c, randomUUID());
      append(`room-${room}`, 'MemberLeft', { room, userId: user.userId, username: user.username, reason: 'disconnected' }, c, randomUUID());
      user.busy = false;
    });
    return steps;
  };

  const message = (fn) => Object.assign(fn, { isMessage: true });
  const active = [];
  const run = db.transaction((count) => {
    const stop = written + count;
    while (written < stop) {
      // Keep ~40 visits going at once, more new ones while the log is still far from full.
      while (active.length < 40 && written < total - 200) {
        const v = newVisit();
        if (v !== null) active.push(v);
        else break;
      }
      if (active.length === 0) break;
      const i = Math.floor(rng() * active.length);
      const visit = active[i];
      const step = visit.shift();
      step();
      if (visit.length === 0) active.splice(i, 1);
      // Near the end, every visit still going ends (its remaining messages are not sent), so
      // no visit is left open in the log.
      if (written >= total - 200) {
        for (const v of active.splice(0)) for (const s of v) if (!s.isMessage || written < total - 8 * active.length) s();
        break;
      }
    }
  });
  while (written < total - 200) run(50_000);
  run(1_000_000);
  db.close();
  return written;
};

module.exports = { generate, fingerprint, fingerprintOf, createLog, removeDatabase };

if (require.main === module) {
  const total = Number(process.argv[2] || 100_000);
  const file = path.resolve(process.argv[3] || `events-${total}.sqlite`);
  const started = Date.now();
  try {
    const written = generate(total, file);
    process.stdout.write(`${written} events in ${file} (${Date.now() - started} ms)\n`);
  } catch (error) {
    if (error.code !== 'BENCH_NOT_BUILT') throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}
