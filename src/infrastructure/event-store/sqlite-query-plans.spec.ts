import Database from 'better-sqlite3';
import { SQLITE_SCHEMA } from './sqlite-schema';

/** The reads that serve history pages must come from an index, whatever the log's length. */
describe('the SQLite event log', () => {
  const db = new Database(':memory:');
  db.exec(SQLITE_SCHEMA);
  afterAll(() => db.close());

  const plan = (sql: string): string =>
    (
      db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(
        ...sql
          .split('?')
          .slice(1)
          .map(() => 1),
      ) as { detail: string }[]
    )
      .map((row) => row.detail)
      .join('; ');

  it.each([
    ['a stream forwards', 'SELECT * FROM events WHERE stream_id = ? AND version >= ? ORDER BY version'],
    ['a stream backwards', 'SELECT * FROM events WHERE stream_id = ? AND version < ? ORDER BY version DESC LIMIT ?'],
    ['the log after a position', 'SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'],
  ])('reads %s from an index, without sorting', (_what, sql) => {
    const detail = plan(sql);
    expect(detail).toMatch(/^SEARCH events USING (INDEX|INTEGER PRIMARY KEY)/);
    expect(detail).not.toMatch(/SCAN|TEMP B-TREE/);
  });
});
