'use strict';
/** bench/RESULTS.md: the Markdown report (machine, targets, one section per scenario, profiles) from the results of bench/run.js. */
const { median, max } = require('./common');
const { f, ms, ratio, rx, mm } = require('./report-format');
const { targets, connectGrowth, satOf, levelsOf, projectSat, latencyKey, memAt, firstStart, rssRunsOf } = require('./report-targets');
const { config, SCENARIOS } = require('./options');

const markdown = (r) => {
  const m = r.machine;
  const L = [];
  const add = (...lines) => L.push(...lines);
  add('# Benchmark results', '');
  add(
    `Produced by \`npm run bench\` (bench/run.js) on ${r.startedAt.slice(0, 10)}, ${r.runs} run${r.runs > 1 ? 's' : ''} per figure${r.quick ? ', **--quick (smoke test, not a measurement)**' : ''}` +
      `${r.only.length < SCENARIOS.length ? `, scenarios: ${r.only.join(', ')}` : ''}; took ${f(r.elapsedS)} s. How to run and read it: [README.md](README.md). Raw figures: \`results.json\`.`,
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
  add('Every figure is **min / median** over the runs. Ratios are project ÷ baseline of the medians (or as the column says).', '');

  add('## Targets', '', '| Target | Result | |', '|---|---|---|');
  for (const v of targets(r)) add(`| ${v.label} | ${v.met === null ? 'not measured' : v.met ? '**met**' : '**missed**'} | ${v.detail} |`);
  add('');

  const topo = r.config.topology;
  const cores = (runs) => runs.map((x) => (x.best ? x.best.serverCores : Number.NaN));
  const stepRows = (label, runs) => {
    for (const run of runs) {
      for (const st of run.steps) {
        add(
          `| ${label} | ${run.run} | ${f(st.offered)} | ${f(st.delivered)} | ${f(st.deliveredRatio * 100, 2)} % | ${ms(st.latency.p50)} | ${ms(st.latency.p99)} | ${ms(st.latency.max)} | ${f(st.serverCores, 2)}${st.nodeCores ? ` (${st.nodeCores.map((x) => f(x, 2)).join(' + ')})` : ''} | ${f(st.clientCores, 2)} | ${st.loadavg1 === undefined ? '' : f(st.loadavg1, 1)} | ${st.pass ? 'pass' : 'fail'}${st.refine ? ' (refine)' : ''}${st.retry ? ' (retry)' : ''}${st.acksFailed ? `, ${st.acksFailed} rejected` : ''} |`,
        );
      }
    }
  };
  const stepHeader = (what = 'server') =>
    add(
      `| ${what} | run | offered/s | delivered/s | delivered | p50 ms | p99 ms | max ms | server cores | load-generator cores | load avg | |`,
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
  const sweepText =
    `${topo.rooms} rooms × ${topo.usersPerRoom} users (one socket each), ${topo.sendersPerRoom} senders per room; every message is delivered to the ${topo.usersPerRoom} members of its room (the sender included), ` +
    `so a load is counted in deliveries/s = senders × rate × ${topo.usersPerRoom}. ${r.config.workers} load-generator processes. Each step sends for ${r.config.stepMs / 1000} s and waits ${r.config.drainMs / 1000} s for stragglers; ` +
    `the sweep walks up a fixed ladder until a step fails (< ${r.config.pass.deliveredRatio * 100} % delivered or p99 ≥ ${r.config.pass.p99Ms} ms), then tries one step between. ` +
    'Saturation = the highest delivered load of a passing step.';
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
  /** The project's columns of a scenario's results: [{key, level, label}], those with runs. */
  const projectColumns = (x) =>
    Object.entries(levelsOf(x))
      .filter(([key]) => (x[key] ?? []).length)
      .map(([key, level]) => ({ key, level, label: `project, LOG_LEVEL=${level}${level === 'info' ? ' (default)' : ''}` }));

  if (r.saturation) {
    const s = r.saturation;
    const cols = projectColumns(s);
    add('## 1. Saturation', '');
    add(
      cols.length
        ? `${sweepText} The project server runs on SQLite (the default), rate limits lifted, at each log level: ${cols.map((col) => `LOG_LEVEL=${col.level}`).join(' and ')}` +
            `${cols.some((col) => col.level === 'info') ? " (info, its default, logs every accepted message as one JSON line, written to the server's log file)" : ''}; the runs alternate the servers, a fresh server each.`
        : `${sweepText} Only the baseline was swept here (for the half load of scenario 2).`,
      '',
    );
    add(`| | baseline |${cols.map((col) => ` ${col.label} | ratio |`).join('')}`, `|---|---|${cols.map(() => '---|---|').join('')}`);
    const b = satOf(s.baseline);
    const row = (label, base, of, ratioOf) =>
      add(`| ${label} | ${base} |${cols.map((col) => ` ${of(s[col.key])} | ${ratioOf ? ratioOf(s[col.key]) : ''} |`).join('')}`);
    row(
      'saturation, deliveries/s',
      mm(b),
      (runs) => mm(satOf(runs)),
      (runs) => rx(ratio(median(satOf(runs)), median(b))),
    );
    row(
      'best run, deliveries/s',
      f(max(b)),
      (runs) => f(max(satOf(runs))),
      (runs) => rx(ratio(max(satOf(runs)), max(b))),
    );
    row('= messages in/s (median)', f(median(b) / topo.usersPerRoom), (runs) => f(median(satOf(runs)) / topo.usersPerRoom));
    row(
      'server CPU at that load, cores',
      mm(cores(s.baseline), (x) => f(x, 2)),
      (runs) => mm(cores(runs), (x) => f(x, 2)),
    );
    const sb = slope(s.baseline, 'serverCores');
    row(
      'server CPU per 1,000 deliveries, ms (slope over all steps)',
      f(sb, 2),
      (runs) => f(slope(runs, 'serverCores'), 2),
      (runs) => rx(ratio(slope(runs, 'serverCores'), sb)),
    );
    row('load-generator CPU per 1,000 deliveries, ms', f(slope(s.baseline, 'clientCores'), 2), (runs) => f(slope(runs, 'clientCores'), 2));
    add('');
    add(
      'Interference from other work on the machine can only make a run worse, so the best run is the steadier estimate of capacity when the load average is high; the targets are judged on the medians.',
      '',
    );
    add('Every step of every run (offered → delivered, p50 / p99 / max latency, CPU of the server and of the load processes):', '');
    stepHeader();
    stepRows('baseline', s.baseline);
    for (const col of cols) stepRows(col.label, s[col.key]);
    add('');
    if (s.baseline.some((x) => x.ceilingHit))
      add('Note: the baseline passed every step of the ladder; its saturation is at least the figure above.', '');
    for (const col of cols)
      if (s[col.key].some((x) => x.ceilingHit))
        add(`Note: the ${col.label} passed every step of the ladder in some run; its saturation is at least the figure above.`, '');
    if (cols.length) add('![latency against offered load](latency.svg)', '');
  }

  if (r.seed) {
    const x = r.seed;
    const t = { ...config(false).targets, ...r.config.targets };
    add('## 1b. The original application', '');
    add(
      'The Flask-SocketIO chat this project rewrites (`bench/flask-seed/app.py`: its server, its four default rooms, `logger=True` and `engineio_logger=True`, Python logging at INFO to the log file), ' +
        'run as it is deployed: `gunicorn -k eventlet -w 1`. The same load generator and topology as scenario 1, in its four rooms; it acknowledges nothing, so the load workers join and send without acks (as its own page does) and count deliveries at the receivers, as for every server. ' +
        `Its ladder starts far lower: ${x.ladder ? x.ladder.slice(0, 4).join(', ') : '…'}… msgs/s per sender. Target: the project at its default LOG_LEVEL=info ≥ ${t.seed}× its saturation.`,
      '',
    );
    if (x.skipped) add(`**Not run:** ${x.skipped}.`, '');
    if (x.failed) add(`**Failed:** ${x.failed}.`, '');
    if (x.runs.length) {
      const p = projectSat(r, 'info');
      const o = satOf(x.runs);
      add(
        `Python ${x.pythonVersion} (${x.python}); ${Object.entries(x.packages)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}.`,
        '',
      );
      add('| | original (Flask-SocketIO) | project, LOG_LEVEL=info | ratio |', '|---|---|---|---|');
      add(
        `| saturation, deliveries/s | ${mm(o)} | ${p.length ? mm(satOf(p)) : 'not measured'} | ${p.length ? rx(ratio(median(satOf(p)), median(o))) : ''} |`,
      );
      add(
        `| = messages in/s (median) | ${f(median(o) / topo.usersPerRoom, 1)} | ${p.length ? f(median(satOf(p)) / topo.usersPerRoom) : ''} | |`,
      );
      add(`| server CPU at that load, cores | ${mm(cores(x.runs), (v) => f(v, 2))} | ${p.length ? mm(cores(p), (v) => f(v, 2)) : ''} | |`);
      const so = slope(x.runs, 'serverCores');
      const sp = p.length ? slope(p, 'serverCores') : Number.NaN;
      add(
        `| server CPU per 1,000 deliveries, ms (slope over all steps) | ${f(so, 2)} | ${f(sp, 2)} | ${p.length ? rx(ratio(so, sp)) : ''} |`,
      );
      add('');
      stepHeader();
      stepRows('original', x.runs);
      add('');
      if (x.runs.some((run) => run.ceilingHit))
        add('Note: the original app passed every step of its ladder in some run; its saturation is at least the figure above.', '');
    }
  }

  if (r.cluster) {
    const x = r.cluster;
    add('## 1c. Two nodes: fan-out through Redis', '');
    add(
      `${x.nodes} project servers on one PostgreSQL database (EVENT_STORE, a fresh database per run, dropped after) and Redis (REDIS_URL: the Socket.IO Redis adapter; a CLUSTER_NAME per run), LOG_LEVEL=${x.logLevel}, rate limits lifted. ` +
        `${sweepText} Every sender is connected to node A, the receivers are dealt over A and B in turn: a message appended on A reaches the sockets on B through Redis. Server CPU is the sum of both nodes (A + B in the steps). No target: reported beside the single node of scenario 1 (SQLite).`,
      '',
    );
    if (x.skipped) add(`**Not run:** ${x.skipped}.`, '');
    if (x.failed) add(`**Failed:** ${x.failed}.`, '');
    if (x.runs.length) {
      const single = projectSat(r, x.logLevel);
      const c2 = satOf(x.runs);
      add(
        `PostgreSQL ${x.pgUrl}, Redis ${x.redisUrl}; sockets per node (A / B): ${[...new Set(x.runs.map((run) => run.socketsPerNode.join(' / ')))].join(', ')}.`,
        '',
      );
      add(`| | two nodes | one node (scenario 1, LOG_LEVEL=${x.logLevel}) | ratio |`, '|---|---|---|---|');
      add(
        `| saturation, deliveries/s | ${mm(c2)} | ${single.length ? mm(satOf(single)) : 'not measured'} | ${single.length ? rx(ratio(median(c2), median(satOf(single)))) : ''} |`,
      );
      add(
        `| server CPU at that load, cores (both nodes) | ${mm(cores(x.runs), (v) => f(v, 2))} | ${single.length ? mm(cores(single), (v) => f(v, 2)) : ''} | |`,
      );
      const sc = slope(x.runs, 'serverCores');
      const ss = single.length ? slope(single, 'serverCores') : Number.NaN;
      add(
        `| server CPU per 1,000 deliveries, ms (slope over all steps) | ${f(sc, 2)} | ${f(ss, 2)} | ${single.length ? rx(ratio(sc, ss)) : ''} |`,
      );
      add('');
      stepHeader('nodes');
      stepRows('A + B', x.runs);
      add('');
      if (x.runs.some((run) => run.ceilingHit))
        add('Note: the two nodes passed every step of the ladder in some run; their saturation is at least the figure above.', '');
    }
  }

  if (r.latency) {
    const l = r.latency;
    const t = { ...config(false).targets, ...r.config.targets };
    const cols = projectColumns(l);
    add("## 2. Latency at half the baseline's saturation", '');
    add(
      `${f(l.offered)} deliveries/s offered to every server (${l.ratePerSender} msgs/s per sender${l.baselineSaturation ? ` = half the baseline's median saturation of ${f(l.baselineSaturation)}` : ''}), ${l.durationMs / 1000} s per run, ${l.runs || l.baseline.length} runs alternating the servers (a fresh server each), same topology as above; end-to-end from the sender's emit to each receiver's handler, over every delivery. ` +
        `Target: the project's p99 (at LOG_LEVEL=${levelsOf(l)[latencyKey(l)]}) ≤ ${t.p99}× the baseline's.`,
      '',
    );
    add(`| | baseline |${cols.map((col) => ` ${col.label} | ratio |`).join('')}`, `|---|---|${cols.map(() => '---|---|').join('')}`);
    for (const k of ['p50', 'p95', 'p99', 'max']) {
      const b = l.baseline.map((s) => s.latency[k]);
      add(
        `| ${k}, ms | ${mm(b, ms)} |${cols
          .map(
            (col) =>
              ` ${mm(
                l[col.key].map((s) => s.latency[k]),
                ms,
              )} | ${rx(ratio(median(l[col.key].map((s) => s.latency[k])), median(b)))} |`,
          )
          .join('')}`,
      );
    }
    const dr = (xs) => xs.map((s) => s.deliveredRatio * 100);
    add(
      `| delivered, % | ${mm(dr(l.baseline), (v) => f(v, 2))} |${cols.map((col) => ` ${mm(dr(l[col.key]), (v) => f(v, 2))} | |`).join('')}`,
    );
    const sent = (xs) => xs.map((s) => s.sentPerSec);
    add(
      `| messages sent/s (offered ${f(l.offered / topo.usersPerRoom)}) | ${mm(sent(l.baseline))} |${cols.map((col) => ` ${mm(sent(l[col.key]))} | |`).join('')}`,
    );
    add(
      `| p99 of each run, ms | ${l.baseline.map((s) => ms(s.latency.p99)).join(', ')} |${cols.map((col) => ` ${l[col.key].map((s) => ms(s.latency.p99)).join(', ')} | |`).join('')}`,
    );
    const sc = (xs) => xs.map((s) => s.serverCores);
    add(
      `| server CPU, cores | ${mm(sc(l.baseline), (v) => f(v, 2))} |${cols.map((col) => ` ${mm(sc(l[col.key]), (v) => f(v, 2))} | ${rx(ratio(median(sc(l[col.key])), median(sc(l.baseline))))} |`).join('')}`,
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
    if (i.projectDiff) rows("project, one guest per socket, `presence: 'diff'`", [i.projectDiff]);
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
    const t = { ...config(false).targets, ...r.config.targets };
    add('## 5. Start-up: replaying the log, restarting from the snapshot', '');
    add(
      'A generated SQLite log (bench/gen-log.js: guests claim names and start sessions, open connections, join one of the four default rooms, send messages, leave; ~87 % MessageSent, every visit closed) ' +
        'is copied into a fresh DATA_DIR. **First start**: no snapshot, the server folds the whole log, then saves its read models as a snapshot; it is stopped cleanly (SIGTERM) once ready. ' +
        '**Restart**: the same DATA_DIR again, the server loads the snapshot and folds only the events after it. ' +
        'The time is from spawning `node dist/main.js` to the first 200 of GET /ready (polled every 10 ms); "caught up" is the server\'s own `read models caught up with the log` figure (events folded after the snapshot, ms). ' +
        `Targets: a restart ready in ≤ ${t.restartMs / 1000} s, with RSS ≤ ${t.restartRss}× the RSS of a start on an empty log.`,
      '',
    );
    add(
      '| log | start | ready, ms | events folded | caught up (server log), ms | RSS when ready, MB | RSS ÷ empty log |',
      '|---|---|---|---|---|---|---|',
    );
    const emptyRss = median(p.empty.map((x) => x.rssKb));
    add(
      `| empty | first | ${mm(p.empty.map((x) => firstStart(x).readyMs))} | 0 | ${mm(p.empty.map((x) => firstStart(x).rebuiltMs))} | ${mm(p.empty.map((x) => firstStart(x).rssKb / 1024))} | 1.00× |`,
    );
    for (const size of p.sizes) {
      const xs = p.bySize[size];
      const row = (label, ys) =>
        add(
          `| ${f(size)} events | ${label} | ${mm(ys.map((x) => x.readyMs))} | ${mm(ys.map((x) => x.events))} | ${mm(ys.map((x) => x.rebuiltMs))} | ${mm(ys.map((x) => x.rssKb / 1024))} | ${rx(ratio(median(ys.map((x) => x.rssKb)), emptyRss))} |`,
        );
      row('first', xs.map(firstStart));
      const restarts = xs.filter((x) => x.restart).map((x) => x.restart);
      if (restarts.length) row('restart', restarts);
    }
    add('');
    const snaps = p.sizes.flatMap((size) => p.bySize[size].filter((x) => x.snapshot).map((x) => ({ size, ...x.snapshot })));
    if (snaps.length)
      add(
        `Snapshot saved by the first start: ${[...new Set(snaps.map((x) => x.size))].map((size) => `${f(size)} events → ${f(median(snaps.filter((x) => x.size === size).map((x) => x.kb)))} kB at position ${f(median(snaps.filter((x) => x.size === size).map((x) => x.position)))}`).join('; ')}. ` +
          'A start on an empty log is the floor of the restart time: it is the boot of Node and Nest, not replay.',
        '',
      );
  }

  if (r.replay && r.replay.sizes.some((size) => r.replay.bySize[size].some((x) => x.quickCheckMs !== undefined))) {
    const p = r.replay;
    add(
      `\`PRAGMA quick_check\` of each log file, which the SQLite store runs whenever it opens it (so every start pays it, from a snapshot or not), timed by the harness on the cached file: ${p.sizes
        .map((size) => `${mm(p.bySize[size].map((x) => x.quickCheckMs))} ms at ${f(size)} events`)
        .join('; ')}.`,
      '',
    );
  }

  if (r.reconnects) {
    const x = r.reconnects;
    add('## 6. Reconnects', '');
    add(
      `${f(x.users)} users (guest sessions) connect and disconnect again and again on SQLite, within the presence grace period; RSS and the size of the store (file, WAL, shared memory) after the first cycles and after all (${f(x.cyclesPerS, 1)} cycles/s).`,
      '',
    );
    add('| after | cycles | RSS, MB | store, MB | events |', '|---|---|---|---|---|');
    for (const pt of [x.first, x.all]) add(`| ${pt.label} | ${f(pt.cycles)} | ${f(pt.rssMb, 1)} | ${f(pt.storeMb, 1)} | ${f(pt.events)} |`);
    add('', `Ratios all ÷ first: RSS ${rx(x.rssRatio)}, store ${rx(x.storeRatio)}.`, '');
  }

  if (r.paging) {
    const p = r.paging;
    const t = { ...config(false).targets, ...r.config.targets };
    add('## 7. Paging deep in a big room', '');
    add(
      `A log of one room of ${f(p.messages)} messages (bench/gen-room.js: five guests in \`General\`, message ids derived from the seq, every 97th message edited, every 41st with a reaction) is copied into a fresh DATA_DIR; the server starts on it and saves its snapshot before anything is measured. ` +
        `Then ${f(p.requests)} pairs of GET /api/rooms/General/messages?limit=${p.limit}&before=<id>, sequential over one keep-alive connection: one page at a random depth older than the window of ${f(p.window)} (read from the store by index), one page inside the window (from memory, the baseline of the same run). ` +
        `Every page is checked (${p.limit} messages, starting just before the id). Target: p99 of the deep pages ≤ ${t.pagingP99Ms} ms.`,
      '',
    );
    add('| pages | p50, ms | p90, ms | p99, ms | max, ms |', '|---|---|---|---|---|');
    for (const [label, key] of [
      ['deep (from the store)', 'deep'],
      ['inside the window (from memory)', 'window'],
    ])
      add(
        `| ${label} | ${['p50', 'p90', 'p99', 'max']
          .map((k) =>
            mm(
              p.runs.map((x) => x[key][k]),
              ms,
            ),
          )
          .join(' | ')} |`,
      );
    const q = ratio(median(p.runs.map((x) => x.deep.p99)), median(p.runs.map((x) => x.window.p99)));
    add(
      '',
      `Deep ÷ window, p99: ${rx(q)}. Server start on the log: ${mm(
        p.runs.map((x) => x.readyMs / 1000),
        (v) => f(v, 1),
      )} s to ready (no snapshot: the whole log folded); RSS ${mm(p.runs.map((x) => x.rssKb / 1024))} MB.`,
      '',
    );
  }

  if (r.historyRss) {
    const h = r.historyRss;
    const t = { ...config(false).targets, ...r.config.targets };
    add('## 8. RSS while messages flow', '');
    add(
      `A running server on SQLite; ${f(h.messages)} messages sent through real Socket.IO clients (the load workers; each sender keeps a few messages waiting for their ack, so the server runs as fast as it takes them), in one room and spread over 100 rooms (CHAT_ROOMS of 100 names). ` +
        `RSS is read after the first ${f(h.checkpoint)} messages, at points after that and at the end, each the median of 5 samples after 1 s idle. ` +
        'Beside it, the live heap after a full collection (bench/lib/heap-probe.js, preloaded into the server with --expose-gc, triggered by SIGUSR2 after RSS is read): what the server keeps, apart from what the process has not given back. ' +
        `Target: RSS at the end ≤ ${t.historyRss}× RSS after the first ${f(h.checkpoint)}.`,
      '',
    );
    add(
      '| rooms | senders × waiting acks | RSS at start, MB | RSS after first, MB | RSS at end, MB | RSS ratio | heap after GC first → end, MB | heap ratio | msgs/s | refused |',
      '|---|---|---|---|---|---|---|---|---|---|',
    );
    const layouts = [...new Set(h.runs.map((x) => x.rooms))];
    for (const rooms of layouts) {
      const xs = rssRunsOf(r, rooms);
      const x0 = xs[0];
      add(
        `| ${f(rooms)} | ${f(rooms * x0.sendersPerRoom)} × ${x0.window} | ${mm(xs.map((x) => x.startRssMb))} | ${mm(xs.map((x) => x.first.rssMb))} | ${mm(xs.map((x) => x.all.rssMb))} | ${rx(median(xs.map((x) => x.rssRatio)))} | ${f(median(xs.map((x) => x.first.heapUsedMb)))} → ${f(median(xs.map((x) => x.all.heapUsedMb)))} | ${rx(median(xs.map((x) => x.heapRatio)))} | ${f(median(xs.map((x) => x.all.msgsPerS)))} | ${f(xs.reduce((a, x) => a + x.acksFailed, 0))} |`,
      );
    }
    add(
      '',
      'Every point of every run (messages sent so far → RSS / V8 heap used after GC / V8 heap committed after GC / store file and WAL, MB): heap used flat while RSS grows is memory the process holds, not state the server keeps.',
      '',
    );
    add('| rooms | run | points |', '|---|---|---|');
    for (const x of h.runs)
      add(
        `| ${f(x.rooms)} | ${x.run} | ${(x.points ?? [x.first, x.all]).map((pt) => `${f(pt.messages)} → ${f(pt.rssMb)} / ${f(pt.heapUsedMb)} / ${f(pt.heapTotalMb)} / ${f(pt.storeMb)}`).join('; ')} |`,
      );
    add('');
    const filling = h.runs.filter((x) => x.windowsFullAtFirst === false).map((x) => x.rooms);
    if (filling.length)
      add(
        `Note: with ${[...new Set(filling)].map((n) => f(n)).join(', ')} room(s), the first ${f(h.checkpoint)} messages do not fill every room's window (rooms × HISTORY_WINDOW), so part of the growth is windows filling up, as they should; the full run's first point (100,000) is past that.`,
        '',
      );
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

module.exports = { markdown };
