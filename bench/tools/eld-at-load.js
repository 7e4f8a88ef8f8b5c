'use strict';
/**
 * One fixed load against one server, with its event-loop delay and GC pauses (eld-preload.js):
 *
 *   node bench/tools/eld-at-load.js project|baseline [msgs/s per sender=74] ['{"EVENT_STORE":"memory"}'] [preload.js]
 *
 * Same topology and warm-up as the saturation scenario (bench/lib/message-load.js), then 8 s of load.
 */
const path = require('node:path');
const fs = require('node:fs');
const c = require('../lib/common');
const { runStep } = require('../lib/load');
const { withLoad } = require('../lib/message-load');
const { parseOptions } = require('../lib/options');

const { config } = parseOptions([]);

(async () => {
  const kind = process.argv[2] || 'project';
  const rate = Number(process.argv[3] || 74);
  const env = JSON.parse(process.argv[4] || '{}');
  const nodeArgs = ['-r', path.join(__dirname, 'eld-preload.js'), ...(process.argv[5] ? ['-r', path.resolve(process.argv[5])] : [])];
  try {
    await withLoad(
      kind,
      config,
      async (server, workers) => {
        const from = fs.readFileSync(server.logFile, 'utf8').length;
        const r = await runStep(workers, config.topology, { ratePerSender: rate, durationMs: 8000, drainMs: 1000 });
        const lat = Object.fromEntries(Object.entries(r.latency).map(([k, v]) => [k, Number(v.toFixed(2))]));
        console.log(`${kind} ${JSON.stringify(env)} ${r.offered} deliveries/s offered: latency ms ${JSON.stringify(lat)}`);
        console.log(
          fs
            .readFileSync(server.logFile, 'utf8')
            .slice(from)
            .split('\n')
            .filter((l) => l.startsWith('ELD'))
            .join('\n'),
        );
      },
      { nodeArgs, env },
    );
  } finally {
    c.cleanTmp();
  }
})();
