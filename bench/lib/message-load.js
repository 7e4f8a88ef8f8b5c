'use strict';
/**
 * A server under the message load of the saturation and latency scenarios: rooms × users × senders
 * connected over the load workers, a warm-up, then measured steps with the CPU of server and clients.
 */
const os = require('node:os');
const c = require('./common');
const { roomNames, connectTopology, runStep } = require('./load');

/** The project's LOG_LEVEL for each of its subjects (results written before had only `project`, at warn). */
const projectLogLevels = (config) => config.projectLogLevels ?? { project: 'warn' };

/** The names of the diagnostic subjects measured beside the project (see options.js). */
const diagnosticNames = (config) => Object.keys(config.diagnostics ?? {});

/** How a diagnostic subject differs from the project as shipped, e.g. `project (info, EVENT_STORE=memory)`. */
const diagnosticLabel = (env) =>
  `project (${env.LOG_LEVEL ?? 'info'}, ${Object.entries(env)
    .filter(([key]) => key !== 'LOG_LEVEL')
    .map(([key, value]) => `${key}=${value}`)
    .join(', ')})`;

/**
 * A server measured under the message load: `name` (its key in the results), the server `kind`,
 * its environment, its ladder of rates, its rooms and whether it acknowledges anything.
 *   baseline     the bare Socket.IO relay
 *   project      the project at its default LOG_LEVEL=info (every accepted message logged, to the log file)
 *   projectWarn  the project at LOG_LEVEL=warn
 *   projectMemory (and any other key of `config.diagnostics`) the project with that environment
 *   seed         the original Flask-SocketIO app under gunicorn (`python`: see scenario-seed.js)
 */
const subject = (name, config, { python } = {}) => {
  const base = { name, kind: name, env: {}, ladder: config.ladder, rooms: null, acks: true, label: name };
  if (name === 'baseline') return base;
  if (name === 'seed') return { ...base, ladder: config.seed.ladder, rooms: c.SEED_ROOMS, acks: false, python, label: 'original' };
  const diagnostic = (config.diagnostics ?? {})[name];
  if (diagnostic) return { ...base, kind: 'project', env: diagnostic, label: diagnosticLabel(diagnostic) };
  const level = projectLogLevels(config)[name];
  if (!level) throw new Error(`unknown server under load: ${name}`);
  return { ...base, kind: 'project', env: { LOG_LEVEL: level }, label: `project (${level})` };
};

/**
 * Starts the server of `who` (a subject, or its name) and the load workers, connects the topology
 * of `config`, warms up (not measured), runs fn(server, workers), then stops everything. Throws if
 * a socket failed to connect and join.
 */
const withLoad = (who, config, fn, { nodeArgs = [], logName, env } = {}) => {
  const s = typeof who === 'string' ? subject(who, config) : who;
  const names = s.rooms ?? roomNames(config.topology.rooms);
  return c.withServerAndWorkers(
    s.kind,
    { rooms: s.kind === 'project' ? names : [], nodeArgs, logName, env: { ...s.env, ...env }, python: s.python },
    config.workers,
    async (server, workers) => {
      const topo = await connectTopology(workers, server.url, config.topology, { names, acks: s.acks });
      if (topo.failed > 0) throw new Error(`${s.label}: ${topo.failed} sockets failed to connect/join: ${JSON.stringify(topo.errors)}`);
      // Warm-up (JIT, buffers, caches): not measured.
      await runStep(workers, config.topology, { ratePerSender: s.ladder[0], durationMs: 1000, drainMs: 300 });
      return fn(server, workers);
    },
  );
};

const workersCpuMs = (workers) => workers.reduce((a, w) => a + c.cpuMs(w.proc.pid), 0);

const passes = (config, step) => step.deliveredRatio >= config.pass.deliveredRatio && step.latency.p99 < config.pass.p99Ms;

/**
 * Waits (at most `maxMs`) until the server has used under a tenth of a core for two windows of
 * 100 ms in a row: a step that overloaded it leaves messages queued in its sockets, and the next
 * step must measure its own load, not that backlog. Returns the ms waited.
 */
const drained = async (server, maxMs = 20_000) => {
  const started = c.now();
  let quiet = 0;
  while (quiet < 2 && c.now() - started < maxMs) {
    const cpu0 = server.cpuMs();
    await c.sleep(100);
    quiet = server.cpuMs() - cpu0 <= 10 ? quiet + 1 : 0;
  }
  return Math.round(c.now() - started);
};

/** One step of `ratePerSender` for `durationMs`, with server and load-generator cores and the pass verdict. */
const measuredStep = async (server, workers, config, ratePerSender, durationMs) => {
  const settledMs = await drained(server);
  const cpu0 = server.cpuMs();
  const wcpu0 = workersCpuMs(workers);
  const step = await runStep(workers, config.topology, { ratePerSender, durationMs, drainMs: config.drainMs });
  server.assertAlive();
  step.serverCores = (server.cpuMs() - cpu0) / (durationMs + config.drainMs);
  step.clientCores = (workersCpuMs(workers) - wcpu0) / (durationMs + config.drainMs);
  step.loadavg1 = Math.round(os.loadavg()[0] * 100) / 100;
  step.pass = passes(config, step);
  step.settledMs = settledMs;
  return step;
};

/** Messages/s per sender (to 0.1) that offer `offered` deliveries/s over the topology. */
const ratePerSenderFor = ({ rooms, sendersPerRoom, usersPerRoom }, offered) =>
  Math.round((offered / (rooms * sendersPerRoom * usersPerRoom)) * 10) / 10;

const fmtStep = (s) =>
  `rate ${s.ratePerSender}/s/sender offered ${Math.round(s.offered)} delivered ${Math.round(s.delivered)}/s ` +
  `(${(s.deliveredRatio * 100).toFixed(2)} %) p50 ${s.latency.p50.toFixed(2)} p99 ${s.latency.p99.toFixed(2)} max ${s.latency.max.toFixed(1)} ms ` +
  `server ${s.serverCores.toFixed(2)} clients ${s.clientCores.toFixed(2)} cores${s.acksFailed ? ` rejected ${s.acksFailed} ${JSON.stringify(s.errors)}` : ''} ${s.pass ? 'PASS' : 'FAIL'}`;

module.exports = { subject, projectLogLevels, diagnosticNames, diagnosticLabel, withLoad, measuredStep, ratePerSenderFor, fmtStep };
