'use strict';
/**
 * Scenario 1: the saturation sweep. Walks up the ladder of rates until a step fails twice, then
 * tries one step in between; saturation = the highest delivered load of a passing step. The
 * baseline, the project at its default LOG_LEVEL=info and the project at LOG_LEVEL=warn, in turn.
 */
const c = require('./common');
const { subject, projectLogLevels, withLoad, measuredStep, fmtStep } = require('./message-load');

/**
 * Walks `ladder` with step(rate) (a measured step): up until a step fails, and fails again when
 * tried once more, then one step between the last pass and that failure. `say` logs a step.
 * Returns {saturation, best, steps, ceilingHit}.
 */
const walkLadder = async (ladder, step, say) => {
  const steps = [];
  let lastPass = null;
  let firstFail = null;
  for (const rate of ladder) {
    let st = await step(rate);
    steps.push(st);
    say(st, '');
    if (!st.pass) {
      // A failure may be a hiccup of the shared machine: the step is tried once more.
      st.retried = true;
      st = await step(rate);
      st.retry = true;
      steps.push(st);
      say(st, ' (retry)');
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
    say(st, ' (refine)');
  }
  const best = steps.filter((s) => s.pass).reduce((a, s) => (a === null || s.delivered > a.delivered ? s : a), null);
  return { saturation: best ? best.delivered : 0, best, steps, ceilingHit: firstFail === null };
};

/** One sweep of a subject (see message-load.js) on a fresh server. */
const sweep = (config, s, run) =>
  withLoad(
    s,
    config,
    async (server, workers) => ({
      run,
      ...(await walkLadder(
        s.ladder,
        (rate) => measuredStep(server, workers, config, rate, config.stepMs),
        (st, note) => c.log(`  ${s.label} run ${run}: ${fmtStep(st)}${note}`),
      )),
    }),
    { logName: `${s.name}-saturation-${run}` },
  );

/**
 * Sweeps each of `names` (default: the baseline and the project at each of its log levels),
 * alternating, `runs` times: {baseline: [run], project: [run], projectWarn: [run], logLevels}.
 */
const scenarioSaturation = async ({ config, runs }, names = ['baseline', ...Object.keys(projectLogLevels(config))]) => {
  const out = { logLevels: projectLogLevels(config) };
  for (const name of ['baseline', ...Object.keys(out.logLevels)]) out[name] = [];
  for (let run = 1; run <= runs; run++) {
    for (const name of names) {
      const s = subject(name, config);
      c.log(`saturation: ${s.label}, run ${run}/${runs}`);
      out[name].push(await sweep(config, s, run));
    }
  }
  return out;
};

module.exports = { scenarioSaturation, walkLadder, sweep };
