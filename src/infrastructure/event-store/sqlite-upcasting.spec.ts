import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
