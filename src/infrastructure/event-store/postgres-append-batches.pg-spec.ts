import { escapeIdentifier, escapeLiteral } from 'pg';
import {
  ConcurrencyError,
  DuplicateClientIdError,
  StoreUnavailableError,
  type AppendResult,
  type NewEvent,
} from '../../application/ports/event-store.port';
import { postgresDatabase, postgresNodes, sleep, until } from '../../../test/support/postgres-stores';
import { joined, sent } from './event-store.contract';
import { PostgresEventStore } from './postgres-event-store';
import { APPEND_BATCH_STATEMENT, prepareAppendBatch } from './postgres-append-batches';

/** Group commit on PostgreSQL: appends issued together, from one node or several. Needs the local PostgreSQL: `npm run test:cluster`. */
jest.setTimeout(30_000);

const { db, freshSchema } = postgresDatabase();

describe('PostgreSQL event store: batches', () => {
  const { open, rawClient, collect, errors } = postgresNodes();

  describe('appends issued together', () => {
    const settle = (append: Promise<AppendResult>) =>
      append.then(
        (result) => ({ result, error: undefined as unknown }),
        (error: unknown) => ({ result: undefined, error }),
      );
    const transactions = async (schema: string): Promise<number> =>
      Number(
        (await db.admin.query<{ n: string }>(`SELECT count(DISTINCT transaction_id) AS n FROM ${escapeIdentifier(schema)}.events`)).rows[0]
          ?.n,
      );

    /** A `beforeCommit` that waits until `open()` is called (or the spec ends), and tells when a transaction reached it. */
    const gates: (() => void)[] = [];
    const gate = () => {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      gates.push(open);
      let reached = 0;
      return { open, reached: () => reached, beforeCommit: () => (reached++, opened) };
    };
    afterEach(() => {
      for (const open of gates.splice(0)) open();
    });

    it('go out as one transaction, with positions in the order they were called, one append per stream', async () => {
      const schema = freshSchema();
      const store = await open(schema);
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => store.append(`room-${i}`, [joined('u1')], 0)));
      expect(results.map((r) => r.events[0]!.position)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      expect(await transactions(schema)).toBe(1);
      // A multi-event append keeps its events together, in order, among the others.
      const more = await Promise.all([
        store.append('room-0', [joined('u2'), joined('u3')], 1),
        store.append('room-1', [joined('u2')], 1),
        store.append('room-2', [joined('u2'), joined('u3'), joined('u4')], 1),
      ]);
      expect(more.map((r) => r.events.map((e) => [e.version, e.position]))).toEqual([
        [
          [2, 17],
          [3, 18],
        ],
        [[2, 19]],
        [
          [2, 20],
          [3, 21],
          [4, 22],
        ],
      ]);
      expect(await transactions(schema)).toBe(2);

      // An append that conflicts or repeats a client id is told so without costing the others their
      // batch; a second append to a stream goes in the next one.
      await store.append('room-3', [sent(1, 'u1', 'c-1')], 1);
      const mixed = await Promise.all([
        settle(store.append('room-4', [joined('u2')], 1)),
        settle(store.append('room-5', [joined('u2')], 0)),
        settle(store.append('room-3', [sent(2, 'u1', 'c-1')], 2)),
        settle(store.append('room-6', [sent(1, 'u1', 'c-1')], 1)),
        settle(store.append('room-4', [joined('u3')], 2)),
      ]);
      expect(mixed.map((outcome) => outcome.result?.nextVersion ?? (outcome.error as Error).name)).toEqual([
        2,
        'ConcurrencyError',
        'DuplicateClientIdError',
        2,
        3,
      ]);
      expect(await transactions(schema)).toBe(5);
    });

    it("wait, when their stream's previous append is still being written, until that one has committed", async () => {
      const held = gate();
      let batches = 0;
      const store = await open(freshSchema(), {
        appendBatchesInFlight: 2,
        beforeCommit: () => (batches++ === 0 ? held.beforeCommit() : Promise.resolve()),
      });
      const first = store.append('room-a', [joined('u1')], 0);
      await until(() => held.reached() === 1);
      let followed = false;
      const next = store.append('room-a', [joined('u2')], 1).finally(() => (followed = true));
      // Another stream is not held up meanwhile.
      expect((await store.append('room-b', [joined('u1')], 0)).nextVersion).toBe(1);
      expect(followed).toBe(false);
      held.open();
      expect((await first).nextVersion).toBe(1);
      expect((await next).events.map((e) => e.version)).toEqual([2]);
    });

    it('refuses a message that repeats a client id inside its own append, and stores the rest of the batch', async () => {
      const store = await open(freshSchema());
      const [twice, other] = await Promise.all([
        settle(store.append('room-e', [sent(1, 'u1', 'c-7'), sent(2, 'u1', 'c-7')], 0)),
        settle(store.append('room-f', [sent(1, 'u1', 'c-7')], 0)),
      ]);
      expect(twice.error).toBeInstanceOf(DuplicateClientIdError);
      expect(twice.error).toMatchObject({ streamId: 'room-e', senderId: 'u1', clientId: 'c-7' });
      expect(other.result?.nextVersion).toBe(1);
      expect(await store.readStream('room-e')).toEqual([]);
    });

    it('fail alone when PostgreSQL refuses one of them, and the others are stored', async () => {
      const store = await open(freshSchema());
      const nul = { ...joined('u1'), data: { room: 'General', userId: 'u1', username: 'a\u0000b' } } as NewEvent;
      const outcomes = await Promise.all([
        settle(store.append('room-a', [joined('u1')], 0)),
        settle(store.append('room-b', [joined('u1'), nul], 0)),
        settle(store.append('room-c', [joined('u1')], 0)),
      ]);
      expect(outcomes.map((outcome) => outcome.result?.nextVersion)).toEqual([1, undefined, 1]);
      expect(outcomes[1]!.error).toMatchObject({ code: '22P05' }); // untranslatable character
      expect(outcomes[1]!.error).not.toBeInstanceOf(StoreUnavailableError);
      expect(await store.readStream('room-b')).toEqual([]);
      expect((await store.append('room-b', [joined('u1')], 0)).nextVersion).toBe(1);
    });

    it('resolve only once their transaction committed, and all fail with StoreUnavailableError when it cannot commit', async () => {
      const schema = freshSchema();
      const applicationName = `spec-${schema}`;
      const held = gate();
      const store = await open(schema, { applicationName, beforeCommit: held.beforeCommit });
      const observer = await open(schema);
      const settled: unknown[] = [];
      const appends = Array.from({ length: 6 }, (_, i) =>
        settle(store.append(`room-${i}`, [joined('u1'), joined('u2')], 0)).then((outcome) => (settled.push(outcome), outcome)),
      );
      await until(() => held.reached() === 1);
      await sleep(100);
      expect(settled).toEqual([]);
      expect(await observer.readStream('room-0')).toEqual([]);

      const killed = await db.admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle in transaction'",
        [applicationName],
      );
      expect(killed.rowCount).toBe(1);
      held.open();
      for (const outcome of await Promise.all(appends)) expect(outcome.error).toBeInstanceOf(StoreUnavailableError);
      for (let i = 0; i < 6; i++) expect(await observer.readStream(`room-${i}`)).toEqual([]);

      // The store goes on: the same appends, again, are stored.
      const again = await Promise.all(Array.from({ length: 6 }, (_, i) => store.append(`room-${i}`, [joined('u1'), joined('u2')], 0)));
      expect(again.map((r) => r.nextVersion)).toEqual([2, 2, 2, 2, 2, 2]);
      expect(await observer.readStream('room-5')).toHaveLength(2);
    });

    it("fail only the append that another node's uncommitted append beat, once that one commits", async () => {
      const schema = freshSchema();
      const held = gate();
      const other = await open(schema, { beforeCommit: held.beforeCommit });
      const store = await open(schema);
      const { seen } = collect(await open(schema, { pollIntervalMs: 50 }));
      await store.append('room-t', [joined('u1')], 0);
      const first = settle(other.append('room-s', [joined('other')], 0));
      await until(() => held.reached() === 1);

      // room-s waits on the other node's row, which is not committed yet.
      const batch = [
        settle(store.append('room-r', [joined('u1')], 0)),
        settle(store.append('room-s', [joined('mine'), joined('mine too')], 0)),
        settle(store.append('room-t', [joined('u2')], 1)),
        settle(store.append('room-u', [sent(1, 'u1', 'c-1')], 0)),
      ];
      await sleep(200);
      held.open();
      const [r, s, t, u] = await Promise.all(batch);
      expect((await first).result?.nextVersion).toBe(1);
      expect(s!.error).toBeInstanceOf(ConcurrencyError);
      expect(s!.error).toMatchObject({ streamId: 'room-s', expected: 0, actual: 1 });
      expect([r, t, u].map((outcome) => outcome!.result?.nextVersion)).toEqual([1, 2, 1]);
      expect((await store.readStream('room-s')).map((e) => e.data)).toEqual([{ room: 'General', userId: 'other', username: 'other' }]);

      const stored = [r, t, u, await first].flatMap((outcome) => outcome!.result!.events.map((e) => e.position));
      await until(() => seen.length >= 5);
      await sleep(200);
      expect(seen.map((e) => e.position)).toEqual([1, ...stored].sort((x, y) => x - y));
      expect(errors).toEqual([]);
    });

    it('from 16 writers on each of three nodes reach every subscriber once, in position order, in fewer transactions than appends', async () => {
      const schema = freshSchema();
      const nodes = await Promise.all(Array.from({ length: 3 }, () => open(schema, { beforeCommit: () => sleep(Math.random() * 4) })));
      const reader = await open(schema, { pollIntervalMs: 100 });
      const { seen } = collect(reader);
      const WRITERS = 16;
      const APPENDS = 12;
      const told: number[] = [];
      const write = async (node: PostgresEventStore, stream: string): Promise<void> => {
        let version = 0;
        for (let i = 0; i < APPENDS; i++) {
          const result = await node.append(stream, i % 3 === 0 ? [joined('a'), joined('b')] : [joined('a')], version);
          version = result.nextVersion;
          told.push(...result.events.map((e) => e.position));
        }
      };
      await Promise.all(nodes.flatMap((node, n) => Array.from({ length: WRITERS }, (_, w) => write(node, `room-${n}-${w}`))));
      const total = nodes.length * WRITERS * (APPENDS + APPENDS / 3);
      expect(told).toHaveLength(total);

      await until(() => seen.length >= total, 20_000);
      await sleep(300);
      expect(seen.map((e) => e.position)).toEqual([...told].sort((x, y) => x - y));
      const { rows } = await db.admin.query<{ bad: string }>(
        `SELECT count(*) AS bad FROM (
           SELECT transaction_id, lag(transaction_id) OVER (ORDER BY position) AS previous FROM ${escapeIdentifier(schema)}.events
         ) t WHERE previous > transaction_id`,
      );
      expect(rows[0]?.bad).toBe('0');
      expect(await transactions(schema)).toBeLessThan((nodes.length * WRITERS * APPENDS) / 4);
      expect(errors).toEqual([]);
    });
  });

  it("checks a batch's expected versions and client ids from their indexes", async () => {
    const schema = freshSchema();
    const store = await open(schema);
    await store.append('room-a', [joined('u1'), sent(1, 'u1', 'c1'), sent(2)], 0);
    const client = await rawClient();
    await client.query(prepareAppendBatch(`${escapeIdentifier(schema)}.events`));
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL enable_seqscan = off');
      const appends = [{ a: 1, stream_id: 'room-a', expected: 3 }];
      const rows = [{ a: 1, ord: 1, ...sent(3, 'u1', 'c2') }];
      const { rows: plan } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN EXECUTE ${APPEND_BATCH_STATEMENT}(${escapeLiteral(JSON.stringify(appends))}, ${escapeLiteral(JSON.stringify(rows))}, 'a_channel')`,
      );
      const text = plan.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index Only Scan Backward using events_stream_version/);
      expect(text).toMatch(/Index Scan using events_client_id/);
      expect(text).not.toMatch(/Seq Scan/);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
