'use strict';
/**
 * A server driven past its saturation and back: one fresh server, the saturation scenario's topology
 * and warm-up, then a measured step at each rate given, in order (msgs/s per sender), printed as the
 * sweep prints them. What a server does after an overload (does it recover when the load drops?).
 *
 *   node bench/tools/overload.js project|baseline rate... (e.g. 350 480 480 410 380 250 100)
 *
 * PROJECT_ENV='{"LOG_LEVEL":"warn"}' sets the project's environment; CPU_PROFILE=<dir> profiles it
 * (summarise with `node bench/lib/profile.js <file>`).
 */
const { parseOptions } = require('../lib/options');
const { withLoad, measuredStep, fmtStep } = require('../lib/message-load');
const c = require('../lib/common');

const [kind = 'project', ...rates] = process.argv.slice(2);
const { config } = parseOptions([]);

(async () => {
  const profile = kind === 'project' && process.env.CPU_PROFILE;
  await withLoad(
    kind,
    config,
    async (server, workers) => {
      for (const rate of rates) {
        const st = await measuredStep(server, workers, config, Number(rate), config.stepMs);
        c.log(`  ${kind}: ${fmtStep(st)} (settled in ${st.settledMs} ms)`);
      }
    },
    {
      env: kind === 'project' ? JSON.parse(process.env.PROJECT_ENV || '{}') : {},
      nodeArgs: profile ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROFILE}`] : [],
    },
  );
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
