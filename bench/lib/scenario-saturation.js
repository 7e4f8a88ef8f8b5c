'use strict';
/**
 * Scenario 1: the saturation sweep. Walks up the ladder of rates until a step fails twice, then
 * bisects between the last pass and that failure; saturation = the highest delivered load of a passing step. The
 * baseline, the project at its default LOG_LEVEL=info and the project at LOG_LEVEL=warn, in turn.
 */
const c = require('./common');
const { subject, projectLogLevels, diagnosticNames, withLoad, measuredStep, fmtStep } = require('./message-load');

/**
 * Walks `ladder` with step(rate) (a measured step): up until a step fails, and fails again when
 * tried once more; then narrows the gap between the last pass and that failure by bisection
 * (geometric: `refineSteps` rates, each tried once more when it fails, as on the ladder), so that
 * saturation is known to within a few per cent rather than to the ladder's step of about 1.4×.
 * `say` logs a step. Returns {saturation, best, steps, ceilingHit}.
 */
const walkLadder = async (ladder, step, say, refineSteps = 1) => {
  const steps = [];
  // A failure may be a hiccup of the shared machine: a failed step is tried once more.
  const probe = async (rate, note, mark = {}) => {
    let st = Object.assign(await step(rate), mark);
    steps.push(st);
    say(st, note);
    if (st.pass) return st;
    st.retried = true;
    st = Object.assign(await step(rate), mark, { retry: true });
    steps.push(st);
    say(st, `${note} (retry)`);
    return st;
  };
  let lastPass = null;
  let firstFail = null;
  for (const rate of ladder) {
    const st = await probe(rate, '');
    if (st.pass) lastPass = st;
    else {
      firstFail = st;
      break;
    }
  }
  if (firstFail) {
    let low = lastPass ? lastPass.ratePerSender : firstFail.ratePerSender / 2;
    let high = firstFail.ratePerSender;
    for (let i = 0; i < refineSteps; i++) {
      const rate = Math.round(Math.sqrt(low * high) * 10) / 10;
      if (rate <= low || rate >= high) break;
      const st = await probe(rate, ' (refine)', { refine: true });
      if (st.pass) low = rate;
      else high = rate;
    }
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
        config.refineSteps,
      )),
    }),
    { logName: `${s.name}-saturation-${run}` },
  );

/**
 * Sweeps each of `names` (default: the baseline, the project at each of its log levels and the
 * diagnostic subjects),
 * alternating, `config.saturationRuns` times (`runs` when unset): {baseline: [run], project: [run],
 * projectWarn: [run], projectMemory: [run], logLevels, diagnostics, runs}.
 */
const scenarioSaturation = async (
  { config, runs },
  names = ['baseline', ...Object.keys(projectLogLevels(config)), ...diagnosticNames(config)],
) => {
  const sweeps = config.saturationRuns ?? runs;
  const out = { logLevels: projectLogLevels(config), diagnostics: config.diagnostics ?? {}, runs: sweeps };
  for (const name of ['baseline', ...Object.keys(out.logLevels), ...diagnosticNames(config)]) out[name] = [];
  for (let run = 1; run <= sweeps; run++) {
    for (const name of names) {
      const s = subject(name, config);
      c.log(`saturation: ${s.label}, run ${run}/${sweeps}`);
      out[name].push(await sweep(config, s, run));
    }
  }
  return out;
};

module.exports = { scenarioSaturation, walkLadder, sweep };
