#!/usr/bin/env node
'use strict';
/**
 * The benchmark harness: `npm run bench` (= node bench/run.js). See bench/README.md.
 *
 *   node bench/run.js                          all scenarios, 3 runs each → bench/RESULTS.md, bench/latency.svg
 *   node bench/run.js --only saturation --quick one scenario, short steps, 1 run → bench/out/
 *
 * Flags:
 *   --only a,b     scenarios: saturation, latency, seed, cluster, idle, store, replay, reconnects, paging,
 *                  history-rss (latency needs a baseline saturation: it runs the baseline's sweep first if
 *                  saturation is not selected; seed and cluster are compared with the project's
 *                  saturation when saturation runs too)
 *   --replay-sizes a,b  the replay scenario's log sizes in events (default 100000,1000000)
 *   --quick        short steps, smaller sizes, 1 run (a smoke test, not a measurement)
 *   --runs N       runs per figure (default 3; saturation sweeps 5)
 *   --saturation-runs N  saturation sweeps per subject (default 5, or --runs when given)
 *   --no-build     do not run `npm run build` first (measure dist/ as it is)
 *   --no-profile   do not profile the project server where a target is missed
 *   --profile      profile even when every target is met
 *   --full-idle    also try 5,000 and 10,000 connections of distinct users on the project (slow)
 *   --write        write bench/RESULTS.md even for a partial (--only / --quick) run
 *   --keep         keep the temporary directory (server logs, data); kept anyway when a run fails
 *   --report FILE  only re-render RESULTS.md / latency.svg beside FILE from that results.json
 */
const { spawnSync } = require('node:child_process');
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
const { parseOptions } = require('./lib/options');
const { machine } = require('./lib/machine');
const { scenarioSaturation } = require('./lib/scenario-saturation');
const { scenarioLatency } = require('./lib/scenario-latency');
const { scenarioSeed } = require('./lib/scenario-seed');
const { scenarioCluster } = require('./lib/scenario-cluster');
const { scenarioIdle } = require('./lib/scenario-idle');
const { scenarioStore } = require('./lib/scenario-store');
const { scenarioReplay } = require('./lib/scenario-replay');
const { scenarioReconnects } = require('./lib/scenario-reconnects');
const { scenarioPaging } = require('./lib/scenario-paging');
const { scenarioHistoryRss } = require('./lib/scenario-history-rss');
const { profileMisses } = require('./lib/profile-misses');
const { targets } = require('./lib/report-targets');
const { writeReport } = require('./lib/report');

const opts = parseOptions(process.argv.slice(2));
const { flag, option, only, quick, runs, outDir, config } = opts;

const build = () => {
  if (flag('no-build')) return;
  c.log('building the server (npm run build)…');
  const r = spawnSync('npm', ['run', 'build'], { cwd: c.ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error('npm run build failed: fix the build or pass --no-build to measure the existing dist/');
  }
};

/** --report FILE: re-renders RESULTS.md and latency.svg (beside FILE) from a results.json. */
const rerender = (file) => {
  writeReport(path.dirname(file), JSON.parse(fs.readFileSync(file, 'utf8')));
  c.log(`re-rendered ${path.relative(c.ROOT, path.dirname(file)) || '.'}/RESULTS.md from ${path.relative(c.ROOT, file)}`);
};

const main = async () => {
  if (option('report')) return rerender(path.resolve(option('report')));
  const t0 = c.now();
  const results = {
    startedAt: new Date().toISOString(),
    quick,
    runs,
    only,
    config,
    machine: {},
    saturation: null,
    latency: null,
    seed: null,
    cluster: null,
    idle: null,
    store: null,
    replay: null,
    reconnects: null,
    paging: null,
    historyRss: null,
    profiles: [],
  };
  build();
  const m = (results.machine = machine());
  c.log(
    `machine: ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB; node ${m.node}; socket.io ${m.socketIo}; runs ${runs}${quick ? ' (quick)' : ''}`,
  );
  if (!fs.existsSync(path.join(c.ROOT, 'dist', 'main.js'))) throw new Error('dist/main.js is missing: run npm run build');

  results.loadavg = {};
  // What was measured so far, kept after each scenario: a failure later leaves it in results.partial.json.
  const partial = path.join(outDir, 'results.partial.json');
  const load = (name) => {
    fs.mkdirSync(outDir, { recursive: true });
    results.quietWaits = c.quietWaits;
    fs.writeFileSync(partial, `${JSON.stringify(results, null, 1)}\n`);
    results.loadavg[name] = os.loadavg().map((x) => Math.round(x * 100) / 100);
  };
  if (only.includes('saturation')) load('saturation');
  if (only.includes('saturation')) results.saturation = await scenarioSaturation(opts);
  if (only.includes('latency')) {
    if (!results.saturation) results.saturation = await scenarioSaturation(opts, ['baseline']);
    const baseline = c.median(results.saturation.baseline.map((r) => r.saturation));
    load('latency');
    results.latency = await scenarioLatency(opts, baseline);
  }
  for (const name of ['seed', 'cluster', 'idle', 'store', 'replay', 'reconnects', 'paging', 'history-rss'])
    if (only.includes(name)) results.loadavg[name] = null;
  if (only.includes('seed')) load('seed');
  if (only.includes('seed')) results.seed = await scenarioSeed(opts);
  if (only.includes('cluster')) load('cluster');
  if (only.includes('cluster')) results.cluster = await scenarioCluster(opts);
  if (only.includes('idle')) load('idle');
  if (only.includes('idle')) results.idle = await scenarioIdle(opts);
  if (only.includes('store')) load('store');
  if (only.includes('store')) results.store = await scenarioStore(opts);
  if (only.includes('replay')) load('replay');
  if (only.includes('replay')) results.replay = await scenarioReplay(opts);
  if (only.includes('reconnects')) load('reconnects');
  if (only.includes('reconnects')) results.reconnects = await scenarioReconnects(opts);
  if (only.includes('paging')) load('paging');
  if (only.includes('paging')) results.paging = await scenarioPaging(opts);
  if (only.includes('history-rss')) load('history-rss');
  if (only.includes('history-rss')) results.historyRss = await scenarioHistoryRss(opts);

  const verdicts = targets(results);
  const misses = new Set(verdicts.filter((v) => v.met === false).map((v) => v.key));
  results.profiles = await profileMisses(opts, results, misses);

  results.finishedAt = new Date().toISOString();
  results.quietWaits = c.quietWaits;
  results.elapsedS = Math.round((c.now() - t0) / 1000);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
  fs.rmSync(partial, { force: true });
  writeReport(outDir, results);
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
