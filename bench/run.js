#!/usr/bin/env node
'use strict';
/**
 * The benchmark harness: `npm run bench` (= node bench/run.js). See bench/README.md.
 *
 *   node bench/run.js                          all scenarios, 3 runs each → bench/RESULTS.md, bench/latency.svg
 *   node bench/run.js --only saturation --quick one scenario, short steps, 1 run → bench/out/
 *
 * Flags:
 *   --only a,b     scenarios: saturation, latency, idle, store, replay (latency needs a baseline
 *                  saturation: it runs the baseline's sweep first if saturation is not selected)
 *   --quick        short steps, smaller sizes, 1 run (a smoke test, not a measurement)
 *   --runs N       runs per figure (default 3)
 *   --no-build     do not run `npm run build` first (measure dist/ as it is)
 *   --no-profile   do not profile the project server where a target is missed
 *   --profile      profile even when every target is met
 *   --full-idle    also try 5,000 and 10,000 connections of distinct users on the project (slow)
 *   --write        write bench/RESULTS.md even for a partial (--only / --quick) run
 *   --keep         keep the temporary directory (server logs, data); kept anyway when a run fails
 *   --report FILE  only re-render RESULTS.md / latency.svg beside FILE from that results.json
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// Many sockets: make sure this process and its children may open enough files.
if (process.env.BENCH_ULIMIT_RAISED !== '1') {
  const soft = Number(spawnSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim());
  if (Number.isFinite(soft) && soft < 65536) {
    const script = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';
    const r = spawnSync('bash', ['-c', script, process.execPath, ...process.execArgv, __filename, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_ULIMIT_RAISED: '1' },
    });
    process.exit(r.status ?? 1);
  }
}

const c = require('./lib/common');
const { roomNames, connectTopology, runStep } = require('./lib/load');
const { summarise } = require('./lib/profile');
const { generate, fingerprint, removeDatabase } = require('./gen-log');
const report = require('./lib/report');

// ---------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const ALL = ['saturation', 'latency', 'idle', 'store', 'replay'];
const only = option('only', ALL.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const s of only) if (!ALL.includes(s)) throw new Error(`--only: unknown scenario "${s}" (expected ${ALL.join(', ')})`);
const quick = flag('quick');
const runs = Number(option('runs', quick ? 1 : 3));
const partial = quick || only.length < ALL.length;
const outDir = partial && !flag('write') ? path.join(c.BENCH, 'out') : c.BENCH;

const CONFIG = {
  // Scenario 1 and 2: R rooms × U users, S senders per room, load in fan-out deliveries/s.
  topology: { rooms: 10, usersPerRoom: 20, sendersPerRoom: 2 },
  workers: 2,
  // Messages/s per sender, walked up until a step fails; ×400 = offered deliveries/s.
  ladder: [10, 20, 30, 45, 65, 90, 125, 175, 250, 350, 500],
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
  },
  // Scenario 4
  store: { durationMs: quick ? 800 : 2000, concurrency: 16, pgUrl: process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test' },
  // Scenario 5
  replay: { sizes: quick ? [100_000] : [100_000, 1_000_000] },
  targets: { saturation: 0.7, p99: 2, memory: 1.3, connections: 10_000, replayMs: 10_000 },
};

const results = {
  startedAt: new Date().toISOString(),
  quick,
  runs,
  only,
  config: CONFIG,
  machine: {},
  saturation: null,
  latency: null,
  idle: null,
  store: null,
  replay: null,
  profiles: [],
};

// ---------------------------------------------------------------------------------------------
// Machine and build

const machine = () => {
  const cpu = os.cpus();
  const version = (pkg) => {
    try {
      return require(path.join(c.ROOT, 'node_modules', pkg, 'package.json')).version;
    } catch {
      return 'n/a';
    }
  };
  const git = (...args) => {
    try {
      return execFileSync('git', args, { cwd: c.ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'n/a';
    }
  };
  const dirty = git('status', '--porcelain', '--', 'src');
  return {
    cpu: cpu[0] ? cpu[0].model.trim() : 'unknown',
    cores: cpu.length,
    ramGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    socketIo: version('socket.io'),
    socketIoClient: version('socket.io-client'),
    betterSqlite3: version('better-sqlite3'),
    pg: version('pg'),
    nest: version('@nestjs/core'),
    commit: git('rev-parse', '--short', 'HEAD'),
    srcDirty: dirty !== '' && dirty !== 'n/a',
  };
};

const build = () => {
  if (flag('no-build')) return;
  c.log('building the server (npm run build)…');
  const r = spawnSync('npm', ['run', 'build'], { cwd: c.ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error('npm run build failed: fix the build or pass --no-build to measure the existing dist/');
  }
};

// ---------------------------------------------------------------------------------------------
// Scenario 1: saturation sweep

const passes = (step) => step.deliveredRatio >= CONFIG.pass.deliveredRatio && step.latency.p99 < CONFIG.pass.p99Ms;

const withLoad = async (kind, fn, { nodeArgs = [], logName } = {}) => {
  const server = await c.startServer(kind, { rooms: roomNames(CONFIG.topology.rooms), nodeArgs, logName });
  const workers = await c.startWorkers(CONFIG.workers);
  try {
    const topo = await connectTopology(workers, server.url, CONFIG.topology);
    if (topo.failed > 0) throw new Error(`${kind}: ${topo.failed} sockets failed to connect/join: ${JSON.stringify(topo.errors)}`);
    // Warm-up (JIT, buffers, caches): not measured.
    await runStep(workers, CONFIG.topology, { ratePerSender: CONFIG.ladder[0], durationMs: 1000, drainMs: 300 });
    return await fn(server, workers);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await server.stop();
  }
};

const workersCpuMs = (workers) => workers.reduce((a, w) => a + c.cpuMs(w.proc.pid), 0);

const measuredStep = async (server, workers, ratePerSender, durationMs) => {
  const cpu0 = server.cpuMs();
  const wcpu0 = workersCpuMs(workers);
  const step = await runStep(workers, CONFIG.topology, { ratePerSender, durationMs, drainMs: CONFIG.drainMs });
  server.assertAlive();
  step.serverCores = (server.cpuMs() - cpu0) / (durationMs + CONFIG.drainMs);
  step.clientCores = (workersCpuMs(workers) - wcpu0) / (durationMs + CONFIG.drainMs);
  step.loadavg1 = Math.round(os.loadavg()[0] * 100) / 100;
  step.pass = passes(step);
  return step;
};

const sweep = (kind, run) =>
  withLoad(
    kind,
    async (server, workers) => {
      const steps = [];
      let lastPass = null;
      let firstFail = null;
      for (const rate of CONFIG.ladder) {
        let step = await measuredStep(server, workers, rate, CONFIG.stepMs);
        steps.push(step);
        c.log(`  ${kind} run ${run}: ${fmtStep(step)}`);
        if (!step.pass) {
          // A failure may be a hiccup of the shared machine: the step is tried once more.
          step.retried = true;
          step = await measuredStep(server, workers, rate, CONFIG.stepMs);
          step.retry = true;
          steps.push(step);
          c.log(`  ${kind} run ${run}: ${fmtStep(step)} (retry)`);
        }
        if (step.pass) lastPass = step;
        else {
          firstFail = step;
          break;
        }
      }
      // One refining step between the last pass and the first failure.
      if (firstFail) {
        const low = lastPass ? lastPass.ratePerSender : firstFail.ratePerSender / 2;
        const rate = Math.round(Math.sqrt(low * firstFail.ratePerSender) * 10) / 10;
        const step = await measuredStep(server, workers, rate, CONFIG.stepMs);
        step.refine = true;
        steps.push(step);
        c.log(`  ${kind} run ${run}: ${fmtStep(step)} (refine)`);
      }
      const passing = steps.filter((s) => s.pass);
      const best = passing.reduce((a, s) => (a === null || s.delivered > a.delivered ? s : a), null);
      return { run, saturation: best ? best.delivered : 0, best, steps, ceilingHit: firstFail === null };
    },
    { logName: `${kind}-saturation-${run}` },
  );

const fmtStep = (s) =>
  `rate ${s.ratePerSender}/s/sender offered ${Math.round(s.offered)} delivered ${Math.round(s.delivered)}/s ` +
  `(${(s.deliveredRatio * 100).toFixed(2)} %) p50 ${s.latency.p50.toFixed(2)} p99 ${s.latency.p99.toFixed(2)} max ${s.latency.max.toFixed(1)} ms ` +
  `server ${s.serverCores.toFixed(2)} clients ${s.clientCores.toFixed(2)} cores${s.acksFailed ? ` rejected ${s.acksFailed} ${JSON.stringify(s.errors)}` : ''} ${s.pass ? 'PASS' : 'FAIL'}`;

const scenarioSaturation = async (kinds = ['baseline', 'project']) => {
  const out = { baseline: [], project: [] };
  for (let run = 1; run <= runs; run++) {
    for (const kind of kinds) {
      c.log(`saturation: ${kind}, run ${run}/${runs}`);
      out[kind].push(await sweep(kind, run));
    }
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// Scenario 2: latency at half the baseline's saturation

const scenarioLatency = async (baselineSaturation) => {
  const { rooms, sendersPerRoom, usersPerRoom } = CONFIG.topology;
  const offered = baselineSaturation / 2;
  const ratePerSender = Math.round((offered / (rooms * sendersPerRoom * usersPerRoom)) * 10) / 10;
  const latencyRuns = Math.max(runs, CONFIG.latencyRuns);
  const out = { offered, ratePerSender, durationMs: CONFIG.latencyMs, runs: latencyRuns, baseline: [], project: [] };
  for (let run = 1; run <= latencyRuns; run++) {
    for (const kind of ['baseline', 'project']) {
      const step = await withLoad(kind, (server, workers) => measuredStep(server, workers, ratePerSender, CONFIG.latencyMs), {
        logName: `${kind}-latency-${run}`,
      });
      c.log(`latency: ${kind} run ${run}: ${fmtStep(step)}`);
      out[kind].push(step);
    }
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// Scenario 3: idle connections

/** Waits until the server has been (nearly) idle for a second, at most `maxMs`. */
const settle = async (server, maxMs = 20_000) => {
  const started = c.now();
  let quietFor = 0;
  while (c.now() - started < maxMs && quietFor < 1000) {
    const cpu0 = server.cpuMs();
    await c.sleep(250);
    quietFor = (server.cpuMs() - cpu0) / 250 < 0.05 ? quietFor + 250 : 0;
  }
};

