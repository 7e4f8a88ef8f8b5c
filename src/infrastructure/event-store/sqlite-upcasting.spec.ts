import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptSnapshotError, DuplicateClientIdError } from '../../application/ports/event-store.port';
import { SqliteEventStore } from './sqlite-event-store';
import { SQLITE_SCHEMA } from './sqlite-schema';

describe('the SQLite event store reading a log written by an older version', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-upcast-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns old event shapes in their current shape, from streams and from the log', async () => {
    const file = join(dir, 'events.sqlite');
    const old = new Database(file);
    old.exec(SQLITE_SCHEMA);
    const metadata = JSON.stringify({
      eventId: 'e1',
      occurredAt: '2026-01-01T00:00:00.000Z',
      correlationId: 'c',
      causationId: 'c',
      node: 'n',
    });
    const insert = old.prepare('INSERT INTO events (stream_id, version, type, data, metadata) VALUES (?, ?, ?, ?, ?)');
    insert.run(
      'presence-u1',
      1,
      'ConnectionOpened',
      JSON.stringify({ userId: 'u1', username: 'alice', connectionId: 'c1', node: 'n' }),
      metadata,
    );
    insert.run('presence-u1', 2, 'ConnectionClosed', JSON.stringify({ userId: 'u1', connectionId: 'c1' }), metadata);
    old.close();

    const store = new SqliteEventStore(file);
    try {
      const [, closed] = await store.readStream('presence-u1');
      expect(closed).toMatchObject({ type: 'ConnectionClosed', data: { userId: 'u1', connectionId: 'c1', remaining: -1 }, version: 2 });
      const [, fromLog] = await store.readAll(0, 10);
      expect(fromLog).toEqual(closed);
    } finally {
      await store.close();
    }
  });

  it('indexes the messages of a log written before the message indexes existed', async () => {
    const file = join(dir, 'before-indexes.sqlite');
    const old = new Database(file);
    // The schema as it was: the log alone.
    old.exec(`CREATE TABLE events (
      position INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL, version INTEGER NOT NULL,
      type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, UNIQUE (stream_id, version))`);
    const metadata = JSON.stringify({
      eventId: 'e1',
      occurredAt: '2026-01-01T00:00:00.000Z',
      correlationId: 'c',
      causationId: 'c',
      node: 'n',
    });
    const insert = old.prepare('INSERT INTO events (stream_id, version, type, data, metadata) VALUES (?, ?, ?, ?, ?)');
    for (let seq = 1; seq <= 3; seq++) {
      const data = { room: 'General', messageId: `m${seq}`, seq, userId: 'u1', username: 'alice', text: `hi ${seq}`, clientId: `c${seq}` };
      insert.run('room-General', seq, 'MessageSent', JSON.stringify(data), metadata);
    }
    old.close();

    const store = new SqliteEventStore(file);
    try {
      expect((await store.readMessages('room-General', { before: 3 }, 5)).map((e) => e.version)).toEqual([2, 1]);
      expect((await store.readMessageEvents('room-General', ['m2'])).map((e) => e.version)).toEqual([2]);
      expect((await store.findByClientId('room-General', 'u1', 'c1'))?.version).toBe(1);
      const resend = {
        type: 'MessageSent',
        data: { room: 'General', messageId: 'm9', seq: 4, userId: 'u1', username: 'alice', text: 'hi', clientId: 'c1' },
      };
      await expect(store.append('room-General', [{ ...resend, metadata: JSON.parse(metadata) } as never], 3)).rejects.toBeInstanceOf(
        DuplicateClientIdError,
      );
    } finally {
      await store.close();
    }
  });

  it('refuses a snapshot whose bytes were changed after it was saved', async () => {
    const file = join(dir, 'snapshots.sqlite');
    const store = new SqliteEventStore(file);
    try {
      await store.writeSnapshot('read-models', { schema: 'v1', position: 3, data: '{"rooms":[]}' });
      const raw = new Database(file);
      raw.prepare("UPDATE snapshots SET data = '{\"rooms\":[' WHERE name = 'read-models'").run();
      raw.close();
      await expect(store.readSnapshot('read-models')).rejects.toBeInstanceOf(CorruptSnapshotError);
    } finally {
      await store.close();
    }
  });
});
