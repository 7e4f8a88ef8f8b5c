'use strict';
/**
 * Distinct guests arriving, each socket asking for presence diffs (the idle scenario's distinct-diff
 * mode), against the project server under the CPU profiler: where a guest's arrival spends its time.
 *
 *   node bench/tools/guests-profile.js [guests=4000] [outDir=/tmp/guests-profile]
 *
 * Prints the connect rate and the RSS, and writes the profile (main thread and writer thread) to
 * outDir; summarise one with `node bench/lib/profile.js <file>`.
 */
const fs = require('node:fs');
const c = require('../lib/common');
const { parseOptions } = require('../lib/options');
const { roomNames, connectSockets, spreadSockets } = require('../lib/load');

const [guests = 4000, outDir = '/tmp/guests-profile'] = process.argv.slice(2);
const { config } = parseOptions([]);

(async () => {
  fs.rmSync(outDir, { recursive: true, force: true });
  const names = roomNames(config.idle.rooms);
  const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${outDir}`];
  await c.withServerAndWorkers(
    'project',
    { rooms: names, nodeArgs, logName: 'guests-profile' },
    config.idle.workers,
    async (server, workers) => {
      const rss0 = server.rssKb();
      const perWorker = spreadSockets(0, Number(guests), config.idle.workers, names, null, 'diff');
      const t0 = c.now();
      const { total, failed, errors } = await connectSockets(workers, server.url, perWorker, {});
      const ms = c.now() - t0;
      console.log(
        `${total} guests (${failed} failed) in ${(ms / 1000).toFixed(1)} s = ${Math.round((total / ms) * 1000)}/s; ` +
          `RSS +${Math.round((server.rssKb() - rss0) / 1024)} MB = ${((server.rssKb() - rss0) / total).toFixed(1)} kB each`,
      );
      if (failed > 0) console.log(`failures: ${JSON.stringify(errors)}`);
    },
  );
  console.log(`profiles in ${outDir}: ${fs.readdirSync(outDir).join(', ')}`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
