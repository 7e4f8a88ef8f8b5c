'use strict';
/**
 * Scenario 1: the saturation sweep. Walks up the ladder of rates until a step fails twice, then
 * tries one step in between; saturation = the highest delivered load of a passing step.
 */
const c = require('./common');
const { withLoad, measuredStep, fmtStep } = require('./message-load');

const sweep = (config, kind, run) =>
  withLoad(
    kind,
    config,
    async (server, workers) => {
      const step = (rate) => measuredStep(server, workers, config, rate, config.stepMs);
      const steps = [];
      let lastPass = null;
      let firstFail = null;
      for (const rate of config.ladder) {
        let st = await step(rate);
        steps.push(st);
        c.log(`  ${kind} run ${run}: ${fmtStep(st)}`);
        if (!st.pass) {
          // A failure may be a hiccup of the shared machine: the step is tried once more.
          st.retried = true;
          st = await step(rate);
          st.retry = true;
          steps.push(st);
          c.log(`  ${kind} run ${run}: ${fmtStep(st)} (retry)`);
        }
        if (st.pass) lastPass = st;
        else {
          firstFail = st;
          break;
        }
      }
      // One refining step between the last pass and the first failure.
      if (firstFail) {
        const low = lastPass ? lastPass.ratePerSender : firstFail.ratePerSender / 2;
        const st = await step(Math.round(Math.sqrt(low * firstFail.ratePerSender) * 10) / 10);
        st.refine = true;
        steps.push(st);
        c.log(`  ${kind} run ${run}: ${fmtStep(st)} (refine)`);
      }
      const best = steps.filter((s) => s.pass).reduce((a, s) => (a === null || s.delivered > a.delivered ? s : a), null);
      return { run, saturation: best ? best.delivered : 0, best, steps, ceilingHit: firstFail === null };
    },
    { logName: `${kind}-saturation-${run}` },
  );

/** Sweeps each of `kinds`, alternating, `runs` times: {baseline: [run], project: [run]}. */
const scenarioSaturation = async ({ config, runs }, kinds = ['baseline', 'project']) => {
  const out = { baseline: [], project: [] };
  for (let run = 1; run <= runs; run++) {
    for (const kind of kinds) {
      c.log(`saturation: ${kind}, run ${run}/${runs}`);
      out[kind].push(await sweep(config, kind, run));
    }
  }
  return out;
};

module.exports = { scenarioSaturation };
