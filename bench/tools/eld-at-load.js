'use strict';
/**
 * One fixed load against one server, with its event-loop delay and GC pauses (eld-preload.js):
 *
 *   node bench/tools/eld-at-load.js project|baseline [msgs/s per sender=74] ['{"EVENT_STORE":"memory"}'] [preload.js]
 *
 * Same topology as the saturation scenario; 8 s of load after a 1 s warm-up.
 */
const path = require('node:path');
const fs = require('node:fs');
const c = require('../lib/common');
const L = require('../lib/load');

(async () => {
  const kind = process.argv[2] || 'project';
  const rate = Number(process.argv[3] || 74);
  const env = JSON.parse(process.argv[4] || '{}');
  const topo = { rooms: 10, usersPerRoom: 20, sendersPerRoom: 2 };
  const server = await c.startServer(kind, {
    rooms: L.roomNames(topo.rooms),
    nodeArgs: ['-r', path.join(__dirname, 'eld-preload.js'), ...(process.argv[5] ? ['-r', path.resolve(process.argv[5])] : [])],
    env,
  });
  const workers = await c.startWorkers(2);
  try {
    await L.connectTopology(workers, server.url, topo);
    await L.runStep(workers, topo, { ratePerSender: 10, durationMs: 1000, drainMs: 300 });
    const from = fs.readFileSync(server.logFile, 'utf8').length;
    const r = await L.runStep(workers, topo, { ratePerSender: rate, durationMs: 8000, drainMs: 1000 });
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
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await server.stop();
    c.cleanTmp();
  }
})();
