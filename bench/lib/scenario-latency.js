'use strict';
/**
 * Scenario 2: latency at half the baseline's median saturation, runs alternating the servers (the
 * baseline, the project at each of its log levels, the diagnostic subjects; a fresh server each), every one at the same
 * rate per sender, so at the same offered load: the steps' latency distributions, delivery and CPU.
 */
const c = require('./common');
const { subject, projectLogLevels, diagnosticNames, withLoad, measuredStep, ratePerSenderFor, fmtStep } = require('./message-load');

const scenarioLatency = async ({ config, runs }, baselineSaturation) => {
  const { rooms, sendersPerRoom, usersPerRoom } = config.topology;
  const ratePerSender = ratePerSenderFor(config.topology, baselineSaturation / 2);
  // What is offered, exactly (the rate per sender is rounded to 0.1 msgs/s), the same for every server.
  const offered = ratePerSender * (rooms * sendersPerRoom) * usersPerRoom;
  const latencyRuns = Math.max(runs, config.latencyRuns);
  const names = ['baseline', ...Object.keys(projectLogLevels(config)), ...diagnosticNames(config)];
  const out = {
    baselineSaturation,
    offered,
    ratePerSender,
    durationMs: config.latencyMs,
    runs: latencyRuns,
    logLevels: projectLogLevels(config),
    diagnostics: config.diagnostics ?? {},
  };
  for (const name of names) out[name] = [];
  c.log(
    `latency: ${Math.round(offered)} deliveries/s offered (${ratePerSender} msgs/s per sender) = half of ${Math.round(baselineSaturation)}`,
  );
  for (let run = 1; run <= latencyRuns; run++) {
    for (const name of names) {
      const s = subject(name, config);
      const step = await withLoad(s, config, (server, workers) => measuredStep(server, workers, config, ratePerSender, config.latencyMs), {
        logName: `${name}-latency-${run}`,
      });
      if (Math.abs(step.offered - offered) > 1e-6 * offered)
        throw new Error(`latency: ${s.label} was offered ${step.offered}/s, not ${offered}/s`);
      c.log(`latency: ${s.label} run ${run}: ${fmtStep(step)}`);
      out[name].push(step);
    }
  }
  return out;
};

module.exports = { scenarioLatency };
