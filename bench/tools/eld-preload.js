'use strict';
/**
 * Preload for a server under test (`node -r bench/tools/eld-preload.js dist/main.js`): every 4 s
 * prints to stderr the event-loop delay (p50/p99/max, 5 ms resolution, so p50 ≈ 5 ms means idle)
 * and the GC pauses of the last 4 s. Touches nothing in the server.
 */
const { monitorEventLoopDelay, PerformanceObserver, constants } = require('node:perf_hooks');

const h = monitorEventLoopDelay({ resolution: 5 });
h.enable();
let total = 0;
let worst = 0;
let count = 0;
let major = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    total += e.duration;
    count++;
    worst = Math.max(worst, e.duration);
    if (e.detail && e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major += e.duration;
  }
}).observe({ entryTypes: ['gc'] });
setInterval(() => {
  const ms = (ns) => (ns / 1e6).toFixed(1);
  process.stderr.write(
    `ELD p50 ${ms(h.percentile(50))} p99 ${ms(h.percentile(99))} max ${ms(h.max)} ms | GC ${count} pauses, ${total.toFixed(0)} ms, longest ${worst.toFixed(1)} ms, major ${major.toFixed(0)} ms\n`,
  );
  h.reset();
  total = worst = count = major = 0;
}, 4000).unref();
