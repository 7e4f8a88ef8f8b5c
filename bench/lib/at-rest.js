'use strict';
/** A server under test at rest: waiting for its CPU to be quiet, and what its heap holds then. */
const fs = require('node:fs');
const { now, sleep } = require('./common');

/** Waits until the server has been (nearly) idle for `quietMs`, at most `maxMs`. */
const settle = async (server, maxMs = 20_000, quietMs = 1000) => {
  const started = now();
  let quietFor = 0;
  while (now() - started < maxMs && quietFor < quietMs) {
    const cpu0 = server.cpuMs();
    await sleep(250);
    quietFor = (server.cpuMs() - cpu0) / 250 < 0.05 ? quietFor + 250 : 0;
  }
};

/**
 * The server's memoryUsage() after a full collection, in MB, or null when it does not answer: the
 * server runs with `--expose-gc -r bench/lib/heap-probe.js` and BENCH_HEAP_FILE=`file`.
 */
const heapAfterGc = async (server, file) => {
  fs.rmSync(file, { force: true });
  process.kill(server.pid, 'SIGUSR2');
  for (let i = 0; i < 100; i++) {
    await sleep(50);
    if (fs.existsSync(file)) {
      const m = JSON.parse(fs.readFileSync(file, 'utf8'));
      return { heapUsedMb: m.heapUsed / 1048576, heapTotalMb: m.heapTotal / 1048576, externalMb: m.external / 1048576 };
    }
  }
  return null;
};

module.exports = { settle, heapAfterGc };
