'use strict';
/**
 * The event store alone (scenario 4), through the project's own adapters in dist/:
 *
 *   node bench/store-bench.js sqlite   <durationMs> <concurrency>
 *   node bench/store-bench.js postgres <durationMs> <concurrency> [url]
 *
 * Prints one JSON line: appends/s for
 *  - single:     one append at a time (await each), one MessageSent per append, round-robin over 4 room streams;
 *  - concurrent: `concurrency` appenders at once, each on its own room stream (expected version checked).
 * PostgreSQL runs in a fresh schema (the adapter's `schema` option), dropped afterwards.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');

const ROOT = path.resolve(__dirname, '..');
const kind = process.argv[2];
const durationMs = Number(process.argv[3] || 2000);
const concurrency = Number(process.argv[4] || 16);
const pgUrl = process.argv[5] || process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';

const now = () => Number(process.hrtime.bigint()) / 1e6;

const messageEvent = (room, seq) => ({
  type: 'MessageSent',
  data: {
    room,
    messageId: randomUUID(),
    seq,
    userId: randomUUID(),
    username: 'Guest4821',
    text: 'A message of ordinary length, about sixty characters long.',
  },
  metadata: {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    node: 'bench-node',
  },
});

/**
 * `lanes` appenders, each on its own stream, for `ms`; returns appends/s and the latency of the
 * appends (ms). SQLite appends are synchronous: their latency is time the event loop stood still.
 */
const measure = async (store, prefix, lanes, ms) => {
  const versions = new Array(lanes).fill(0);
  const latencies = [];
  let count = 0;
  const started = now();
  const lane = async (i) => {
    const stream = `room-${prefix}-${i}`;
    while (now() - started < ms) {
      const event = messageEvent(stream, versions[i] + 1);
      const t = now();
      const result = await store.append(stream, [event], versions[i]);
      latencies.push(now() - t);
      versions[i] = result.nextVersion;
      count++;
    }
  };
  await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)));
  const rate = count / ((now() - started) / 1000);
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  const over = (limit) => latencies.filter((x) => x > limit).length;
  return {
    rate,
    latency: {
      n: latencies.length,
      p50: at(50),
      p99: at(99),
      p999: at(99.9),
      max: latencies[latencies.length - 1],
      over5ms: over(5),
      over20ms: over(20),
    },
  };
};

const main = async () => {
  let store;
  let cleanup = async () => undefined;
  if (kind === 'sqlite') {
    const { SqliteEventStore } = require(path.join(ROOT, 'dist/infrastructure/event-store/sqlite-event-store.js'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nest-chat-store-bench-'));
    store = new SqliteEventStore(path.join(dir, 'events.sqlite'));
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else if (kind === 'postgres') {
    const { PostgresEventStore } = require(path.join(ROOT, 'dist/infrastructure/event-store/postgres-event-store.js'));
    const schema = `bench_${process.pid}_${Date.now().toString(36)}`;
    store = await PostgresEventStore.connect(pgUrl, { schema, applicationName: 'nest-chat-bench' });
    cleanup = async () => {
      const { Client } = require('pg');
      const client = new Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    };
  } else {
    throw new Error(`unknown store ${kind}: expected sqlite or postgres`);
  }
  try {
    await measure(store, 'warm', 1, Math.min(300, durationMs / 4)); // JIT, pool, page cache
    const single = await measure(store, 'single', 1, durationMs);
    const concurrent = await measure(store, 'concurrent', concurrency, durationMs);
    process.stdout.write(
      `${JSON.stringify({ kind, single: single.rate, concurrent: concurrent.rate, singleLatency: single.latency, concurrentLatency: concurrent.latency, concurrency })}\n`,
    );
  } finally {
    await store.close();
    await cleanup();
  }
};

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
