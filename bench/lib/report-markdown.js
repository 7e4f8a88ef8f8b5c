'use strict';
/** bench/RESULTS.md: the Markdown report (machine, targets, one section per scenario, profiles) from the results of bench/run.js. */
const { median, max } = require('./common');
const { f, ms, ratio, rx, mm } = require('./report-format');
const { targets, connectGrowth, satOf, levelsOf, projectSat, latencyKey, memAt } = require('./report-targets');
const { config, SCENARIOS } = require('./options');
const { laterSections } = require('./report-markdown-later');
const { diagnosticLabel } = require('./message-load');

const markdown = (r) => {
  const m = r.machine;
  const L = [];
  const add = (...lines) => L.push(...lines);
  add('# Benchmark results', '');
  add(
    `Produced by \`npm run bench\` (bench/run.js) on ${r.startedAt.slice(0, 10)}, ${r.runs} run${r.runs > 1 ? 's' : ''} per figure${r.saturation?.runs && r.saturation.runs !== r.runs ? ` (${r.saturation.runs} saturation sweeps per server)` : ''}${r.quick ? ', **--quick (smoke test, not a measurement)**' : ''}` +
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
  if (r.quietWaits && r.quietWaits.length > 0) {
    const loud = r.quietWaits.filter((w) => !w.quiet);
    add(
      `| Quiet before each measurement | every server start (and each store run) waited until both cores were ≥ 90 % idle for 1 s: ${f(r.quietWaits.length)} waits, ${f(r.quietWaits.reduce((a, w) => a + w.waitedMs, 0) / 1000)} s in all, longest ${f(Math.max(...r.quietWaits.map((w) => w.waitedMs)) / 1000, 1)} s${loud.length ? `; ${loud.length} gave up after 60 s and measured anyway (${loud.map((w) => w.label).join(', ')})` : ''} |`,
    );
  }
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
  // Runs from before the bisection (no refineSteps in their config) tried one step between.
  const refineText = (n = 1) =>
    n === 1
      ? 'then tries one step between (a failed step is tried once more).'
      : `tries a failed step once more, then bisects the gap between the last pass and the failure with ${n} more rates (each also tried once more when it fails), to within about ${Math.round((Math.pow(1.4, 1 / Math.pow(2, n)) - 1) * 100)} %.`;
  const sweepText =
    `${topo.rooms} rooms × ${topo.usersPerRoom} users (one socket each), ${topo.sendersPerRoom} senders per room; every message is delivered to the ${topo.usersPerRoom} members of its room (the sender included), ` +
    `so a load is counted in deliveries/s = senders × rate × ${topo.usersPerRoom}. ${r.config.workers} load-generator processes. Each step sends for ${r.config.stepMs / 1000} s and waits ${r.config.drainMs / 1000} s for stragglers; ` +
    `the sweep walks up a fixed ladder until a step fails (< ${r.config.pass.deliveredRatio * 100} % delivered or p99 ≥ ${r.config.pass.p99Ms} ms), ${refineText(r.config.refineSteps)} ` +
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
  /** The diagnostic subjects of a scenario's results (see options.js): [{key, label, what}], those with runs. */
  const diagnosticColumns = (x) =>
    Object.entries(x.diagnostics ?? {})
      .filter(([key]) => (x[key] ?? []).length)
      .map(([key, env]) => ({
        key,
        label: diagnosticLabel(env),
        what:
          env.EVENT_STORE === 'memory'
            ? 'the in-memory store: no disk and no writer thread, nothing survives a restart, so no message is durable before its ack; validation, logging, the buses and the fan-out as shipped.'
            : '',
      }));

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
    const b = satOf(s.baseline);
    const sb = slope(s.baseline, 'serverCores');
    /** The table of saturations: the baseline and each of `columns`. */
    const saturationTable = (columns) => {
      add(
        `| | baseline |${columns.map((col) => ` ${col.label} | ratio |`).join('')}`,
        `|---|---|${columns.map(() => '---|---|').join('')}`,
      );
      const row = (label, base, of, ratioOf) =>
        add(`| ${label} | ${base} |${columns.map((col) => ` ${of(s[col.key])} | ${ratioOf ? ratioOf(s[col.key]) : ''} |`).join('')}`);
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
      row(
        'server CPU per 1,000 deliveries, ms (slope over all steps)',
        f(sb, 2),
        (runs) => f(slope(runs, 'serverCores'), 2),
        (runs) => rx(ratio(slope(runs, 'serverCores'), sb)),
      );
      row('load-generator CPU per 1,000 deliveries, ms', f(slope(s.baseline, 'clientCores'), 2), (runs) =>
        f(slope(runs, 'clientCores'), 2),
      );
      add('');
    };
    saturationTable(cols);
    add(
      'Interference from other work on the machine can only make a run worse, so the best run is the steadier estimate of capacity when the load average is high; the targets are judged on the medians.',
      '',
    );
    const diagnostics = diagnosticColumns(s);
    if (diagnostics.length) {
      add(
        `**What a miss is made of** (a diagnostic, judged against no target): the project at its default log level with one setting changed, swept in the same runs as the others (alternating with them, a fresh server each). ${diagnostics.map((col) => `${col.label}: ${col.what}`).join(' ')}`,
        '',
      );
      saturationTable(diagnostics);
    }
    add('Every step of every run (offered → delivered, p50 / p99 / max latency, CPU of the server and of the load processes):', '');
    stepHeader();
    stepRows('baseline', s.baseline);
    for (const col of [...cols, ...diagnostics]) stepRows(col.label, s[col.key]);
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
    const diagnostics = diagnosticColumns(l);
    const cols = [...projectColumns(l), ...diagnostics];
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
    for (const col of diagnostics) add(`${col.label} is a diagnostic, judged against no target: ${col.what}`, '');
  }

  if (r.idle) {
    const i = r.idle;
    add('## 3. Idle connections', '');
    add(
      `Sockets opened by ${r.config.idle.workers} load-generator processes, each joined to one of ${r.config.idle.rooms} rooms, then left idle. Memory per connection = (server RSS at rest, its CPU quiet for ${f((r.config.idle.atRestMs ?? 1000) / 1000)} s, − RSS before the first socket) ÷ sockets, RSS from /proc/<pid>/status VmRSS. The time to connect counts the connecting only, not the pauses at the checkpoints. ` +
        (r.config.clientsParse
          ? `The load generators parse the bodies of \`${r.config.clientsParse}\` events and of acks, what they measure; of every other event (join notices, who is online) they decode the name only: their CPU shares the machine with the server's. `
          : '') +
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
    add(
      'Time to open and join (cumulative per run, sockets/s of the last batch). CPU: what the server and the load generators (the clients, on the same cores) spent while the batch connected; the clients parse what each socket receives, which for guests with presence is every name that comes online:',
      '',
    );
    add(
      '| server | run | checkpoint | opened | seconds for the batch | sockets/s | RSS MB | CPU s, server · clients | failed |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    const rows = (label, runs) =>
      runs.forEach((points, k) =>
        points.forEach((p) =>
          add(
            `| ${label} | ${k + 1} | ${f(p.target)}${p.fileLimit ? ` (${f(p.fileLimit.asked)} asked; the process may open ${f(p.fileLimit.limit)} files)` : ''} | ${f(p.opened)} | ${f(p.connectMs / 1000, 1)} | ${f(p.rateps)} | ${f(p.rssKb / 1024)} | ${p.serverCpuMs === undefined ? '—' : `${f(p.serverCpuMs / 1000, 1)} · ${f(p.loadCpuMs / 1000, 1)}`} | ${p.failed || ''}${p.errors && p.errors.length ? ` ${p.errors.map(([e, n]) => `${e} ×${n}`).join(', ')}` : ''} |`,
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
        `| ${kind === 'sqlite' ? 'SQLite (WAL, synchronous=FULL)' : 'PostgreSQL'} | ${mm(s[kind].map((x) => x.single))} | ${mm(s[kind].map((x) => x.concurrent))} | ${latCell} | ${overCell} |`,
      );
    }
    add('');
    add(
      "SQLite appends are written by the store's writer thread, each batch committed (the write-ahead log synced) before its appends resolve; a message goes out to its room only once stored, so the tail here (p99.9, max: disk syncs and WAL checkpoints on this shared VM) is in every client's message latency. The relay of scenario 1 writes nothing.",
      '',
    );
  }

  laterSections(r, add);
  if (r.analysis) add(r.analysis, '');
  return `${L.join('\n')}\n`;
};

module.exports = { markdown };
