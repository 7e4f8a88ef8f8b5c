import Database from 'better-sqlite3';
import { SQLITE_EVENT_QUERIES, SQLITE_MESSAGE_QUERIES, SQLITE_SCHEMA } from './sqlite-schema';

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
    ['a stream forwards', SQLITE_EVENT_QUERIES.streamForward],
    ['a stream backwards', SQLITE_EVENT_QUERIES.streamBackward],
    ['the log after a position', SQLITE_EVENT_QUERIES.logAfter],
    ["a room's messages after a seq", SQLITE_MESSAGE_QUERIES.messagesAfter],
    ["a room's messages before a seq", SQLITE_MESSAGE_QUERIES.messagesBefore],
    ['a message sent with a client id', SQLITE_MESSAGE_QUERIES.byClientId],
    ['the messages that carry a file', SQLITE_MESSAGE_QUERIES.fileShares],
    ['a private conversation before a position', SQLITE_MESSAGE_QUERIES.conversationBefore],
    ['a private conversation after a position', SQLITE_MESSAGE_QUERIES.conversationAfter],
    ['what a user made, across streams', SQLITE_MESSAGE_QUERIES.authored],
    ["a room's moderation", SQLITE_MESSAGE_QUERIES.moderation],
    ["a room's state", SQLITE_MESSAGE_QUERIES.roomState],
  ])('reads %s from an index, without sorting', (_what, sql) => {
    const detail = plan(sql);
    expect(detail).toMatch(/^SEARCH events USING (INDEX|INTEGER PRIMARY KEY)/);
    expect(detail).not.toMatch(/SCAN|TEMP B-TREE/);
  });

  it('reads a private conversation from the index over the pair of users and position, newest first', () => {
    const detail = plan(SQLITE_MESSAGE_QUERIES.conversationBefore);
    expect(detail).toMatch(/^SEARCH events USING INDEX events_by_pair \(pair=\? AND position<\?\)$/);
  });

  it('reads what a user made from the index over author, type and position', () => {
    const detail = plan(SQLITE_MESSAGE_QUERIES.authored);
    expect(detail).toMatch(/^SEARCH events USING INDEX events_by_author \(author_id=\? AND type=\? AND position>\?\)$/);
  });

  it.each([
    ["a room's unread count", SQLITE_MESSAGE_QUERIES.countMessages, 'events_by_seq'],
    ["a private conversation's unread count", SQLITE_MESSAGE_QUERIES.countConversation, 'events_by_pair'],
  ])('counts %s from indexes, each message checked for a deletion by the message index', (_what, sql, index) => {
    const detail = plan(sql);
    expect(detail).toMatch(new RegExp(`^SEARCH m USING INDEX ${index} `));
    expect(detail).toMatch(/SEARCH d USING INDEX events_by_message \(stream_id=\? AND message_id=\?\)/);
    expect(detail).not.toMatch(/SCAN|TEMP B-TREE/);
  });

  it('reads every event about some messages from an index', () => {
    const detail = plan(SQLITE_MESSAGE_QUERIES.messageEvents);
    expect(detail).toMatch(/^SEARCH events USING INDEX events_by_message \(stream_id=\? AND message_id=\?\)/);
    expect(detail).not.toMatch(/SCAN events/);
  });

  // A first start reads the whole log through these: the index columns, made strings and dropped,
  // were half of what folding a log of 1,000,000 events cost.
  const reads = Object.entries({ ...SQLITE_EVENT_QUERIES, ...SQLITE_MESSAGE_QUERIES }).filter(([name]) => !name.startsWith('count'));
  it.each(reads)('reads %s as the event alone, none of its index columns', (_name, sql) => {
    const columns = db
      .prepare(sql)
      .columns()
      .map((column) => column.name);
    expect(columns).toEqual(['position', 'stream_id', 'version', 'type', 'data', 'metadata']);
  });
});
