'use strict';
/** RESULTS.md's later sections: start-up (5), reconnects (6), paging (7), RSS while messages flow (8) and the profiles. */
const { median } = require('./common');
const { f, ms, ratio, rx, mm } = require('./report-format');
const { firstStart, rssRunsOf } = require('./report-targets');
const { config } = require('./options');

/** Appends the sections `r` has figures for, through `add`. */
const laterSections = (r, add) => {
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
      `${f(x.users)} users (guest sessions) connect and disconnect again and again on SQLite, within the presence grace period; RSS and the size of the store (file, WAL, shared memory) after the first cycles and after all (${f(x.cyclesPerS, 1)} cycles/s)` +
        (x.first.atRest
          ? `, RSS read at rest (the server's CPU quiet for ${f((r.config.idle?.atRestMs ?? 4000) / 1000)} s, as in scenario 3), with the heap after a full collection (what the server keeps). Target: both ≤ ${r.config.targets?.reconnects ?? 1.2}× after all the cycles, against after the first.`
          : '.'),
      '',
    );
    const heap = x.first.heapUsedMb !== undefined;
    add(
      `| after | cycles | RSS, MB |${heap ? ' heap after GC, MB |' : ''} store, MB | events |`,
      `|---|---|---|${heap ? '---|' : ''}---|---|`,
    );
    for (const pt of [x.first, x.all])
      add(
        `| ${pt.label} | ${f(pt.cycles)} | ${f(pt.rssMb, 1)} |${heap ? ` ${f(pt.heapUsedMb, 1)} |` : ''} ${f(pt.storeMb, 1)} | ${f(pt.events)} |`,
      );
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
};

module.exports = { laterSections };
