'use strict';
/**
 * A server under the message load of the saturation and latency scenarios: rooms × users × senders
 * connected over the load workers, a warm-up, then measured steps with the CPU of server and clients.
 */
const os = require('node:os');
const c = require('./common');
const { roomNames, connectTopology, runStep } = require('./load');

/**
 * Starts `kind` and the load workers, connects the topology of `config`, warms up (not measured),
 * runs fn(server, workers), then stops everything. Throws if a socket failed to connect and join.
 */
const withLoad = (kind, config, fn, { nodeArgs = [], logName, env } = {}) =>
  c.withServerAndWorkers(
    kind,
    { rooms: roomNames(config.topology.rooms), nodeArgs, logName, env },
    config.workers,
    async (server, workers) => {
      const topo = await connectTopology(workers, server.url, config.topology);
      if (topo.failed > 0) throw new Error(`${kind}: ${topo.failed} sockets failed to connect/join: ${JSON.stringify(topo.errors)}`);
      // Warm-up (JIT, buffers, caches): not measured.
      await runStep(workers, config.topology, { ratePerSender: config.ladder[0], durationMs: 1000, drainMs: 300 });
      return fn(server, workers);
    },
  );

const workersCpuMs = (workers) => workers.reduce((a, w) => a + c.cpuMs(w.proc.pid), 0);

const passes = (config, step) => step.deliveredRatio >= config.pass.deliveredRatio && step.latency.p99 < config.pass.p99Ms;

/** One step of `ratePerSender` for `durationMs`, with server and load-generator cores and the pass verdict. */
const measuredStep = async (server, workers, config, ratePerSender, durationMs) => {
  const cpu0 = server.cpuMs();
  const wcpu0 = workersCpuMs(workers);
  const step = await runStep(workers, config.topology, { ratePerSender, durationMs, drainMs: config.drainMs });
  server.assertAlive();
  step.serverCores = (server.cpuMs() - cpu0) / (durationMs + config.drainMs);
  step.clientCores = (workersCpuMs(workers) - wcpu0) / (durationMs + config.drainMs);
  step.loadavg1 = Math.round(os.loadavg()[0] * 100) / 100;
  step.pass = passes(config, step);
  return step;
};

/** Messages/s per sender (to 0.1) that offer `offered` deliveries/s over the topology. */
const ratePerSenderFor = ({ rooms, sendersPerRoom, usersPerRoom }, offered) =>
  Math.round((offered / (rooms * sendersPerRoom * usersPerRoom)) * 10) / 10;

const fmtStep = (s) =>
  `rate ${s.ratePerSender}/s/sender offered ${Math.round(s.offered)} delivered ${Math.round(s.delivered)}/s ` +
  `(${(s.deliveredRatio * 100).toFixed(2)} %) p50 ${s.latency.p50.toFixed(2)} p99 ${s.latency.p99.toFixed(2)} max ${s.latency.max.toFixed(1)} ms ` +
  `server ${s.serverCores.toFixed(2)} clients ${s.clientCores.toFixed(2)} cores${s.acksFailed ? ` rejected ${s.acksFailed} ${JSON.stringify(s.errors)}` : ''} ${s.pass ? 'PASS' : 'FAIL'}`;

module.exports = { withLoad, measuredStep, ratePerSenderFor, fmtStep };
