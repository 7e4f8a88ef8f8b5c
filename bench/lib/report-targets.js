'use strict';
/** The verdict on each target of the issue, from the results of bench/run.js, and the figures it rests on. */
const { median } = require('./common');
const { f, ms, ratio, rx } = require('./report-format');
const { config } = require('./options');

const satOf = (runs) => runs.map((r) => r.saturation);

/**
 * The project's results keys and their LOG_LEVEL in a scenario's results ({project: 'info',
 * projectWarn: 'warn'}); results written before the levels were recorded measured `project` at warn.
 */
const levelsOf = (x) => x.logLevels ?? { project: 'warn' };
/** The key of the project's results at `level` in a scenario's results, or null. */
const keyAt = (x, level) => Object.entries(levelsOf(x)).find(([, l]) => l === level)?.[0] ?? null;
/** The project's sweeps at `level` (an empty list when not measured). */
const projectSat = (r, level) => {
  const key = r.saturation ? keyAt(r.saturation, level) : null;
  return key ? (r.saturation[key] ?? []) : [];
};
const lastPoint = (points, target) => points.find((p) => p.target === target);

/** Per-socket memory at `target` over the runs that reached it. */
const memAt = (runs, target) =>
  runs
    .map((points) => lastPoint(points, target))
    .filter((p) => p && p.reached)
    .map((p) => p.perConnKb);

/** How the time to open N distinct-guest sockets grows with N (cumulative ms at each checkpoint). */
const connectGrowth = (runs) => {
  const cumulative = runs.map((points) => {
    let total = 0;
    return points.map((p) => ({ n: p.opened, target: p.target, reached: p.reached, t: (total += p.connectMs) }));
  });
  const targets = [
    ...new Set(
      cumulative
        .flat()
        .filter((p) => p.reached)
        .map((p) => p.target),
    ),
  ].sort((a, b) => a - b);
  if (targets.length < 2) return null;
  const [a, b] = targets.slice(-2);
  const tA = median(cumulative.map((pts) => (pts.find((p) => p.target === a && p.reached) || {}).t));
  const tB = median(cumulative.map((pts) => (pts.find((p) => p.target === b && p.reached) || {}).t));
  const exponent = Math.log(tB / tA) / Math.log(b / a);
  return { fromN: a, toN: b, tA, tB, exponent, projected10kS: (tB * (10_000 / b) ** exponent) / 1000 };
};

// Each verdict: {met, detail}, or null when the scenario was not run.

/** Saturation of the project at `level` ÷ the baseline's, against `t[key]`. */
const saturationVerdict = (level, key) => (r, t) => {
  const p = projectSat(r, level);
  if (!(r.saturation && p.length && r.saturation.baseline.length)) return null;
  const q = ratio(median(satOf(p)), median(satOf(r.saturation.baseline)));
  return {
    met: q >= t[key],
    detail: `${rx(q)} (median / median: ${f(median(satOf(p)))} / ${f(median(satOf(r.saturation.baseline)))} deliveries/s)`,
  };
};

/** The project's latency runs judged: at the default level (info) when measured, else the only one. */
const latencyKey = (l) => keyAt(l, 'info') ?? 'project';

const latencyVerdict = (r, t) => {
  if (!r.latency) return null;
  const key = latencyKey(r.latency);
  const p = median(r.latency[key].map((s) => s.latency.p99));
  const b = median(r.latency.baseline.map((s) => s.latency.p99));
  const q = ratio(p, b);
  return {
    met: q <= t.p99,
    detail: `${rx(q)} (${ms(p)} / ${ms(b)} ms at ${f(r.latency.offered)} deliveries/s, project at LOG_LEVEL=${levelsOf(r.latency)[key]})`,
  };
};

/** The project at its default level (info) ÷ the original Flask app. */
const seedVerdict = (r, t) => {
  if (!r.seed) return null;
  if (r.seed.skipped) return { met: null, detail: `the original app was not run: ${r.seed.skipped}` };
  if (!r.seed.runs.length) return { met: null, detail: `the original app failed: ${r.seed.failed}` };
  const p = projectSat(r, 'info');
  if (!p.length)
    return {
      met: null,
      detail: `the original app: ${f(median(satOf(r.seed.runs)))} deliveries/s; the project's saturation was not measured (add saturation to --only)`,
    };
  const q = ratio(median(satOf(p)), median(satOf(r.seed.runs)));
  return { met: q >= t.seed, detail: `${rx(q)} (median / median: ${f(median(satOf(p)))} / ${f(median(satOf(r.seed.runs)))} deliveries/s)` };
};

/** PostgreSQL appends/s with the store scenario's concurrent writers. */
const pgVerdict = (r, t) => {
  if (!r.store) return null;
  if (!r.store.postgres.length) return { met: null, detail: 'PostgreSQL did not answer (BENCH_PG_URL): not measured' };
  const m = median(r.store.postgres.map((x) => x.concurrent));
  return {
    met: m >= t.pgConcurrent,
    detail: `${f(m)} appends/s (median of ${r.store.postgres.length} run${r.store.postgres.length > 1 ? 's' : ''})`,
  };
};

