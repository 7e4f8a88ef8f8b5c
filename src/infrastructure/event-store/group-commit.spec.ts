import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConcurrencyError,
  DuplicateClientIdError,
  StoreUnavailableError,
  type RecordedEvent,
} from '../../application/ports/event-store.port';
import { joined, sent } from './event-store.contract';
import { InMemoryEventStore } from './in-memory-event-store';
import type { BatchOutcomes, PendingAppend } from './local-event-store';
import { SqliteEventStore } from './sqlite-event-store';
import { INSERT_EVENT } from './sqlite-schema';
import Database from 'better-sqlite3';

const fresh = (): SqliteEventStore => new SqliteEventStore(join(mkdtempSync(join(tmpdir(), 'group-commit-')), 'events.sqlite'));

/** A connection of its own to the store's file, as another process would open it. */
const anotherConnection = (store: SqliteEventStore): Database.Database => {
  const db = new Database(store.file);
  db.pragma('busy_timeout = 5000');
  return db;
};

/** The write-ahead log's size: what the appends cost the disk (each transaction writes every page it changed). */
const walBytes = (file: string): number => statSync(`${file}-wal`).size;

describe('group commit', () => {
  const opened: SqliteEventStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  it('writes the appends of one turn as one transaction: each page once, not once per append', async () => {
    const oneByOne = fresh();
    const together = fresh();
    opened.push(oneByOne, together);
    for (let i = 0; i < 200; i++) await oneByOne.append(`room-${i}`, [sent(1, `u${i}`)], 0);
    await Promise.all(Array.from({ length: 200 }, (_, i) => together.append(`room-${i}`, [sent(1, `u${i}`)], 0)));

    expect(await together.headPosition()).toBe(200);
    expect((await together.readAll(0, 500)).map((e) => e.streamId)).toEqual(Array.from({ length: 200 }, (_, i) => `room-${i}`));
    expect(walBytes(together.file) * 10).toBeLessThan(walBytes(oneByOne.file));
  });

  it('copies the write-ahead log into the database from a thread of its own, not in the writer', async () => {
    const store = fresh();
    opened.push(store);
    const before = statSync(store.file).size;
    // Far fewer pages than SQLite's own checkpoint threshold (1,000): only the checkpointer copies them.
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.append(`room-${i}`, [sent(1, `u${i}`)], 0)));
    const deadline = Date.now() + 5000;
    while (statSync(store.file).size === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

    expect(statSync(store.file).size).toBeGreaterThan(before);
    expect(await store.headPosition()).toBe(100);
  });

  it('fails only the appends of a batch that conflict or repeat a client id; the rest are written, positions without a gap', async () => {
    const store = fresh();
    opened.push(store);
    await store.append('room-a', [sent(1, 'u1', 'c-1')], 0);
    const seen: RecordedEvent[] = [];
    store.subscribe(1, (event) => seen.push(event));

    const outcomes = await Promise.allSettled([
      store.append('room-a', [sent(2, 'u1')], 1),
      store.append('room-a', [sent(3, 'u1')], 1), // the stream is at 2 by then
      store.append('room-a', [sent(4, 'u1', 'c-1')], 2), // a resend
      store.append('room-b', [joined('u2'), joined('u3')], 0),
      store.append('room-a', [sent(5, 'u1')], 2),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateClientIdError);
    expect((await store.readStream('room-a')).map((e) => [e.version, (e.data as { seq: number }).seq])).toEqual([
      [1, 1],
      [2, 2],
      [3, 5],
    ]);
    expect((await store.readAll(0, 10)).map((e) => e.position)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.map((e) => e.position)).toEqual([2, 3, 4, 5]);
  });

  it('writes an append of several events all or nothing: a repeated client id in its last event leaves none of them', async () => {
    const store = fresh();
    opened.push(store);
    await store.append('room-a', [sent(1, 'u1', 'c-1')], 0);

    const outcomes = await Promise.allSettled([
      store.append('room-a', [sent(2, 'u1', 'c-2'), sent(3, 'u1', 'c-1')], 1),
      store.append('room-b', [joined('u2')], 0),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateClientIdError);

    expect((await store.readStream('room-a')).map((e) => e.version)).toEqual([1]);
    await store.append('room-a', [sent(2, 'u1', 'c-2')], 1);
    expect((await store.readAll(0, 10)).map((e) => [e.streamId, e.version])).toEqual([
      ['room-a', 1],
      ['room-b', 1],
      ['room-a', 2],
    ]);
  });

  it('never writes over a version another writer took: the append conflicts, and the next one at the right version is written', async () => {
    const store = fresh();
    opened.push(store);
    await store.append('room-a', [sent(1, 'u1')], 0);
    // A second writer (a restored copy, a process that should not be there) moves the stream behind the store's back.
    const other = anotherConnection(store);
    other.prepare(INSERT_EVENT).run('room-a', 2, 'MessageSent', JSON.stringify({ seq: 2 }), '{}', null, 2, null, null, null, null, null);
    other.close();

    const stale = await store.append('room-a', [sent(3, 'u1')], 1).catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(ConcurrencyError);
    expect((stale as ConcurrencyError).actual).toBe(2);
    await store.append('room-a', [sent(3, 'u1')], 2);

    expect((await store.readStream('room-a')).map((e) => [e.version, (e.data as { seq: number }).seq])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it('keeps nothing of a batch that failed: the stream goes on from its stored version', async () => {
    const store = fresh();
    opened.push(store);
    await store.append('room-a', [sent(1, 'u1')], 0);
    // Something SQLite refuses that is neither a conflict nor a repeated client id fails the whole batch.
    const admin = anotherConnection(store);
    admin.exec(`CREATE TRIGGER refuse_b BEFORE INSERT ON events WHEN NEW.stream_id = 'room-b' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    const outcomes = await Promise.allSettled([store.append('room-a', [sent(2, 'u1')], 1), store.append('room-b', [joined('u2')], 0)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    admin.exec('DROP TRIGGER refuse_b');
    admin.close();

    await store.append('room-a', [sent(2, 'u1')], 1);
    expect((await store.readStream('room-a')).map((e) => e.version)).toEqual([1, 2]);
  });

  it('answers every append of a batch that could not be written with the failure, and tells no subscriber', async () => {
    class FullDisk extends InMemoryEventStore {
      protected override appendBatch(): BatchOutcomes {
        throw new StoreUnavailableError('Event store write failed: database or disk is full');
      }
    }
    const store = new FullDisk();
    const seen: RecordedEvent[] = [];
    store.subscribe(0, (event) => seen.push(event));

    const outcomes = await Promise.allSettled([store.append('room-a', [joined('u1')], 0), store.append('room-b', [joined('u2')], 0)]);

    expect(outcomes.map((o) => o.status === 'rejected' && o.reason instanceof StoreUnavailableError)).toEqual([true, true]);
    expect(seen).toEqual([]);
  });

  it('writes a batch that reaches its largest size at once, and the rest at the end of the turn', async () => {
    const batches: number[] = [];
    class Counting extends InMemoryEventStore {
      protected override appendBatch(batch: readonly PendingAppend[]): BatchOutcomes {
        batches.push(batch.length);
        return super.appendBatch(batch);
      }
    }
    const store = new Counting();
    await Promise.all(Array.from({ length: 2500 }, (_, i) => store.append(`room-${i}`, [joined('u')], 0)));
    expect(batches).toEqual([1000, 1000, 500]);
  });
});
