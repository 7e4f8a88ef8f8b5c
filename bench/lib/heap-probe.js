'use strict';
/**
 * Preloaded into the server under test (`node --expose-gc -r bench/lib/heap-probe.js dist/main.js`)
 * by the history-rss scenario: on SIGUSR2 it runs a full garbage collection and writes
 * process.memoryUsage() as JSON to $BENCH_HEAP_FILE, so that the harness can tell live heap (what
 * the server keeps) from memory the process has not given back. The server itself is unchanged.
 */
const fs = require('node:fs');

process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc();
  const file = process.env.BENCH_HEAP_FILE;
  if (file) fs.writeFileSync(`${file}.tmp`, JSON.stringify(process.memoryUsage()));
  if (file) fs.renameSync(`${file}.tmp`, file);
});
