import { Client, escapeIdentifier } from 'pg';
import { ConcurrencyError, StoreUnavailableError } from '../../application/ports/event-store.port';
import { eventStoreContract, joined, privateMessage, sent } from './event-store.contract';
import { postgresLogQueries, postgresMessageQueries } from './postgres-schema';
import { PostgresEventStore } from './postgres-event-store';
import { postgresDatabase, postgresNodes, sleep, until, URL } from '../../../test/support/postgres-stores';

/** Needs the local PostgreSQL (trust auth): `npm run test:cluster`. */

const { db, freshSchema } = postgresDatabase();

jest.setTimeout(30_000);

interface PlanNode {
  readonly 'Actual Rows': number;
  readonly 'Actual Loops': number;
  readonly 'Rows Removed by Filter'?: number;
  readonly Plans?: readonly PlanNode[];
}

eventStoreContract('PostgreSQL', {
  create: () => PostgresEventStore.connect(URL, { schema: freshSchema() }),
  reopen: (store) => PostgresEventStore.connect(URL, { schema: (store as PostgresEventStore).schema }),
});

describe('PostgreSQL event store shared by several nodes', () => {
  const { open, rawClient, collect, errors } = postgresNodes();

  describe('a transaction that took a lower position but commits later', () => {
    const heldInsert = async (schema: string, raw: Client, streamId: string): Promise<number> => {
      const event = joined('held');
      await raw.query('BEGIN');
      const { rows } = await raw.query<{ position: string }>(
        `INSERT INTO ${escapeIdentifier(schema)}.events (stream_id, version, type, data, metadata)
         VALUES ($1, 1, $2, $3, $4) RETURNING position`,
        [streamId, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)],
      );
      return Number(rows[0]?.position);
    };

    /** A writer and a polling reader on a fresh schema, and a raw transaction holding position 1 open. */
    const withHeldTransaction = async () => {
      const schema = freshSchema();
      const writer = await open(schema);
      const reader = await open(schema, { pollIntervalMs: 50 });
      const { seen } = collect(reader);
      const raw = await rawClient();
      expect(await heldInsert(schema, raw, 'room-held')).toBe(1);
      return { writer, reader, seen, raw };
    };

    it('is never stepped over: later events wait until it commits, then both arrive in position order, once', async () => {
      const { writer, reader, seen, raw } = await withHeldTransaction();
      const later = await writer.append('room-b', [joined('u2')], 0);
      expect(later.events.map((e) => e.position)).toEqual([2]);

      // Committed, and its own stream shows it (aggregates load from readStream)...
      expect(await reader.readStream('room-b')).toHaveLength(1);
      // ...but the global order does not go past the open transaction, however long we wait.
      await sleep(600);
      expect(seen).toEqual([]);
      expect(await reader.readAll(0, 10)).toEqual([]);
      expect(await reader.headPosition()).toBe(0);
      expect(await writer.headPosition()).toBe(0);

      await raw.query('COMMIT'); // no NOTIFY: the poll finds it
      await until(() => seen.length >= 2);
      await sleep(300);
      expect(seen.map((e) => [e.position, e.streamId, e.version])).toEqual([
        [1, 'room-held', 1],
        [2, 'room-b', 1],
      ]);
      expect(await reader.headPosition()).toBe(2);
      expect((await reader.readAll(0, 10)).map((e) => e.position)).toEqual([1, 2]);
      expect(errors).toEqual([]);
    });

    it('holds later events back until it rolls back, then delivers them without it', async () => {
      const { writer, reader, seen, raw } = await withHeldTransaction();
      await writer.append('room-b', [joined('u2'), joined('u3')], 0);
      await sleep(300);
      expect(seen).toEqual([]);

      await raw.query('ROLLBACK');
      await until(() => seen.length >= 2);
      await sleep(200);
      expect(seen.map((e) => e.position)).toEqual([2, 3]);
      expect(await reader.headPosition()).toBe(3);
    });

    it('does not hold back a subscriber that is already past it', async () => {
      const schema = freshSchema();
      const writer = await open(schema);
      await writer.append('room-a', [joined('u1')], 0);
      const { seen } = collect(writer);
      await until(() => seen.length === 1);
      await writer.append('room-a', [joined('u2')], 1);
      await until(() => seen.length === 2);
      expect(seen.map((e) => e.position)).toEqual([1, 2]);
    });
  });

  it('gives every subscriber every event of many concurrent appenders on several nodes exactly once, in position order', async () => {
    const schema = freshSchema();
    // Random delays inside the append transactions (after the INSERT, before COMMIT) make
    // transactions commit out of position order all the time: the trap, on purpose.
    const writers = await Promise.all(Array.from({ length: 4 }, () => open(schema, { beforeCommit: () => sleep(Math.random() * 8) })));
    const readerA = await open(schema, { pollIntervalMs: 100 });
    const readerB = await open(schema, { pollIntervalMs: 2000 }); // mostly NOTIFY-driven
    const a = collect(readerA);
    let b: ReturnType<typeof collect> | undefined;

    const WRITERS = 8;
    const APPENDS = 50;
    const committed: number[] = []; // last position of each append, in the order the appends returned
    const appended: number[] = [];
    const run = async (w: number): Promise<void> => {
      const store = writers[w % writers.length]!;
      let version = 0;
      for (let i = 0; i < APPENDS; i++) {
        const events = i % 5 === 0 ? [joined(`w${w}`), joined(`w${w}`)] : [joined(`w${w}`)];
        const result = await store.append(`room-w${w}`, events, version);
        version = result.nextVersion;
        appended.push(...result.events.map((e) => e.position));
        committed.push(result.events[result.events.length - 1]!.position);
        if (w === 0 && i === 10) b = collect(readerB, 0); // joins mid-way: catch-up, then live
        await sleep(Math.random() * 3);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => run(w)));
    const total = WRITERS * (APPENDS + APPENDS / 5);
    expect(appended).toHaveLength(total);

    await until(() => a.seen.length >= total && (b?.seen.length ?? 0) >= total, 20_000);
    await sleep(500); // anything doubled would show up by now
    const expected = [...appended].sort((x, y) => x - y);
    expect(expected).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(a.seen.map((e) => e.position)).toEqual(expected);
    expect(b!.seen.map((e) => e.position)).toEqual(expected);
    // Each stream's events arrive in version order too.
    const versions = new Map<string, number>();
    for (const event of a.seen) {
      expect(event.version).toBe((versions.get(event.streamId) ?? 0) + 1);
      versions.set(event.streamId, event.version);
    }

    // The run did exercise the trap: appends committed out of position order.
    let inversions = 0;
    for (let i = 1; i < committed.length; i++) if (committed[i]! < committed[i - 1]!) inversions++;
    expect(inversions).toBeGreaterThan(0);
    // And the invariant the reader's horizon relies on held: transaction ids grow with positions.
    const { rows } = await db.admin.query<{ bad: string }>(
      `SELECT count(*) AS bad FROM (
         SELECT transaction_id, lag(transaction_id) OVER (ORDER BY position) AS previous FROM ${escapeIdentifier(schema)}.events
       ) t WHERE previous > transaction_id`,
    );
    expect(rows[0]?.bad).toBe('0');
    expect(await readerA.headPosition()).toBe(total);
    expect(errors).toEqual([]);
  });

  it('does not read the log again for the notification of a commit its subscriber already has', async () => {
    const schema = freshSchema();
    const store = await open(schema, { pollIntervalMs: 60_000 });
    const { seen } = collect(store);
    const internals = store as unknown as { pumpAll: (upTo?: number) => void };
    const pumps = jest.spyOn(internals, 'pumpAll');
    const reads = jest.spyOn(store, 'readAll');
    const readsBefore = reads.mock.calls.length;
    const pumpsBefore = pumps.mock.calls.length;

    const APPENDS = 20;
    for (let i = 0; i < APPENDS; i++) {
      await store.append('room-own', [joined(`u${i}`)], i);
      await until(() => seen.length === i + 1);
      // Each commit is pumped twice: once right after it, once for its notification.
      await until(() => pumps.mock.calls.length >= pumpsBefore + 2 * (i + 1));
    }

    expect(seen.map((event) => event.version)).toEqual(Array.from({ length: APPENDS }, (_, i) => i + 1));
    // One read per commit (and perhaps one of the start: the LISTEN connection's first pump): the
    // notification of a commit already delivered, or being read, reads nothing. Two per commit before.
    expect(reads.mock.calls.length - readsBefore).toBeLessThanOrEqual(APPENDS + 1);
  });

  it('lets exactly one of two nodes racing on one stream at the same expected version win', async () => {
    const schema = freshSchema();
    const one = await open(schema, { beforeCommit: () => sleep(Math.random() * 3) });
    const two = await open(schema, { beforeCommit: () => sleep(Math.random() * 3) });
    for (let version = 0; version < 20; version++) {
      const results = await Promise.allSettled([
        one.append('room-a', [joined('one')], version),
        two.append('room-a', [joined('two')], version),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const [rejected] = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(ConcurrencyError);
      expect(rejected?.reason).toMatchObject({ streamId: 'room-a', expected: version, actual: version + 1 });
    }
    expect((await one.readStream('room-a')).map((e) => e.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("serialises racing appends at 'any' version instead of refusing them", async () => {
    const schema = freshSchema();
    const nodes = await Promise.all([open(schema), open(schema), open(schema)]);
    await Promise.all(Array.from({ length: 30 }, (_, i) => nodes[i % 3]!.append('room-a', [joined(`u${i}`)], 'any')));
    expect((await nodes[0]!.readStream('room-a')).map((e) => e.version)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('creates its schema once when several nodes start at the same time', async () => {
    const schema = freshSchema();
    const nodes = await Promise.all(Array.from({ length: 6 }, () => open(schema)));
    const { rows } = await db.admin.query<{ tables: string }>(
      "SELECT count(*) AS tables FROM pg_tables WHERE schemaname = $1 AND tablename = 'events'",
      [schema],
    );
    expect(rows[0]?.tables).toBe('1');
    await nodes[0]!.append('room-a', [joined('u1')], 0);
    expect(await nodes[5]!.headPosition()).toBe(1);
    // and again on an existing schema
    await open(schema);
  });

  it('reports an unreachable database as StoreUnavailableError', async () => {
    await expect(PostgresEventStore.connect('postgres://postgres@127.0.0.1:1/test')).rejects.toBeInstanceOf(StoreUnavailableError);
    const store = await PostgresEventStore.connect(URL, { schema: freshSchema() });
    await store.close();
    await expect(store.append('room-a', [joined('u1')], 0)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.readAll(0, 10)).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('survives losing its connections: appends fail cleanly or succeed, and LISTEN comes back', async () => {
    const schema = freshSchema();
    const applicationName = `spec-${schema}`;
    const writer = await open(schema);
    // A long poll: after the kill, prompt delivery needs the LISTEN connection back.
    const reader = await open(schema, { applicationName, pollIntervalMs: 60_000 });
    const { seen } = collect(reader);
    await writer.append('room-a', [joined('u1')], 0);
    await until(() => seen.length === 1);

    const listening = async () =>
      (
        await db.admin.query(
          "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
          [`${applicationName} (listen)`],
        )
      ).rowCount === 1;
    await until(listening);
    await db.admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE $1', [`${applicationName}%`]);
    await until(async () => !(await listening()));
    await until(listening);

    await writer.append('room-a', [joined('u2')], 1);
    await until(() => seen.length === 2, 3000);
    expect(seen.map((e) => e.position)).toEqual([1, 2]);

    // The reader's own pool lost its connections too: its next append fails cleanly or succeeds.
    const outcome = await reader.append('room-a', [joined('u3')], 2).then(
      () => 'stored',
      (error: unknown) => (error instanceof StoreUnavailableError ? 'unavailable' : error),
    );
    expect(['stored', 'unavailable']).toContain(outcome);
    if (outcome === 'unavailable') await reader.append('room-a', [joined('u3')], 2);
    await until(() => seen.length === 3, 3000);
    expect(seen.map((e) => e.version)).toEqual([1, 2, 3]);
  });

  it('returns event shapes written by an older version in their current shape', async () => {
    const schema = freshSchema();
    const store = await open(schema);
    const metadata = { eventId: 'e1', occurredAt: '2026-01-01T00:00:00.000Z', correlationId: 'c', causationId: 'c', node: 'n' };
    await db.admin.query(
      `INSERT INTO ${escapeIdentifier(schema)}.events (stream_id, version, type, data, metadata) VALUES ($1, 1, 'ConnectionClosed', $2, $3)`,
      ['presence-u1', { userId: 'u1', connectionId: 'c1' }, metadata],
    );
    const [closed] = await store.readStream('presence-u1');
    expect(closed).toMatchObject({ type: 'ConnectionClosed', data: { userId: 'u1', connectionId: 'c1', remaining: -1 }, version: 1 });
    await until(async () => (await store.readAll(0, 10)).length === 1);
    expect(await store.readAll(0, 10)).toEqual([closed]);
  });

  it.each([
    ['the events after a position', 'logAfter'],
    ['the head of the safe prefix', 'logHead'],
  ] as const)('reads %s without walking the log, however long it is', async (_what, query) => {
    const schema = freshSchema();
    const store = await open(schema);
    const table = `${escapeIdentifier(schema)}.events`;
    const client = await rawClient();
    // A long log, all of it committed, then a few events at its end.
    await client.query(
      `INSERT INTO ${table} (stream_id, version, type, data, metadata)
       SELECT 'room-old', g, 'MemberJoined', '{}'::jsonb, '{}'::jsonb FROM generate_series(1, 5000) g`,
    );
    await client.query(`ANALYZE ${table}`);
    await store.append('room-a', [joined('u1'), joined('u2'), joined('u3')], 0);
    const sql = postgresLogQueries(table)[query];
    const params = query === 'logAfter' ? [5000, 100] : [];
    const explain = async (statement: string, values: unknown[]): Promise<PlanNode> => {
      const {
        rows: [explained],
      } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`, values);
      return explained!['QUERY PLAN'][0].Plan;
    };
    // Every row any step of the plan produced or filtered out.
    const touched = (node: PlanNode): number =>
      (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'] +
      (node.Plans ?? []).reduce((sum, child) => sum + touched(child), 0);
    expect(touched(await explain(sql, params))).toBeLessThan(50);
    // The store prepares it, and PostgreSQL soon runs the plan it made without the parameters' values.
    await client.query(`SET plan_cache_mode = force_generic_plan`);
    await client.query(`PREPARE generic_read${query === 'logAfter' ? '(bigint, int)' : ''} AS ${sql}`);
    expect(touched(await explain(`EXECUTE generic_read${query === 'logAfter' ? '(5000, 100)' : ''}`, []))).toBeLessThan(50);
    // And it still answers what it should.
    if (query === 'logAfter') expect((await store.readAll(5000, 100)).map((event) => event.version)).toEqual([1, 2, 3]);
    else expect(await store.headPosition()).toBe(5003);
  });

  it('reads a stream backwards from the (stream, version) index', async () => {
    const schema = freshSchema();
    const store = await open(schema);
    await store.append('room-a', [joined('u1'), joined('u2')], 0);
    const client = await rawClient();
    await client.query('BEGIN');
    try {
      // The table is tiny, so tell the planner a scan costs more: what matters is that the index can serve the query.
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT position, stream_id, version, type, data, metadata FROM ${escapeIdentifier(schema)}.events
          WHERE stream_id = $1 AND version < $2 ORDER BY version DESC LIMIT $3`,
        ['room-a', 10, 5],
      );
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index Scan Backward using events_stream_version/);
      expect(plan).not.toMatch(/Sort|Seq Scan/);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it.each([
    ['messages after a seq', 'messagesAfter', ['room-a', 1, 5], /Index Scan using events_message_seq/],
    ['messages before a seq', 'messagesBefore', ['room-a', 9, 5], /Index Scan Backward using events_message_seq/],
    [
      'every event about some messages',
      'messageEvents',
      ['room-a', ['m1', 'm2']],
      /Index Scan using events_message_id|Bitmap Index Scan on events_message_id/,
    ],
    [
      'a message by its client id',
      'byClientId',
      ['room-a', 'u1', 'c1'],
      /Index Scan using events_client_id|Bitmap Index Scan on events_client_id/,
    ],
    [
      'a private conversation before a position, newest first',
      'conversationBefore',
      ['u2', 'u1', 100, 5],
      /Index Scan Backward using events_conversation/,
    ],
    [
      'a private conversation after a position, oldest first',
      'conversationAfter',
      ['u2', 'u1', 0, 5],
      /Index Scan using events_conversation/,
    ],
    ['the messages that carry a file', 'fileShares', ['f1'], /Index Scan using events_attachment|Bitmap Index Scan on events_attachment/],
    ['what a user made, across streams, oldest first', 'authored', ['u1', 'MessageSent', 0, 5], /Index Scan using events_author/],
    ["a room's moderation", 'moderation', ['room-a', 0, 100, 5], /Index Scan using events_moderation/],
    ["a room's state", 'roomState', ['room-a', 0, 100, 5], /Index Scan using events_room_state/],
  ] as const)('reads %s from its index', async (_what, query, params, expected) => {
    const schema = freshSchema();
    const store = await open(schema);
    await store.append('room-a', [joined('u1'), sent(1, 'u1', 'c1'), sent(2)], 0);
    await store.append('session-u1', [privateMessage('p1', 'c1', 'u1', 'u2')], 0);
    const client = await rawClient();
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL enable_seqscan = off');
      const sql = postgresMessageQueries(`${escapeIdentifier(schema)}.events`)[query];
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [...params]);
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toMatch(expected);
      expect(plan).not.toMatch(/Seq Scan/);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