const memoryVerdict = (r, t) => {
  if (!r.idle) return null;
  const common = [...r.config.idle.distinctCheckpoints]
    .reverse()
    .find((n) => memAt(r.idle.projectDistinct, n).length && memAt(r.idle.baseline, n).length);
  const big = r.idle.checkpoints[r.idle.checkpoints.length - 1];
  const qDistinct = common ? ratio(median(memAt(r.idle.projectDistinct, common)), median(memAt(r.idle.baseline, common))) : Number.NaN;
  const qTabs = ratio(median(memAt(r.idle.projectTabs, big)), median(memAt(r.idle.baseline, big)));
  return {
    met: Number.isFinite(qDistinct) ? qDistinct <= t.memory && !(qTabs > t.memory) : null,
    detail: `${rx(qDistinct)} with one guest per socket (at ${f(common)}), ${rx(qTabs)} with tabs of shared users (at ${f(big)})`,
  };
};

const connectionsVerdict = (r, t) => {
  if (!r.idle) return null;
  const full = r.idle.projectDistinctFull;
  const tabs10k = r.idle.projectTabs.every((pts) => pts.some((p) => p.target >= t.connections && p.reached));
  if (full) {
    const reachedFull = full.some((p) => p.target >= t.connections && p.reached);
    return {
      met: reachedFull && tabs10k,
      detail: `one guest per socket: ${reachedFull ? 'reached' : `stopped at ${f(full[full.length - 1].opened)}`}; tabs: ${tabs10k ? 'reached' : 'not reached'}`,
    };
  }
  const growth = connectGrowth(r.idle.projectDistinct);
  return {
    met: tabs10k && growth !== null && growth.exponent < 1.3,
    detail: `tabs of shared users: ${tabs10k ? `${f(t.connections)} reached` : 'not reached'}; one guest per socket: connect time grows as N^${growth ? f(growth.exponent, 1) : '?'} (${growth ? `${f(growth.fromN)}→${f(growth.toN)}` : ''}), ~${growth ? f(growth.projected10kS) : '?'} s projected for ${f(t.connections)}`,
  };
};

/** A replay run's first start (results before the snapshot had the start's figures at the top level). */
const firstStart = (x) => x.first ?? x;

const replayVerdict = (r, t) => {
  if (!(r.replay && r.replay.bySize[1_000_000])) return null;
  const m = median(r.replay.bySize[1_000_000].map((x) => firstStart(x).readyMs));
  return { met: m <= t.replayMs, detail: `${f(m / 1000, 2)} s to ready on the first start (median)` };
};

/** The replay sizes that were restarted from a snapshot. */
const restartedSizes = (r) => (r.replay ? r.replay.sizes.filter((size) => r.replay.bySize[size].some((x) => x.restart)) : []);

const restartVerdict = (r, t) => {
  const sizes = restartedSizes(r);
  if (!sizes.length) return null;
  const ms = sizes.map((size) => median(r.replay.bySize[size].filter((x) => x.restart).map((x) => x.restart.readyMs)));
  const empty = median(r.replay.empty.map((x) => x.readyMs));
  return {
    met: ms.every((m) => m <= t.restartMs),
    detail: `${sizes.map((size, i) => `${f(ms[i] / 1000, 2)} s at ${f(size)} events`).join(', ')} (median; an empty log: ${f(empty / 1000, 2)} s)`,
  };
};

const restartRssVerdict = (r, t) => {
  const sizes = restartedSizes(r);
  if (!sizes.length || !r.replay.empty.length) return null;
  const empty = median(r.replay.empty.map((x) => x.rssKb));
  const qs = sizes.map((size) => ratio(median(r.replay.bySize[size].filter((x) => x.restart).map((x) => x.restart.rssKb)), empty));
  return {
    met: qs.every((q) => q <= t.restartRss),
    detail: `${sizes.map((size, i) => `${rx(qs[i])} at ${f(size)} events`).join(', ')} (median ÷ median)`,
  };
};

const pagingVerdict = (r, t) => {
  if (!(r.paging && r.paging.runs.length)) return null;
  const deep = median(r.paging.runs.map((x) => x.deep.p99));
  const win = median(r.paging.runs.map((x) => x.window.p99));
  return {
    met: deep <= t.pagingP99Ms,
    detail: `${f(deep, 1)} ms at random depths in ${f(r.paging.messages)} messages (median of runs; ${rx(ratio(deep, win))} the ${f(win, 1)} ms of pages inside the window)`,
  };
};

/** history-rss runs of a layout (number of rooms). */
const rssRunsOf = (r, rooms) => r.historyRss.runs.filter((x) => x.rooms === rooms);

const historyRssVerdict = (r, t) => {
  if (!(r.historyRss && r.historyRss.runs.length)) return null;
  const layouts = [...new Set(r.historyRss.runs.map((x) => x.rooms))];
  const qs = layouts.map((rooms) => median(rssRunsOf(r, rooms).map((x) => x.rssRatio)));
  return {
    met: qs.every((q) => q <= t.historyRss),
    detail: `${layouts.map((rooms, i) => `${rx(qs[i])} in ${f(rooms)} room${rooms > 1 ? 's' : ''}`).join(', ')} (RSS after ${f(r.historyRss.messages)} messages ÷ after ${f(r.historyRss.checkpoint)}, median)`,
  };
};

