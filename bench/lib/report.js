'use strict';
/** bench/RESULTS.md and bench/latency.svg from the results of bench/run.js. */
const { median, min, max } = require('./common');

const f = (x, digits = 0) =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';
const ms = (x) => (Number.isFinite(x) ? (x < 10 ? f(x, 2) : x < 100 ? f(x, 1) : f(x, 0)) : 'n/a');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN);
const rx = (x) => (Number.isFinite(x) ? `${f(x, 2)}×` : 'n/a');
const mm = (xs, fmt = f) => `${fmt(min(xs))} / ${fmt(median(xs))}`;

const satOf = (runs) => runs.map((r) => r.saturation);
const lastPoint = (points, target) => points.find((p) => p.target === target);

/** Per-socket memory at `target` over the runs that reached it. */
const memAt = (runs, target) =>
  runs
    .map((points) => lastPoint(points, target))
    .filter((p) => p && p.reached)
    .map((p) => p.perConnKb);

/** The verdict on each target of the issue; met is null when not measured. */
const targets = (r) => {
  const t = r.config.targets;
  const out = [];
  if (r.saturation && r.saturation.project.length && r.saturation.baseline.length) {
    const q = ratio(median(satOf(r.saturation.project)), median(satOf(r.saturation.baseline)));
    out.push({
      key: 'saturation',
      label: `saturation ≥ ${t.saturation}× baseline`,
      met: q >= t.saturation,
      detail: `${rx(q)} (median / median)`,
    });
  } else out.push({ key: 'saturation', label: `saturation ≥ ${t.saturation}× baseline`, met: null, detail: 'not measured' });
  if (r.latency) {
    const q = ratio(median(r.latency.project.map((s) => s.latency.p99)), median(r.latency.baseline.map((s) => s.latency.p99)));
    out.push({ key: 'latency', label: `p99 at half load ≤ ${t.p99}× baseline`, met: q <= t.p99, detail: `${rx(q)}` });
  } else out.push({ key: 'latency', label: `p99 at half load ≤ ${t.p99}× baseline`, met: null, detail: 'not measured' });
  if (r.idle) {
    const common = [...r.config.idle.distinctCheckpoints]
      .reverse()
      .find((n) => memAt(r.idle.projectDistinct, n).length && memAt(r.idle.baseline, n).length);
    const big = r.idle.checkpoints[r.idle.checkpoints.length - 1];
    const qDistinct = common ? ratio(median(memAt(r.idle.projectDistinct, common)), median(memAt(r.idle.baseline, common))) : Number.NaN;
    const qTabs = ratio(median(memAt(r.idle.projectTabs, big)), median(memAt(r.idle.baseline, big)));
    out.push({
      key: 'memory',
      label: `memory per idle connection ≤ ${t.memory}× baseline`,
      met: Number.isFinite(qDistinct) ? qDistinct <= t.memory && !(qTabs > t.memory) : null,
      detail: `${rx(qDistinct)} with one guest per socket (at ${f(common)}), ${rx(qTabs)} with tabs of shared users (at ${f(big)})`,
    });
    const full = r.idle.projectDistinctFull;
    const reachedFull = full ? full.some((p) => p.target >= t.connections && p.reached) : null;
    const tabs10k = r.idle.projectTabs.every((pts) => pts.some((p) => p.target >= t.connections && p.reached));
    const growth = connectGrowth(r.idle.projectDistinct);
    let met;
    let detail;
    if (full) {
      met = reachedFull && tabs10k;
      detail = `one guest per socket: ${reachedFull ? 'reached' : `stopped at ${f(full[full.length - 1].opened)}`}; tabs: ${tabs10k ? 'reached' : 'not reached'}`;
    } else {
      met = tabs10k && growth !== null && growth.exponent < 1.3;
      detail = `tabs of shared users: ${tabs10k ? `${f(t.connections)} reached` : 'not reached'}; one guest per socket: connect time grows as N^${growth ? f(growth.exponent, 1) : '?'} (${growth ? `${f(growth.fromN)}→${f(growth.toN)}` : ''}), ~${growth ? f(growth.projected10kS) : '?'} s projected for ${f(t.connections)}`;
    }
    out.push({ key: 'connections', label: `${f(t.connections)} connections on one process`, met, detail });
  } else {
    out.push({ key: 'memory', label: `memory per idle connection ≤ ${t.memory}× baseline`, met: null, detail: 'not measured' });
    out.push({ key: 'connections', label: `${f(t.connections)} connections on one process`, met: null, detail: 'not measured' });
  }
  if (r.replay && r.replay.bySize[1_000_000]) {
    const m = median(r.replay.bySize[1_000_000].map((x) => x.readyMs));
    out.push({
      key: 'replay',
      label: `replay of 1,000,000 events ≤ ${t.replayMs / 1000} s`,
      met: m <= t.replayMs,
      detail: `${f(m / 1000, 2)} s to ready (median)`,
    });
  } else out.push({ key: 'replay', label: `replay of 1,000,000 events ≤ ${t.replayMs / 1000} s`, met: null, detail: 'not measured' });
  return out;
};

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