/** One new guest session per room: its token, for the tabs mode. */
const sessionTokens = async (url, rooms) => {
  const { io } = require('socket.io-client');
  const tokens = new Map();
  for (const room of rooms) {
    tokens.set(
      room,
      await new Promise((resolve, reject) => {
        const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
        socket.once('session', (s) => {
          socket.close();
          resolve(s.token);
        });
        socket.once('connect_error', reject);
      }),
    );
  }
  return tokens;
};

/**
 * Opens sockets up to each checkpoint (all joined to one of the rooms), and reads the server's RSS
 * at each once it is quiet. mode: 'distinct' (one guest user per socket) or 'tabs' (one user per
 * room, every socket of the room a tab of that user: the project only).
 */
const idleRun = async (kind, mode, checkpoints, budgetMs) => {
  const { rooms, workers: nWorkers } = CONFIG.idle;
  const names = roomNames(rooms);
  const server = await c.startServer(kind, { rooms: names, logName: `${kind}-idle-${mode}` });
  const workers = await c.startWorkers(nWorkers);
  const points = [];
  try {
    // Tabs: one user per room, their sessions started (and closed) before the measurement.
    const tokens = mode === 'tabs' ? await sessionTokens(server.url, names) : null;
    await c.sleep(mode === 'tabs' ? 4000 : 1500); // past the presence grace period (3 s)
    await settle(server, 5000);
    const rss0 = server.rssKb();
    let opened = 0;
    let k = 0;
    const started = c.now();
    for (const target of checkpoints) {
      const per = workers.map(() => []);
      for (; k < target; k++) {
        const w = k % nWorkers;
        const room = names[Math.floor(k / nWorkers) % rooms];
        per[w].push({ room, sender: false, ...(tokens ? { token: tokens.get(room) } : {}) });
      }
      const left = budgetMs - (c.now() - started);
      const t0 = c.now();
      const replies = await Promise.all(
        workers.map((w, i) =>
          w.request(
            { cmd: 'connect', url: server.url, sockets: per[i], concurrency: 25, timeoutMs: 60_000, deadlineMs: Math.max(0, left) },
            'connected',
            30 * 60_000,
          ),
        ),
      );
      const connectMs = c.now() - t0;
      opened = replies.reduce((a, r) => a + r.total, 0);
      const failed = replies.reduce((a, r) => a + r.failed, 0);
      const errors = replies.flatMap((r) => r.errors);
      await settle(server);
      const rss = server.rssKb();
      const point = {
        target,
        opened,
        failed,
        errors,
        connectMs,
        rateps: (per.flat().length / connectMs) * 1000,
        rssKb: rss,
        rss0Kb: rss0,
        perConnKb: (rss - rss0) / opened,
        reached: opened >= target,
      };
      points.push(point);
      c.log(
        `  idle ${kind} ${mode}: ${opened}/${target} sockets in ${(connectMs / 1000).toFixed(1)} s, RSS ${(rss / 1024).toFixed(0)} MB (+${((rss - rss0) / 1024).toFixed(0)}), ${point.perConnKb.toFixed(1)} kB/socket${failed ? `, ${failed} failed ${JSON.stringify(errors)}` : ''}`,
      );
      if (!point.reached) break;
    }
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await server.stop('SIGTERM', 20_000);
  }
  return points;
};

