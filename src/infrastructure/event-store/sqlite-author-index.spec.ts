import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from './sqlite-event-store';

/** A log written before the author index existed: the store fills its column from the events once, when it opens. */
describe('the SQLite event store opening a log without the author column', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-author-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fills it for the messages, reactions and uploads already stored, and keeps the other index columns', async () => {
    const file = join(dir, 'events.sqlite');
    const old = new Database(file);
    // The table as it was, with the message index columns but no `author_id`.
    old.exec(`CREATE TABLE events (
      position INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL, version INTEGER NOT NULL,
      type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL,
      message_id TEXT, seq INTEGER, sender_id TEXT, client_id TEXT, pair TEXT, file_id TEXT, UNIQUE (stream_id, version));
      CREATE UNIQUE INDEX events_by_client ON events (stream_id, sender_id, client_id) WHERE client_id IS NOT NULL;`);
    const metadata = JSON.stringify({
      eventId: 'e',
      occurredAt: '2026-01-01T00:00:00.000Z',
      correlationId: 'c',
      causationId: 'c',
      node: 'n',
    });
    const insert = old.prepare(
      `INSERT INTO events (stream_id, version, type, data, metadata, message_id, seq, sender_id, client_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const message = (seq: number, userId: string) => ({ room: 'General', messageId: `m${seq}`, seq, userId, username: userId, text: 'hi' });
    insert.run('room-General', 1, 'MessageSent', JSON.stringify({ ...message(1, 'u1'), clientId: 'c1' }), metadata, 'm1', 1, 'u1', 'c1');
    insert.run('room-General', 2, 'MessageSent', JSON.stringify(message(2, 'u2')), metadata, 'm2', 2, null, null);
    const reaction = { room: 'General', messageId: 'm2', userId: 'u1', username: 'u1', emoji: '👍' };
    insert.run('room-General', 3, 'ReactionAdded', JSON.stringify(reaction), metadata, 'm2', null, null, null);
    const upload = { fileId: 'f1', name: 'a.png', type: 'image/png', size: 1, uploaderId: 'u1', sha256: 'x' };
    insert.run('file-f1', 1, 'FileUploaded', JSON.stringify(upload), metadata, null, null, null, null);
    old.close();

    const store = new SqliteEventStore(file);
    try {
      const made = async (type: Parameters<SqliteEventStore['readAuthored']>[1]) =>
        (await store.readAuthored('u1', type, 0, 10)).map((event) => [event.streamId, event.version]);
      expect(await made('MessageSent')).toEqual([['room-General', 1]]);
      expect(await made('ReactionAdded')).toEqual([['room-General', 3]]);
      expect(await made('FileUploaded')).toEqual([['file-f1', 1]]);
      expect((await store.readAuthored('u2', 'MessageSent', 0, 10)).map((event) => event.version)).toEqual([2]);
      expect((await store.findByClientId('room-General', 'u1', 'c1'))?.version).toBe(1);
      expect((await store.readMessageEvents('room-General', ['m2'])).map((event) => event.version)).toEqual([2, 3]);
    } finally {
      await store.close();
    }
    // Once is enough: opened again, nothing is missing and nothing changes.
    const again = new SqliteEventStore(file);
    try {
      expect((await again.readAuthored('u1', 'MessageSent', 0, 10)).map((event) => event.version)).toEqual([1]);
    } finally {
      await again.close();
    }
  });
});
