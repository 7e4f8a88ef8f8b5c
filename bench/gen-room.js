'use strict';
/**
 * Writes an SQLite event log of ONE big room for the paging scenario, with the server's own schema
 * (SQLITE_SCHEMA from dist/, as bench/gen-log.js). Needs `npm run build` first.
 *
 *   node bench/gen-room.js <messages> <file>
 *
 * Five guests claim a name and start a session, join `General`, and send <messages> messages in
 * turn (MessageSent, seq 1..N, message ids derived from the seq: `messageId(seq)`); every 97th
 * message is edited, every 41st gets a reaction; at the end everyone leaves, so a server starting
 * on it has nothing to repair. Deterministic: the same size always gives the same log.
 */
const path = require('node:path');
const { createLog, fingerprintOf } = require('./gen-log');

const ROOM = 'General';

/** The id of message `seq`: a UUID derived from the seq, so a reader can name any depth. */
const messageId = (seq) => `00000000-0000-4000-8000-${seq.toString(16).padStart(12, '0')}`;
const uuid = (kind, n) => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** Changes whenever the schema or this generator does (the cache key of a generated log). */
const fingerprint = () => fingerprintOf(__filename);

const WORDS =
  'the a to and of is in it you that for on this with be are have not just but so chat room code node message page history older'.split(
    ' ',
  );

const generate = (total, file) => {
  const { db, insert } = createLog(file);
  const versions = new Map();
  let clock = Date.parse('2025-01-01T00:00:00Z');
  let written = 0;
  let ids = 0;
  const append = (streamId, type, data) => {
    const version = (versions.get(streamId) || 0) + 1;
    versions.set(streamId, version);
    clock += 250;
    const metadata = {
      eventId: uuid(1, ++ids),
      occurredAt: new Date(clock).toISOString(),
      correlationId: uuid(2, ids),
      causationId: uuid(3, ids),
      node: 'bench-generated-node',
    };
    insert(streamId, version, type, data, metadata);
    written++;
  };
  const users = Array.from({ length: 5 }, (_, i) => ({ userId: uuid(4, i + 1), username: `Pager${i + 1}` }));
  const stream = `room-${ROOM}`;
  db.transaction(() => {
    for (const u of users) {
      append(`username-${u.username.toLowerCase()}`, 'UsernameClaimed', { username: u.username, userId: u.userId });
      append(`session-${u.userId}`, 'SessionStarted', { sessionId: u.userId, username: u.username, kind: 'guest' });
      append(stream, 'MemberJoined', { room: ROOM, userId: u.userId, username: u.username });
    }
  })();
  const batch = db.transaction((from, to) => {
    for (let seq = from; seq <= to; seq++) {
      const u = users[seq % users.length];
      const words = [];
      for (let i = 0; i < 4 + (seq % 13); i++) words.push(WORDS[(seq * 7 + i * 3) % WORDS.length]);
      const text = `Message ${seq}: ${words.join(' ')}.`;
      const data = { room: ROOM, messageId: messageId(seq), seq, userId: u.userId, username: u.username, text };
      if (seq % 2 === 0) data.clientId = uuid(5, seq);
      append(stream, 'MessageSent', data);
      if (seq % 97 === 0)
        append(stream, 'MessageEdited', { room: ROOM, messageId: messageId(seq), userId: u.userId, text: `${text} (edited)` });
      if (seq % 41 === 0) {
        const r = users[(seq + 1) % users.length];
        append(stream, 'ReactionAdded', { room: ROOM, messageId: messageId(seq), userId: r.userId, username: r.username, emoji: '👍' });
      }
    }
  });
  for (let from = 1; from <= total; from += 50_000) batch(from, Math.min(total, from + 49_999));
  db.transaction(() => {
    for (const u of users) append(stream, 'MemberLeft', { room: ROOM, userId: u.userId, username: u.username, reason: 'left' });
  })();
  db.close();
  return written;
};

module.exports = { ROOM, generate, fingerprint, messageId };

if (require.main === module) {
  const total = Number(process.argv[2] || 100_000);
  const file = path.resolve(process.argv[3] || `room-${total}.sqlite`);
  const started = Date.now();
  try {
    const written = generate(total, file);
    process.stdout.write(`${written} events (${total} messages) in ${file} (${Date.now() - started} ms)\n`);
  } catch (error) {
    if (error.code !== 'BENCH_NOT_BUILT') throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}