/**
 * Distinct guests with presence diffs: every checkpoint up to the target reached within its budget,
 * and memory per socket there within the memory target of the baseline's at its largest checkpoint.
 */
const diffVerdict = (r, t) => {
  const points = r.idle && r.idle.projectDiff;
  if (!points || !points.length) return null;
  const last = points[points.length - 1];
  // A machine whose limit on open files is below the target is measured as far as it lets one process go.
  const limited = last.fileLimit && last.fileLimit.asked >= t.diffSockets;
  const reached = (last.target >= t.diffSockets || limited) && last.reached;
  const seconds = points.reduce((sum, p) => sum + p.connectMs, 0) / 1000;
  const big = r.idle.checkpoints[r.idle.checkpoints.length - 1];
  const q = ratio(last.perConnKb, median(memAt(r.idle.baseline, big)));
  const limit = limited
    ? ` (${f(t.diffSockets)} asked: this machine lets a process open ${f(last.fileLimit.limit)} files, ${f(last.fileLimit.ownFds)} of them the server's own, so ${f(last.target)} is as far as any one process goes here)`
    : '';
  return {
    met: reached && seconds * 1000 <= t.diffSocketsMs && q <= t.memory,
    detail: `${f(last.opened)} of ${f(last.target)} in ${f(seconds, 1)} s${limit}, ${f(last.perConnKb, 1)} kB/socket = ${rx(q)} the baseline's at ${f(big)}`,
  };
};

/** Reconnects: RSS (at rest, where measured so) and the store after all the cycles ÷ after the first. */
const reconnectsVerdict = (r, t) => {
  const x = r.reconnects;
  if (!x) return null;
  const heap =
    x.all.heapUsedMb !== undefined && x.first.heapUsedMb !== undefined
      ? `, heap after a full collection ${rx(x.all.heapUsedMb / x.first.heapUsedMb)}`
      : '';
  return {
    met: x.rssRatio <= t.reconnects && x.storeRatio <= t.reconnects,
    detail: `RSS ${rx(x.rssRatio)}, store ${rx(x.storeRatio)} (after ${f(x.all.cycles)} cycles of ${f(x.users)} users ÷ after ${f(x.first.cycles)}${x.first.atRest ? ', RSS at rest' : ''})${heap}`,
  };
};

/** The verdict on each target: [{key, label, met, detail}]; met is null when not measured. */
const targets = (r) => {
  // Results written before a target existed are judged on today's figure for it.
  const t = { ...config(false).targets, ...r.config.targets };
  const checkpoint = (r.config.historyRss ?? config(false).historyRss).checkpoint;
  const verdict = (key, label, measure) => ({ key, label, ...(measure(r, t) ?? { met: null, detail: 'not measured' }) });
  return [
    verdict(
      'saturation',
      `saturation ≥ ${t.saturation}× baseline at LOG_LEVEL=info (the default)`,
      saturationVerdict('info', 'saturation'),
    ),
    verdict('saturationWarn', `saturation ≥ ${t.saturationWarn}× baseline at LOG_LEVEL=warn`, saturationVerdict('warn', 'saturationWarn')),
    verdict('latency', `p99 at half the baseline's saturation ≤ ${t.p99}× baseline`, latencyVerdict),
    verdict('seed', `saturation ≥ ${t.seed}× the original Flask-SocketIO app`, seedVerdict),
    verdict('memory', `memory per idle connection ≤ ${t.memory}× baseline`, memoryVerdict),
    verdict('connections', `${f(t.connections)} connections on one process`, connectionsVerdict),
    verdict(
      'diffSockets',
      `${f(t.diffSockets)} guests with presence diffs within ${t.diffSocketsMs / 1000} s, ≤ ${t.memory}× baseline memory each`,
      diffVerdict,
    ),
    verdict(
      'pgConcurrent',
      `PostgreSQL ≥ ${f(t.pgConcurrent)} appends/s with ${f(r.config.store?.concurrency ?? 16)} concurrent writers`,
      pgVerdict,
    ),
    verdict('replay', `replay of 1,000,000 events ≤ ${t.replayMs / 1000} s`, replayVerdict),
    verdict('restart', `restart from the snapshot ≤ ${t.restartMs / 1000} s to ready`, restartVerdict),
    verdict('restartRss', `RSS after a restart ≤ ${t.restartRss}× RSS on an empty log`, restartRssVerdict),
    verdict('paging', `p99 of a page deep in a big room ≤ ${t.pagingP99Ms} ms`, pagingVerdict),
    verdict('historyRss', `RSS while messages flow ≤ ${t.historyRss}× RSS after the first ${f(checkpoint)}`, historyRssVerdict),
    verdict('reconnects', `RSS and store after many reconnects ≤ ${t.reconnects}× after the first`, reconnectsVerdict),
  ];
};

module.exports = { targets, connectGrowth, satOf, levelsOf, keyAt, projectSat, latencyKey, memAt, firstStart, rssRunsOf };