// ---------------------------------------------------------------------------------------------

const markdown = (r) => {
  const m = r.machine;
  const L = [];
  const add = (...lines) => L.push(...lines);
  add('# Benchmark results', '');
  add(
    `Produced by \`npm run bench\` (bench/run.js) on ${r.startedAt.slice(0, 10)}, ${r.runs} run${r.runs > 1 ? 's' : ''} per figure${r.quick ? ', **--quick (smoke test, not a measurement)**' : ''}` +
      `${r.only.length < 5 ? `, scenarios: ${r.only.join(', ')}` : ''}; took ${f(r.elapsedS)} s. How to run and read it: [README.md](README.md). Raw figures: \`results.json\`.`,
    '',
  );
  add('| Machine | |', '|---|---|');
  add(`| CPU | ${m.cpu}, ${m.cores} cores (shared with other work: absolute numbers drift, ratios hold better) |`);
  add(`| RAM | ${m.ramGb} GB |`, `| OS | ${m.kernel} |`, `| Load average (1/5/15 min) at start | ${m.loadavg.join(' / ')} |`);
  if (r.loadavg)
    add(
      `| Load average at each scenario's start | ${Object.entries(r.loadavg)
        .filter(([, v]) => v)
        .map(([k, v]) => `${k} ${v[0]}`)
        .join(', ')} (2 cores: above 2, other work competes for the CPU) |`,
    );
  add(`| Node | ${m.node} |`, `| socket.io / socket.io-client | ${m.socketIo} / ${m.socketIoClient} (server and baseline use the same) |`);
  add(`| @nestjs/core, better-sqlite3, pg | ${m.nest}, ${m.betterSqlite3}, ${m.pg} |`);
  add(`| Server measured | dist/ built from ${m.commit}${m.srcDirty ? ' plus uncommitted changes in src/' : ''} |`, '');
  add('Every figure is **min / median** over the runs. Ratios are project ÷ baseline of the medians.', '');

  add('## Targets', '', '| Target | Result | |', '|---|---|---|');
  for (const v of targets(r)) add(`| ${v.label} | ${v.met === null ? 'not measured' : v.met ? '**met**' : '**missed**'} | ${v.detail} |`);
  add('');

  const topo = r.config.topology;
  if (r.saturation) {
    const s = r.saturation;
    add('## 1. Saturation', '');
    add(
      `${topo.rooms} rooms × ${topo.usersPerRoom} users (one socket each), ${topo.sendersPerRoom} senders per room; every message is delivered to the ${topo.usersPerRoom} members of its room (the sender included), ` +
        `so a load is counted in deliveries/s = senders × rate × ${topo.usersPerRoom}. ${r.config.workers} load-generator processes. Each step sends for ${r.config.stepMs / 1000} s and waits ${r.config.drainMs / 1000} s for stragglers; ` +
        `the sweep walks up a fixed ladder until a step fails (< ${r.config.pass.deliveredRatio * 100} % delivered or p99 ≥ ${r.config.pass.p99Ms} ms), then tries one step between. ` +
        `Saturation = the highest delivered load of a passing step. The project server runs on SQLite (the default), LOG_LEVEL=warn, rate limits lifted.`,
      '',
    );
    add('| | baseline | project | ratio |', '|---|---|---|---|');
    const b = satOf(s.baseline);
    const p = satOf(s.project);
    add(`| saturation, deliveries/s | ${mm(b)} | ${mm(p)} | ${rx(ratio(median(p), median(b)))} |`);
    add(`| best run, deliveries/s | ${f(max(b))} | ${f(max(p))} | ${rx(ratio(max(p), max(b)))} |`);
    add(`| = messages in/s (median) | ${f(median(b) / topo.usersPerRoom)} | ${f(median(p) / topo.usersPerRoom)} | |`);
    const cores = (runs) => runs.map((x) => (x.best ? x.best.serverCores : Number.NaN));
    add(`| server CPU at that load, cores | ${mm(cores(s.baseline), (x) => f(x, 2))} | ${mm(cores(s.project), (x) => f(x, 2))} | |`);
    // CPU per delivery: the slope of server cores against delivered load over every step of every
    // run (least squares), which ignores the fixed idle cost and does not depend on where a noisy
    // sweep happened to stop.
    const slope = (runs, key) => {
      const pts = runs.flatMap((x) => x.steps).filter((st) => Number.isFinite(st[key]) && st.delivered > 0);
      if (pts.length < 2) return Number.NaN;
      const mx = pts.reduce((a, st) => a + st.delivered, 0) / pts.length;
      const my = pts.reduce((a, st) => a + st[key], 0) / pts.length;
      const sxy = pts.reduce((a, st) => a + (st.delivered - mx) * (st[key] - my), 0);
      const sxx = pts.reduce((a, st) => a + (st.delivered - mx) ** 2, 0);
      return sxx ? (sxy / sxx) * 1e6 : Number.NaN;
    };
    const sb = slope(s.baseline, 'serverCores');
    const sp = slope(s.project, 'serverCores');
    add(`| server CPU per 1,000 deliveries, ms (slope over all steps) | ${f(sb, 2)} | ${f(sp, 2)} | ${rx(ratio(sp, sb))} |`);
    add(
      `| load-generator CPU per 1,000 deliveries, ms | ${f(slope(s.baseline, 'clientCores'), 2)} | ${f(slope(s.project, 'clientCores'), 2)} | |`,
    );
    add('');
    add(
      'Interference from other work on the machine can only make a run worse, so the best run is the steadier estimate of capacity when the load average is high; the target is judged on the medians.',
      '',
    );
    add('Every step of every run (offered → delivered, p50 / p99 / max latency, CPU of the server and of the load processes):', '');
    add(
      '| server | run | offered/s | delivered/s | delivered | p50 ms | p99 ms | max ms | server cores | load-generator cores | load avg | |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const kind of ['baseline', 'project']) {
      for (const run of s[kind]) {
        for (const st of run.steps) {
          add(
            `| ${kind} | ${run.run} | ${f(st.offered)} | ${f(st.delivered)} | ${f(st.deliveredRatio * 100, 2)} % | ${ms(st.latency.p50)} | ${ms(st.latency.p99)} | ${ms(st.latency.max)} | ${f(st.serverCores, 2)} | ${f(st.clientCores, 2)} | ${st.loadavg1 === undefined ? '' : f(st.loadavg1, 1)} | ${st.pass ? 'pass' : 'fail'}${st.refine ? ' (refine)' : ''}${st.retry ? ' (retry)' : ''}${st.acksFailed ? `, ${st.acksFailed} rejected` : ''} |`,
          );
        }
      }
    }
    add('');
    if (r.saturation.baseline.some((x) => x.ceilingHit))
      add('Note: the baseline passed every step of the ladder; its saturation is at least the figure above.', '');
    add('![latency against offered load](latency.svg)', '');
  }

  if (r.latency) {
    const l = r.latency;
    add("## 2. Latency at half the baseline's saturation", '');
    add(
      `${f(l.offered)} deliveries/s offered (${l.ratePerSender} msgs/s per sender), ${l.durationMs / 1000} s per run, ${l.runs || l.baseline.length} runs alternating baseline and project (a fresh server each), same topology as above; end-to-end from the sender's emit to each receiver's handler, over every delivery.`,
      '',
    );
    add('| | baseline | project | ratio |', '|---|---|---|---|');
    for (const k of ['p50', 'p95', 'p99', 'max']) {
      const b = l.baseline.map((s) => s.latency[k]);
      const p = l.project.map((s) => s.latency[k]);
      add(`| ${k}, ms | ${mm(b, ms)} | ${mm(p, ms)} | ${rx(ratio(median(p), median(b)))} |`);
    }
    const dr = (xs) => xs.map((s) => s.deliveredRatio * 100);
    add(`| delivered, % | ${mm(dr(l.baseline), (x) => f(x, 2))} | ${mm(dr(l.project), (x) => f(x, 2))} | |`);
    add(
      `| p99 of each run, ms | ${l.baseline.map((s) => ms(s.latency.p99)).join(', ')} | ${l.project.map((s) => ms(s.latency.p99)).join(', ')} | |`,
    );
    add(
      `| server CPU, cores | ${mm(
        l.baseline.map((s) => s.serverCores),
        (x) => f(x, 2),
      )} | ${mm(
        l.project.map((s) => s.serverCores),
        (x) => f(x, 2),
      )} | ${rx(ratio(median(l.project.map((s) => s.serverCores)), median(l.baseline.map((s) => s.serverCores))))} |`,
    );
    add('');
  }

  if (r.idle) {
    const i = r.idle;
    add('## 3. Idle connections', '');
    add(
      `Sockets opened by ${r.config.idle.workers} load-generator processes, each joined to one of ${r.config.idle.rooms} rooms, then left idle. Memory per connection = (server RSS once quiet − RSS before the first socket) ÷ sockets, RSS from /proc/<pid>/status VmRSS. ` +
        'Project, two ways: **one guest per socket** (the realistic case: every socket is a new user, as a browser without a cookie) and **tabs** (one user per room and load process, every other socket a further tab of that user, resumed with its token): the latter isolates the cost of a socket from the cost of a user.',
      '',
    );
    add(
      '| sockets | baseline kB/socket | project, tabs kB/socket | ratio | project, one guest per socket kB/socket | ratio |',
      '|---|---|---|---|---|---|',
    );
    const all = [...new Set([...i.checkpoints, ...r.config.idle.distinctCheckpoints])].sort((a, b) => a - b);
    for (const n of all) {
      const b = memAt(i.baseline, n);
      const t = memAt(i.projectTabs, n);
      const d = memAt(i.projectDistinct, n);
      if (!b.length && !t.length && !d.length) continue;
      const cell = (xs) => (xs.length ? mm(xs, (x) => f(x, 1)) : '—');
      add(
        `| ${f(n)} | ${cell(b)} | ${cell(t)} | ${t.length && b.length ? rx(ratio(median(t), median(b))) : '—'} | ${cell(d)} | ${d.length && b.length ? rx(ratio(median(d), median(b))) : '—'} |`,
      );
    }
    add('');
    add('Time to open and join (cumulative per run, sockets/s of the last batch):', '');
    add(
      '| server | run | checkpoint | opened | seconds for the batch | sockets/s | RSS MB | failed |',
      '|---|---|---|---|---|---|---|---|',
    );
    const rows = (label, runs) =>
      runs.forEach((points, k) =>
        points.forEach((p) =>
          add(
            `| ${label} | ${k + 1} | ${f(p.target)} | ${f(p.opened)} | ${f(p.connectMs / 1000, 1)} | ${f(p.rateps)} | ${f(p.rssKb / 1024)} | ${p.failed || ''}${p.errors && p.errors.length ? ` ${p.errors.map(([e, n]) => `${e} ×${n}`).join(', ')}` : ''} |`,
          ),
        ),
      );
    rows('baseline', i.baseline);
    rows('project, tabs', i.projectTabs);
    rows('project, one guest per socket', i.projectDistinct);
    if (i.projectDistinctFull) rows('project, one guest per socket (--full-idle)', [i.projectDistinctFull]);
    const g = connectGrowth(i.projectDistinct);
    if (g)
      add(
        '',
        `One guest per socket: ${f(g.fromN)} sockets took ${f(g.tA / 1000, 1)} s, ${f(g.toN)} took ${f(g.tB / 1000, 1)} s (medians): time grows as N^${f(g.exponent, 2)}; at that rate 10,000 would take ~${f(g.projected10kS)} s. The baseline opens 10,000 in seconds.`,
      );
    add('');
  }

  if (r.store) {
    const s = r.store;
    add('## 4. The event store alone', '');
    add(
      `The project's adapters from dist/ (SqliteEventStore, PostgresEventStore), one MessageSent per append with the expected-version check, ${s.durationMs / 1000} s per figure. ` +
        `Single: one append at a time. Concurrent: ${s.concurrency} appenders at once, each on its own stream. PostgreSQL: ${s.pgUrl ? `${s.pgUrl}, a fresh schema per run (dropped after)` : 'not reachable, skipped'}.`,
      '',
    );
    add(
      '| store | single appends/s | concurrent appends/s | single append p50 / p99 / p99.9 / max, ms (median run) | single appends over 5 ms / over 20 ms |',
      '|---|---|---|---|---|',
    );
    for (const kind of ['sqlite', 'postgres']) {
      if (!s[kind].length) continue;
      const lat = s[kind].filter((x) => x.singleLatency).map((x) => x.singleLatency);
      const med = (k) => median(lat.map((l) => l[k]));
      const latCell = lat.length ? `${ms(med('p50'))} / ${ms(med('p99'))} / ${ms(med('p999'))} / ${ms(med('max'))}` : 'n/a';
      const overCell = lat.length ? `${f(med('over5ms'))} / ${f(med('over20ms'))} of ${f(med('n'))}` : 'n/a';
      add(
        `| ${kind === 'sqlite' ? 'SQLite (WAL, synchronous=NORMAL)' : 'PostgreSQL'} | ${mm(s[kind].map((x) => x.single))} | ${mm(s[kind].map((x) => x.concurrent))} | ${latCell} | ${overCell} |`,
      );
    }
    add('');
    add(
      "SQLite appends are synchronous (better-sqlite3): an append's latency is time the whole server's event loop stands still, so the tail (p99.9, max: disk writes and WAL checkpoints on this shared VM) shows up directly in every client's message latency.",
      '',
    );
  }

  if (r.replay) {
    const p = r.replay;
    add('## 5. Start-up: replaying the log', '');
    add(
      'A generated SQLite log (bench/gen-log.js: guests claim names and start sessions, open connections, join one of the four default rooms, send messages, leave; ~87 % MessageSent, every visit closed) ' +
        'is copied into a fresh DATA_DIR; the time is from spawning `node dist/main.js` to the first 200 of GET /ready (polled every 10 ms). "Rebuilt" is the server\'s own `read models rebuilt from the log` figure.',
      '',
    );
    add('| log | ready, ms | rebuilt (server log), ms | RSS when ready, MB |', '|---|---|---|---|');
    add(
      `| empty | ${mm(p.empty.map((x) => x.readyMs))} | ${mm(p.empty.map((x) => x.rebuiltMs))} | ${mm(p.empty.map((x) => x.rssKb / 1024))} |`,
    );
    for (const size of p.sizes) {
      const xs = p.bySize[size];
      add(
        `| ${f(size)} events | ${mm(xs.map((x) => x.readyMs))} | ${mm(xs.map((x) => x.rebuiltMs))} | ${mm(xs.map((x) => x.rssKb / 1024))} |`,
      );
    }
    add('');
  }

  if (r.profiles.length) {
    add('## Profiles', '');
    add(
      '`node --cpu-prof` of the project server where a target was missed; self time (time spent in the function itself), of the busy (non-idle) time. Files under dist/ are shown as their src/ source.',
      '',
    );
    for (const pr of r.profiles) {
      const s = pr.summary;
      add(`### ${pr.name}: ${pr.what}`, '');
      add(
        `\`${s.file}\` (open in Chrome DevTools → Performance, or speedscope). Busy ${f(s.busyMs)} ms of ${f(s.totalMs)} ms sampled.`,
        '',
      );
      add('| by package | self ms | % |', '|---|---|---|');
      for (const row of s.packages.slice(0, 8)) add(`| ${row.what} | ${f(row.ms)} | ${f(row.pct, 1)} |`);
      add('', '| charged to the nearest src/ function on the stack | ms | % |', '|---|---|---|');
      for (const row of s.attributed.slice(0, 12)) add(`| \`${row.what.replace(/\|/g, '\\|')}\` | ${f(row.ms)} | ${f(row.pct, 1)} |`);
      add('', '| top functions | self ms | % |', '|---|---|---|');
      for (const row of s.functions.slice(0, 15)) add(`| \`${row.what.replace(/\|/g, '\\|')}\` | ${f(row.ms)} | ${f(row.pct, 1)} |`);
      add('');
    }
  }
  if (r.analysis) add(r.analysis, '');
  return `${L.join('\n')}\n`;
};