const scenarioIdle = async () => {
  const { checkpoints, distinctCheckpoints, distinctBudgetMs, fullDistinctBudgetMs } = CONFIG.idle;
  const out = { checkpoints, baseline: [], projectTabs: [], projectDistinct: [], projectDistinctFull: null };
  for (let run = 1; run <= runs; run++) {
    c.log(`idle: run ${run}/${runs}`);
    out.baseline.push(await idleRun('baseline', 'distinct', checkpoints, 10 * 60_000));
    out.projectTabs.push(await idleRun('project', 'tabs', checkpoints, 10 * 60_000));
    out.projectDistinct.push(await idleRun('project', 'distinct', distinctCheckpoints, distinctBudgetMs));
  }
  if (flag('full-idle')) out.projectDistinctFull = await idleRun('project', 'distinct', checkpoints, fullDistinctBudgetMs);
  return out;
};

// ---------------------------------------------------------------------------------------------
// Scenario 4: the event store alone

const pgReachable = (url) => {
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      `const {Client}=require('pg');const c=new Client({connectionString:process.argv[1],connectionTimeoutMillis:2000});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))`,
      url,
    ],
    { cwd: c.ROOT, timeout: 5000 },
  );
  return r.status === 0;
};

const scenarioStore = async () => {
  const { durationMs, concurrency, pgUrl } = CONFIG.store;
  const kinds = ['sqlite'];
  const pg = pgReachable(pgUrl);
  if (pg) kinds.push('postgres');
  else c.log(`store: PostgreSQL not reachable at ${pgUrl}; skipped`);
  const out = { durationMs, concurrency, pgUrl: pg ? pgUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : null, sqlite: [], postgres: [] };
  for (let run = 1; run <= runs; run++) {
    for (const kind of kinds) {
      const r = spawnSync(process.execPath, [path.join(c.BENCH, 'store-bench.js'), kind, String(durationMs), String(concurrency), pgUrl], {
        cwd: c.ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      });
      if (r.status !== 0) throw new Error(`store bench ${kind} failed: ${r.stderr}`);
      const m = JSON.parse(r.stdout.trim().split('\n').pop());
      c.log(`store: ${kind} run ${run}: single ${m.single.toFixed(0)}/s, ${concurrency} concurrent ${m.concurrent.toFixed(0)}/s`);
      out[kind].push(m);
    }
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// Scenario 5: start-up replay

const cacheDir = path.join(os.tmpdir(), 'nest-chat-bench-cache');

/**
 * A generated log of `size` events, from the cache when one was written by the same schema and
 * generator (the fingerprint in its name); logs of another fingerprint are deleted (~600 MB each).
 */
const replayLog = (size) => {
  const fp = fingerprint();
  const file = path.join(cacheDir, `replay-${size}-${fp}.sqlite`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(cacheDir, { recursive: true });
    for (const f of fs.readdirSync(cacheDir))
      if (f.startsWith('replay-') && !f.includes(`-${fp}.`)) fs.rmSync(path.join(cacheDir, f), { force: true });
    c.log(`replay: generating a log of ${size} events (cached in ${cacheDir})…`);
    const tmp = `${file}.tmp`;
    const written = generate(size, tmp);
    fs.renameSync(tmp, file);
    removeDatabase(tmp);
    c.log(`replay: ${written} events written`);
  }
  return file;
};

const startOnLog = async (logFile, { nodeArgs = [], logName } = {}) => {
  const dir = c.tmpDir('replay-data');
  if (logFile) fs.copyFileSync(logFile, path.join(dir, 'events.sqlite'));
  const server = await c.startServer('project', { dataDir: dir, env: { LOG_LEVEL: 'info' }, readyTimeoutMs: 300_000, nodeArgs, logName });
  const lines = fs.readFileSync(server.logFile, 'utf8').split('\n');
  let rebuilt = null;
  for (const line of lines) {
    if (!line.includes('read models rebuilt from the log')) continue;
    try {
      const j = JSON.parse(line);
      rebuilt = { events: j.events, ms: j.ms };
    } catch {
      const m = /"ms":(\d+)/.exec(line);
      if (m) rebuilt = { ms: Number(m[1]) };
    }
  }
  const rssKb = server.rssKb();
  return {
    server,
    dir,
    result: { readyMs: server.readyMs, rebuiltMs: rebuilt ? rebuilt.ms : null, events: rebuilt ? rebuilt.events : null, rssKb },
  };
};

const scenarioReplay = async () => {
  const out = { sizes: CONFIG.replay.sizes, empty: [], bySize: {} };
  for (const size of CONFIG.replay.sizes) out.bySize[size] = [];
  const logs = Object.fromEntries(CONFIG.replay.sizes.map((size) => [size, replayLog(size)]));
  for (let run = 1; run <= runs; run++) {
    const empty = await startOnLog(null, { logName: `replay-empty-${run}` });
    await empty.server.stop();
    out.empty.push(empty.result);
    c.log(`replay: empty log run ${run}: ready in ${empty.result.readyMs.toFixed(0)} ms`);
    for (const size of CONFIG.replay.sizes) {
      const { server, dir, result } = await startOnLog(logs[size], { logName: `replay-${size}-${run}` });
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
      out.bySize[size].push(result);
      c.log(
        `replay: ${size} events run ${run}: ready in ${result.readyMs.toFixed(0)} ms (rebuilt ${result.rebuiltMs} ms), RSS ${(result.rssKb / 1024).toFixed(0)} MB`,
      );
    }
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// Profiles of the project server where a target is missed

const profileDir = () => {
  const dir = path.join(outDir, 'profiles');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
};

const profiled = async (name, what, fn) => {
  const dir = profileDir();
  for (const f of fs.readdirSync(dir)) if (f.startsWith(`${name}.`)) fs.rmSync(path.join(dir, f));
  const before = new Set(fs.readdirSync(dir));
  const raw = path.join(dir, 'raw');
  fs.mkdirSync(raw, { recursive: true });
  const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${raw}`, `--cpu-prof-name=${name}.cpuprofile`];
  const extra = await fn(nodeArgs);
  await c.sleep(300);
  const file = path.join(raw, `${name}.cpuprofile`);
  if (!fs.existsSync(file)) {
    c.log(`profile ${name}: no profile written`);
    return;
  }
  const target = path.join(dir, `${name}.cpuprofile`);
  fs.renameSync(file, target);
  fs.rmSync(raw, { recursive: true, force: true });
  void before;
  const summary = summarise(target, 20);
  summary.file = path.relative(c.ROOT, target);
  results.profiles.push({ name, what, ...extra, summary });
  c.log(
    `profile ${name}: ${summary.busyMs} ms busy; top: ${summary.functions
      .slice(0, 3)
      .map((f) => `${f.what.split('  ')[0]} ${f.pct.toFixed(1)} %`)
      .join(', ')}`,
  );
};

const profileMisses = async (misses) => {
  if (flag('no-profile')) return;
  const all = flag('profile');
  const { rooms, sendersPerRoom, usersPerRoom } = CONFIG.topology;
  if (all || misses.has('saturation') || misses.has('latency')) {
    // At the project's own saturation (where its limits show), else at the half load.
    const projectSat = results.saturation ? c.median(results.saturation.project.map((x) => x.saturation)) : Number.NaN;
    const atSaturation = Number.isFinite(projectSat) && projectSat > 0;
    const offered = atSaturation ? projectSat : results.latency ? results.latency.offered : 20_000;
    const ratePerSender = Math.round((offered / (rooms * sendersPerRoom * usersPerRoom)) * 10) / 10;
    const label = atSaturation ? 'its own saturation load' : 'the half load';
    await profiled(
      'project-load',
      `project server at ${label} (${Math.round(offered)} deliveries/s) for ${CONFIG.latencyMs / 1000} s`,
      async (nodeArgs) => {
        const step = await withLoad('project', (server, workers) => measuredStep(server, workers, ratePerSender, CONFIG.latencyMs), {
          nodeArgs,
          logName: 'project-profile-load',
        });
        return { step };
      },
    );
  }
  if (all || misses.has('memory') || misses.has('connections')) {
    const n = quick ? 300 : 600;
    await profiled('project-connect', `project server while ${n} distinct guests connect and join`, async (nodeArgs) => {
      const names = roomNames(CONFIG.idle.rooms);
      const server = await c.startServer('project', { rooms: names, nodeArgs, logName: 'project-profile-connect' });
      const workers = await c.startWorkers(CONFIG.idle.workers);
      try {
        const per = workers.map(() => []);
        for (let k = 0; k < n; k++)
          per[k % workers.length].push({ room: names[Math.floor(k / workers.length) % names.length], sender: false });
        const t0 = c.now();
        await Promise.all(
          workers.map((w, i) =>
            w.request({ cmd: 'connect', url: server.url, sockets: per[i], concurrency: 25, timeoutMs: 60_000 }, 'connected', 30 * 60_000),
          ),
        );
        return { connectMs: c.now() - t0, sockets: n };
      } finally {
        await Promise.all(workers.map((w) => w.close()));
        await server.stop('SIGTERM', 30_000);
      }
    });
  }
  if (all || misses.has('replay')) {
    const size = CONFIG.replay.sizes[CONFIG.replay.sizes.length - 1];
    await profiled('project-replay', `project server starting on a log of ${size} events`, async (nodeArgs) => {
      const { server, dir, result } = await startOnLog(replayLog(size), { nodeArgs, logName: 'project-profile-replay' });
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
      return { replay: result };
    });
  }
};

// ---------------------------------------------------------------------------------------------

/** --report FILE: re-renders RESULTS.md and latency.svg (beside FILE) from a results.json. */
const rerender = (file) => {
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (saved.analysis === undefined && fs.existsSync(path.join(path.dirname(file), 'ANALYSIS.md'))) {
    saved.analysis = fs.readFileSync(path.join(path.dirname(file), 'ANALYSIS.md'), 'utf8');
  }
  fs.writeFileSync(path.join(path.dirname(file), 'RESULTS.md'), report.markdown(saved));
  if (saved.saturation && saved.saturation.project.length)
    fs.writeFileSync(path.join(path.dirname(file), 'latency.svg'), report.svg(saved));
  c.log(`re-rendered ${path.relative(c.ROOT, path.dirname(file)) || '.'}/RESULTS.md from ${path.relative(c.ROOT, file)}`);
};

const main = async () => {
  if (option('report')) return rerender(path.resolve(option('report')));
  const t0 = c.now();
  build();
  results.machine = machine();
  c.log(
    `machine: ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.ramGb} GB; node ${results.machine.node}; socket.io ${results.machine.socketIo}; runs ${runs}${quick ? ' (quick)' : ''}`,
  );
  if (!fs.existsSync(path.join(c.ROOT, 'dist', 'main.js'))) throw new Error('dist/main.js is missing: run npm run build');

  results.loadavg = {};
  const load = (name) => (results.loadavg[name] = os.loadavg().map((x) => Math.round(x * 100) / 100));
  if (only.includes('saturation')) load('saturation');
  if (only.includes('saturation')) results.saturation = await scenarioSaturation();
  if (only.includes('latency')) {
    if (!results.saturation) results.saturation = await scenarioSaturation(['baseline']);
    const baseline = c.median(results.saturation.baseline.map((r) => r.saturation));
    load('latency');
    results.latency = await scenarioLatency(baseline);
  }
  for (const name of ['idle', 'store', 'replay']) if (only.includes(name)) results.loadavg[name] = null;
  if (only.includes('idle')) load('idle');
  if (only.includes('idle')) results.idle = await scenarioIdle();
  if (only.includes('store')) load('store');
  if (only.includes('store')) results.store = await scenarioStore();
  if (only.includes('replay')) load('replay');
  if (only.includes('replay')) results.replay = await scenarioReplay();

  const verdicts = report.targets(results);
  const misses = new Set(verdicts.filter((v) => v.met === false).map((v) => v.key));
  await profileMisses(misses);

  results.finishedAt = new Date().toISOString();
  results.elapsedS = Math.round((c.now() - t0) / 1000);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
  if (fs.existsSync(path.join(outDir, 'ANALYSIS.md'))) results.analysis = fs.readFileSync(path.join(outDir, 'ANALYSIS.md'), 'utf8');
  fs.writeFileSync(path.join(outDir, 'RESULTS.md'), report.markdown(results));
  if (results.saturation && results.saturation.project.length) fs.writeFileSync(path.join(outDir, 'latency.svg'), report.svg(results));
  c.log(`done in ${results.elapsedS} s → ${path.relative(c.ROOT, outDir) || '.'}/RESULTS.md`);
  for (const v of verdicts) c.log(`  target ${v.label}: ${v.met === null ? 'n/a' : v.met ? 'MET' : 'MISSED'} (${v.detail})`);
};

main()
  .catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    if (flag('keep') || process.exitCode) c.log(`kept ${c.tmpRootDir()} (server logs, data)`);
    else c.cleanTmp();
  });
