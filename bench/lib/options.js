'use strict';
/** The command line of bench/run.js (flags listed there and in bench/README.md) and the sizes it implies. */
const path = require('node:path');
const { BENCH } = require('./common');

const SCENARIOS = ['saturation', 'latency', 'seed', 'cluster', 'idle', 'store', 'replay', 'reconnects', 'paging', 'history-rss'];

/** The sizes of every scenario; `quick` shortens steps and sizes (a smoke test). */
const config = (quick) => ({
  // Scenario 1 and 2: R rooms × U users, S senders per room, load in fan-out deliveries/s.
  topology: { rooms: 4, usersPerRoom: 25, sendersPerRoom: 2 },
  workers: 2,
  // The one event whose body the load generators parse (they measure its latency), acks aside; of
  // every other event they decode the name only (load-worker.js).
  clientsParse: 'message',
  // Messages/s per sender, walked up until a step fails; ×200 = offered deliveries/s.
  ladder: [20, 40, 60, 90, 130, 180, 250, 350, 480, 650, 850, 1100, 1400],
  // Scenarios 1 and 2 measure the project at each of these LOG_LEVELs (the key names its results):
  // info is its default (every accepted message logged as a JSON line, to the server's log file).
  projectLogLevels: { project: 'info', projectWarn: 'warn' },
  // Scenarios 1 and 2 also measure these, to show what a target's miss is made of; never judged
  // against a target. projectMemory: the project at its default level on the in-memory store (no
  // disk, no writer thread, nothing durable), everything else as shipped.
  diagnostics: { projectMemory: { LOG_LEVEL: 'info', EVENT_STORE: 'memory' } },
  // Scenario 1b: the original Flask-SocketIO app (bench/flask-seed) under gunicorn + eventlet, far
  // slower: its ladder starts at 0.5 msgs/s per sender (100 deliveries/s). BENCH_PYTHON: the Python
  // with flask_socketio, eventlet and gunicorn (else python3, then /usr/bin/python3).
  seed: {
    ladder: [0.5, 1, 2, 3, 5, 7, 10, 14, 20, 28, 40, 56, 80, 110, 150, 200, 280, 400],
    python: process.env.BENCH_PYTHON || null,
  },
  // Scenario 1c: two project nodes on one fresh PostgreSQL database and Redis, senders on node A,
  // receivers dealt over both, at the project's default LOG_LEVEL; the ladder of scenario 1 with
  // lower steps first (every message is a PostgreSQL append).
  cluster: {
    nodes: 2,
    ladder: [2, 5, 10, 20, 40, 60, 90, 130, 180, 250, 350, 480, 650, 850, 1100, 1400],
    logLevel: 'info',
    pgUrl: process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test',
    redisUrl: process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
  },
  // After the first failure on a ladder, this many rates bisect the gap to the last pass (the
  // ladder's steps are about 1.4× apart; three bisections leave about 4 %).
  refineSteps: quick ? 1 : 3,
  stepMs: quick ? 1500 : 3000,
  drainMs: quick ? 600 : 1000,
  pass: { deliveredRatio: 0.999, p99Ms: 50 },
  // Scenario 2: more, shorter runs than elsewhere: p99 on a shared machine needs the median of many.
  latencyMs: quick ? 3000 : 5000,
  latencyRuns: quick ? 1 : 5,
  // Scenario 3
  idle: {
    rooms: 100,
    workers: 4,
    checkpoints: quick ? [500, 2000] : [1000, 5000, 10000],
    distinctCheckpoints: quick ? [250, 500] : [250, 500, 1000],
    distinctBudgetMs: quick ? 30_000 : 60_000,
    fullDistinctBudgetMs: 15 * 60_000,
    diffCheckpoints: quick ? [500, 2000] : [5000, 10000, 20000],
    diffBudgetMs: quick ? 30_000 : 60_000,
    // RSS is read once the server's CPU has been quiet this long: at rest, past the project's heap trim (two quiet seconds).
    atRestMs: 4000,
  },
  // Scenario 4
  store: { durationMs: quick ? 800 : 2000, concurrency: 16, pgUrl: process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test' },
  // Scenario 5 (--replay-sizes overrides the sizes)
  replay: { sizes: quick ? [100_000] : [100_000, 1_000_000] },
  // Scenario 6
  reconnects: quick ? { users: 10, checkpoint: 500, cycles: 2000 } : { users: 50, checkpoint: 5000, cycles: 50_000 },
  // Scenario 7: pages of `limit` from one room of `messages` messages, `requests` deep and as many in the window.
  paging: { messages: quick ? 100_000 : 1_000_000, requests: quick ? 200 : 1000, warmup: quick ? 20 : 50, limit: 50 },
  // Scenario 8: RSS after `checkpoint` messages and after `messages`, in 1 room (4 senders) and in 100 (1 sender each);
  // every sender keeps `window` messages waiting for their ack.
  historyRss: {
    messages: quick ? 50_000 : 1_000_000,
    checkpoint: quick ? 5000 : 100_000,
    samples: quick ? 3 : 6,
    layouts: [
      { rooms: 1, sendersPerRoom: 4, window: 8 },
      { rooms: 100, sendersPerRoom: 1, window: 1 },
    ],
  },
  targets: {
    // project at LOG_LEVEL=info ÷ baseline, and at warn
    saturation: 0.85,
    saturationWarn: 0.9,
    p99: 1.5,
    // project (info) ÷ the original Flask app
    seed: 10,
    // PostgreSQL appends/s with `store.concurrency` (16) concurrent writers
    pgConcurrent: 10_000,
    memory: 1.3,
    connections: 10_000,
    replayMs: 10_000,
    restartMs: 2000,
    restartRss: 1.2,
    pagingP99Ms: 20,
    historyRss: 1.2,
    // RSS and store size after all the reconnect cycles ÷ after the first `checkpoint`
    reconnects: 1.2,
    diffSockets: 20_000,
    diffSocketsMs: 60_000,
  },
});

/**
 * Parses the arguments: {flag(name), option(name, fallback), only, quick, runs, outDir, config}.
 * Throws on an unknown scenario in --only.
 */
const parseOptions = (argv) => {
  const flag = (name) => argv.includes(`--${name}`);
  const option = (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
  };
  const only = option('only', SCENARIOS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of only) if (!SCENARIOS.includes(s)) throw new Error(`--only: unknown scenario "${s}" (expected ${SCENARIOS.join(', ')})`);
  const quick = flag('quick');
  const runs = Number(option('runs', quick ? 1 : 3));
  // Saturation sweeps: five by default, because on a shared 2-core VM a median of three was
  // decided by which runs drew the noise (the baseline's sweeps ranged over 1.7× in one day).
  const saturationRuns = Number(option('saturation-runs', option('runs', quick ? 1 : 5)));
  // A million messages take many minutes; their RSS ratio is within one run, so one run unless asked.
  const historyRssRuns = Number(option('runs', 1));
  const partial = quick || only.length < SCENARIOS.length;
  const outDir = partial && !flag('write') ? path.join(BENCH, 'out') : BENCH;
  const cfg = config(quick);
  const sizes = option('replay-sizes', null);
  if (sizes !== null) {
    cfg.replay.sizes = sizes.split(',').map((x) => Number(x.trim().replace(/_/g, '')));
    if (!cfg.replay.sizes.length || cfg.replay.sizes.some((n) => !Number.isInteger(n) || n < 1000))
      throw new Error(`--replay-sizes: expected event counts of at least 1000, comma-separated (got "${sizes}")`);
  }
  cfg.historyRss.runs = historyRssRuns;
  cfg.saturationRuns = saturationRuns;
  if (flag('no-diagnostics')) cfg.diagnostics = {};
  return { flag, option, only, quick, runs, outDir, config: cfg };
};

module.exports = { SCENARIOS, parseOptions, config };