// ---------------------------------------------------------------------------------------------

/** Latency (p50, p99, log scale) against offered load, both servers: medians over the runs of the ladder steps. */
const svg = (r) => {
  const W = 760;
  const H = 460;
  const pad = { l: 70, r: 170, t: 40, b: 55 };
  const series = [];
  const colours = { baseline: '#1f77b4', project: '#d62728' };
  for (const kind of ['baseline', 'project']) {
    const byOffered = new Map();
    for (const run of r.saturation[kind]) {
      for (const st of run.steps) {
        if (st.refine || st.retried) continue;
        const e = byOffered.get(st.offered) || { p50: [], p99: [] };
        e.p50.push(st.latency.p50);
        e.p99.push(st.latency.p99);
        byOffered.set(st.offered, e);
      }
    }
    const pts = [...byOffered].sort((a, b) => a[0] - b[0]);
    for (const k of ['p99', 'p50'])
      series.push({ kind, k, colour: colours[kind], dash: k === 'p50' ? '5,4' : '', points: pts.map(([x, e]) => [x, median(e[k])]) });
  }
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((y) => y > 0);
  const xMax = max(xs) * 1.05;
  const yMin = Math.min(0.1, min(ys));
  const yMax = Math.max(1000, max(ys));
  const lo = Math.log10(yMin);
  const hi = Math.log10(yMax);
  const X = (x) => pad.l + (x / xMax) * (W - pad.l - pad.r);
  const Y = (y) => pad.t + (1 - (Math.log10(Math.max(y, yMin)) - lo) / (hi - lo)) * (H - pad.t - pad.b);
  const o = [];
  o.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  o.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  o.push(
    `<text x="${pad.l}" y="22" font-size="14" font-weight="bold">End-to-end latency against offered load (median of ${r.runs} run${r.runs > 1 ? 's' : ''})</text>`,
  );
  o.push(
    `<text x="${pad.l}" y="${H - 4}" font-size="10" fill="#666">Saturation sweeps, nest-chat bench. A point is the median of the runs that reached that load; a sweep stops after its first failing step.</text>`,
  );
  // grid and axes
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
    const y = Y(10 ** e);
    o.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    o.push(`<text x="${pad.l - 8}" y="${y + 4}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)}</text>`);
  }
  const step = niceStep(xMax / 6);
  for (let x = 0; x <= xMax; x += step) {
    const px = X(x);
    o.push(`<line x1="${px}" x2="${px}" y1="${pad.t}" y2="${H - pad.b}" stroke="#eee"/>`);
    o.push(`<text x="${px}" y="${H - pad.b + 18}" text-anchor="middle">${x >= 1000 ? `${x / 1000}k` : x}</text>`);
  }
  o.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${H - pad.b}" y2="${H - pad.b}" stroke="black"/>`);
  o.push(`<line x1="${pad.l}" x2="${pad.l}" y1="${pad.t}" y2="${H - pad.b}" stroke="black"/>`);
  o.push(`<text x="${(pad.l + W - pad.r) / 2}" y="${H - 22}" text-anchor="middle">offered load, deliveries/s</text>`);
  o.push(`<text transform="translate(18 ${(pad.t + H - pad.b) / 2}) rotate(-90)" text-anchor="middle">latency, ms (log scale)</text>`);
  // the 50 ms criterion and the half load
  const y50 = Y(r.config.pass.p99Ms);
  o.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${y50}" y2="${y50}" stroke="#888" stroke-dasharray="2,3"/>`);
  o.push(`<text x="${W - pad.r - 4}" y="${y50 - 4}" text-anchor="end" fill="#666">p99 limit ${r.config.pass.p99Ms} ms</text>`);
  if (r.latency) {
    const hx = X(r.latency.offered);
    o.push(`<line x1="${hx}" x2="${hx}" y1="${pad.t}" y2="${H - pad.b}" stroke="#888" stroke-dasharray="2,3"/>`);
    o.push(`<text x="${hx + 4}" y="${pad.t + 12}" fill="#666">half of baseline saturation</text>`);
  }
  for (const s of series) {
    const d = s.points.map(([x, y], i) => `${i ? 'L' : 'M'}${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ');
    o.push(`<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/>`);
    for (const [x, y] of s.points) o.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="3" fill="${s.colour}"/>`);
  }
  // legend
  let ly = pad.t + 10;
  for (const s of series) {
    o.push(
      `<line x1="${W - pad.r + 15}" x2="${W - pad.r + 45}" y1="${ly}" y2="${ly}" stroke="${s.colour}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/>`,
    );
    o.push(`<text x="${W - pad.r + 52}" y="${ly + 4}">${s.kind} ${s.k}</text>`);
    ly += 20;
  }
  o.push('</svg>');
  return `${o.join('\n')}\n`;
};

const niceStep = (raw) => {
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (p * m >= raw) return p * m;
  return p * 10;
};

module.exports = { targets, markdown, svg, connectGrowth };
