'use strict';
/**
 * Scenario 2: latency at half the baseline's saturation, runs alternating the two servers (a fresh
 * server each): the steps' latency distributions, delivery and CPU.
 */
const c = require('./common');
const { withLoad, measuredStep, ratePerSenderFor, fmtStep } = require('./message-load');

const scenarioLatency = async ({ config, runs }, baselineSaturation) => {
  const offered = baselineSaturation / 2;
  const ratePerSender = ratePerSenderFor(config.topology, offered);
  const latencyRuns = Math.max(runs, config.latencyRuns);
  const out = { offered, ratePerSender, durationMs: config.latencyMs, runs: latencyRuns, baseline: [], project: [] };
  for (let run = 1; run <= latencyRuns; run++) {
    for (const kind of ['baseline', 'project']) {
      const step = await withLoad(
        kind,
        config,
        (server, workers) => measuredStep(server, workers, config, ratePerSender, config.latencyMs),
        {
          logName: `${kind}-latency-${run}`,
        },
      );
      c.log(`latency: ${kind} run ${run}: ${fmtStep(step)}`);
      out[kind].push(step);
    }
  }
  return out;
};

module.exports = { scenarioLatency };
