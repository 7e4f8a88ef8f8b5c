'use strict';
/**
 * Scenario 3: idle connections. Sockets opened up to each checkpoint, the server's RSS read once it
 * is quiet: memory per connection. The project two ways: one guest per socket, and tabs.
 */
const c = require('./common');
const { settle } = require('./at-rest');
const { roomNames, connectSockets, spreadSockets, sessionTokens } = require('./load');

/** Open files the harness leaves the server beside its sockets: its own requests while it measures. */
const FILE_MARGIN = 16;

/**
 * How many sockets the server process can hold: each is an open file, so its limit on open files
 * (from /proc, as the harness raised it, up to the machine's hard limit) less the files it has
 * open already (its store, threads, listening socket) and a margin. Null when /proc does not say.
 */
const socketRoom = (pid) => {
  try {
    const limits = require('node:fs').readFileSync(`/proc/${pid}/limits`, 'utf8');
    const limit = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1]);
    const ownFds = require('node:fs').readdirSync(`/proc/${pid}/fd`).length;
    return Number.isFinite(limit) ? { limit, ownFds, capacity: limit - ownFds - FILE_MARGIN } : null;
  } catch {
    return null;
  }
};

/**
 * CPU ms so far of the server (its process tree) and of the load generators together: the machine's
 * two cores are shared by both, and what the clients do with what they receive (parse it) counts.
 */
const cpuOf = (server, workers) => ({
  server: c.processTree(server.pid).reduce((sum, pid) => sum + (c.cpuMs(pid) || 0), 0),
  load: workers.reduce((sum, worker) => sum + (c.cpuMs(worker.proc.pid) || 0), 0),
});

/**
 * Opens sockets up to each checkpoint (all joined to one of the rooms), and reads the server's RSS
 * at each once it is at rest. mode: 'distinct' (one guest user per socket), 'distinct-diff' (the
 * same, each socket asking for presence diffs) or 'tabs' (one user per room, every socket of the room
 * a tab of that user: the project only). The budget is for connecting: the pauses at the checkpoints,
 * where the harness waits for quiet and reads RSS, are not counted in it.
 */
const idleRun = (config, kind, mode, checkpoints, budgetMs) => {
  // What an idle server holds is read at rest (`atRestMs` quiet), not in the second after a burst: a
  // server that gives memory back once quiet (the project's heap trim) has done so by then. Every
  // server gets the same wait.
  const { rooms, workers: nWorkers, atRestMs } = config.idle;
  const names = roomNames(rooms);
  return c.withServerAndWorkers(
    kind,
    { rooms: names, logName: `${kind}-idle-${mode}` },
    nWorkers,
    async (server, workers) => {
      const points = [];
      // Tabs: one user per room, their sessions started (and closed) before the measurement.
      const tokens = mode === 'tabs' ? await sessionTokens(server.url, names) : null;
      await c.sleep(mode === 'tabs' ? 4000 : 1500); // past the presence grace period (3 s)
      await settle(server, 5000);
      const rss0 = server.rssKb();
      // A checkpoint beyond what the process may open is measured where the machine stops it, and says so.
      const room = socketRoom(server.pid);
      let k = 0;
      let connecting = 0;
      for (const asked of checkpoints) {
        const target = room !== null && asked > room.capacity ? room.capacity : asked;
        const fileLimit = target < asked ? { asked, ...room } : undefined;
        if (fileLimit)
          c.log(
            `  idle ${kind} ${mode}: ${asked} sockets asked, ${target} measured: the process may open ${room.limit} files and has ${room.ownFds} open`,
          );
        const perWorker = spreadSockets(k, target, nWorkers, names, tokens, mode === 'distinct-diff' ? 'diff' : undefined);
        k = Math.max(k, target);
        const left = budgetMs - connecting;
        const cpu0 = cpuOf(server, workers);
        const t0 = c.now();
        const { total: opened, failed, errors } = await connectSockets(workers, server.url, perWorker, { deadlineMs: Math.max(0, left) });
        const connectMs = c.now() - t0;
        const cpu1 = cpuOf(server, workers);
        connecting += connectMs;
        await settle(server, 30_000, atRestMs);
        const rss = server.rssKb();
        const point = {
          target,
          opened,
          failed,
          errors,
          connectMs,
          rateps: (perWorker.flat().length / connectMs) * 1000,
          serverCpuMs: cpu1.server - cpu0.server,
          loadCpuMs: cpu1.load - cpu0.load,
          rssKb: rss,
          rss0Kb: rss0,
          perConnKb: (rss - rss0) / opened,
          reached: opened >= target,
          ...(fileLimit ? { fileLimit } : {}),
        };
        points.push(point);
        c.log(
          `  idle ${kind} ${mode}: ${opened}/${target} sockets in ${(connectMs / 1000).toFixed(1)} s, RSS ${(rss / 1024).toFixed(0)} MB (+${((rss - rss0) / 1024).toFixed(0)}), ${point.perConnKb.toFixed(1)} kB/socket, CPU ${(point.serverCpuMs / 1000).toFixed(1)} s server + ${(point.loadCpuMs / 1000).toFixed(1)} s clients${failed ? `, ${failed} failed ${JSON.stringify(errors)}` : ''}`,
        );
        if (!point.reached) break;
      }
      return points;
    },
    { graceMs: 20_000 },
  );
};

const scenarioIdle = async ({ config, runs, flag }) => {
  const { checkpoints, distinctCheckpoints, distinctBudgetMs, fullDistinctBudgetMs } = config.idle;
  const out = { checkpoints, baseline: [], projectTabs: [], projectDistinct: [], projectDistinctFull: null, projectDiff: null };
  for (let run = 1; run <= runs; run++) {
    c.log(`idle: run ${run}/${runs}`);
    out.baseline.push(await idleRun(config, 'baseline', 'distinct', checkpoints, 10 * 60_000));
    out.projectTabs.push(await idleRun(config, 'project', 'tabs', checkpoints, 10 * 60_000));
    out.projectDistinct.push(await idleRun(config, 'project', 'distinct', distinctCheckpoints, distinctBudgetMs));
  }
  if (flag('full-idle')) out.projectDistinctFull = await idleRun(config, 'project', 'distinct', checkpoints, fullDistinctBudgetMs);
  // Distinct guests asking for presence diffs, up to 20,000, each checkpoint within the 60 s budget.
  const { diffCheckpoints, diffBudgetMs } = config.idle;
  out.projectDiff = await idleRun(config, 'project', 'distinct-diff', diffCheckpoints, diffBudgetMs);
  c.log(`idle: project, one guest per socket with presence diffs: ${JSON.stringify(out.projectDiff.map((p) => [p.target, p.opened]))}`);
  return out;
};

module.exports = { scenarioIdle, idleRun };
