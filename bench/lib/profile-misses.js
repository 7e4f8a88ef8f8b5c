'use strict';
/**
 * CPU profiles (`node --cpu-prof`) of the project server under the load that matches each missed
 * target (message load, guests connecting, replay, restart from the snapshot), summarised by lib/profile.js.
 */
const fs = require('node:fs');
const path = require('node:path');
const c = require('./common');
const { roomNames, connectSockets, spreadSockets } = require('./load');
const { withLoad, measuredStep, ratePerSenderFor } = require('./message-load');
const { summarise } = require('./profile');
const { replayLog, startOnLog } = require('./scenario-replay');

/**
 * Runs fn(nodeArgs) (which starts the project server with those arguments and stops it) and
 * summarises the profile it wrote to <outDir>/profiles/<name>.cpuprofile: the entry for
 * results.profiles, or null when no profile was written.
 */
const profiled = async (outDir, name, what, fn) => {
  const dir = path.join(outDir, 'profiles');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir)) if (f.startsWith(`${name}.`)) fs.rmSync(path.join(dir, f));
  const raw = path.join(dir, 'raw');
  fs.mkdirSync(raw, { recursive: true });
  const extra = await fn(['--cpu-prof', `--cpu-prof-dir=${raw}`, `--cpu-prof-name=${name}.cpuprofile`]);
  await c.sleep(300);
  const file = path.join(raw, `${name}.cpuprofile`);
  if (!fs.existsSync(file)) {
    c.log(`profile ${name}: no profile written`);
    return null;
  }
  const target = path.join(dir, `${name}.cpuprofile`);
  fs.renameSync(file, target);
  fs.rmSync(raw, { recursive: true, force: true });
  const summary = summarise(target, 20);
  summary.file = path.relative(c.ROOT, target);
  c.log(
    `profile ${name}: ${summary.busyMs} ms busy; top: ${summary.functions
      .slice(0, 3)
      .map((f) => `${f.what.split('  ')[0]} ${f.pct.toFixed(1)} %`)
      .join(', ')}`,
  );
  return { name, what, ...extra, summary };
};

/**
 * Under message load, at the project's default LOG_LEVEL=info (`project` in the results): at its own
 * saturation (where its limits show), else at the half load.
 */
const profileLoad = ({ config, outDir }, results) => {
  const projectSat = results.saturation ? c.median((results.saturation.project ?? []).map((x) => x.saturation)) : Number.NaN;
  const atSaturation = Number.isFinite(projectSat) && projectSat > 0;
  const offered = atSaturation ? projectSat : results.latency ? results.latency.offered : 20_000;
  const ratePerSender = ratePerSenderFor(config.topology, offered);
  const label = atSaturation ? 'its own saturation load' : 'the half load';
  return profiled(
    outDir,
    'project-load',
    `project server (LOG_LEVEL=${config.projectLogLevels.project}) at ${label} (${Math.round(offered)} deliveries/s) for ${config.latencyMs / 1000} s`,
    async (nodeArgs) => {
      const step = await withLoad(
        'project',
        config,
        (server, workers) => measuredStep(server, workers, config, ratePerSender, config.latencyMs),
        { nodeArgs, logName: 'project-profile-load' },
      );
      return { step };
    },
  );
};

/** While distinct guests connect and join. */
const profileConnect = ({ config, quick, outDir }) => {
  const n = quick ? 300 : 600;
  return profiled(outDir, 'project-connect', `project server while ${n} distinct guests connect and join`, (nodeArgs) => {
    const names = roomNames(config.idle.rooms);
    return c.withServerAndWorkers(
      'project',
      { rooms: names, nodeArgs, logName: 'project-profile-connect' },
      config.idle.workers,
      async (server, workers) => {
        const t0 = c.now();
        await connectSockets(workers, server.url, spreadSockets(0, n, workers.length, names));
        return { connectMs: c.now() - t0, sockets: n };
      },
      { graceMs: 30_000 },
    );
  });
};

/** While starting on the largest log. */
const profileReplay = ({ config, outDir }) => {
  const size = config.replay.sizes[config.replay.sizes.length - 1];
  return profiled(outDir, 'project-replay', `project server starting on a log of ${size} events`, async (nodeArgs) => ({
    replay: (await startOnLog(replayLog(size), { nodeArgs, logName: 'project-profile-replay' })).first,
  }));
};

/** While restarting from the snapshot of the largest log (the first start, not profiled, saves it). */
const profileRestart = ({ config, outDir }) => {
  const size = config.replay.sizes[config.replay.sizes.length - 1];
  return profiled(
    outDir,
    'project-restart',
    `project server restarting from the snapshot of a log of ${size} events`,
    async (nodeArgs) => ({
      replay: (await startOnLog(replayLog(size), { restart: true, restartNodeArgs: nodeArgs, logName: 'project-profile-restart' })).restart,
    }),
  );
};

/** The profiles for the missed targets (`misses`: their keys), all of them with --profile, none with --no-profile. */
const profileMisses = async (opts, results, misses) => {
  if (opts.flag('no-profile')) return [];
  const all = opts.flag('profile');
  const profiles = [];
  if (all || ['saturation', 'saturationWarn', 'latency', 'seed'].some((key) => misses.has(key)))
    profiles.push(await profileLoad(opts, results));
  if (all || misses.has('memory') || misses.has('connections')) profiles.push(await profileConnect(opts));
  if (all || misses.has('replay')) profiles.push(await profileReplay(opts));
  if (all || misses.has('restart')) profiles.push(await profileRestart(opts));
  return profiles.filter(Boolean);
};

module.exports = { profileMisses };
