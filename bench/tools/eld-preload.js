'use strict';
/**
 * Preload for a server under test (`node -r bench/tools/eld-preload.js dist/main.js`): every 4 s
 * prints to stderr the event-loop delay (p50/p99/max, 5 ms resolution, so p50 ≈ 5 ms means idle)
 * the GC pauses and the main thread's utilisation (busy share) of the last 4 s. Touches nothing in the server.
 */
const { monitorEventLoopDelay, PerformanceObserver, constants, performance } = require('node:perf_hooks');

const h = monitorEventLoopDelay({ resolution: 5 });
h.enable();
let total = 0;
let worst = 0;
let count = 0;
let major = 0;
let elu = performance.eventLoopUtilization();
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
  const busy = performance.eventLoopUtilization(elu).utilization;
  elu = performance.eventLoopUtilization();
  process.stderr.write(
    `ELD busy ${(busy * 100).toFixed(0)} % p50 ${ms(h.percentile(50))} p99 ${ms(h.percentile(99))} max ${ms(h.max)} ms | GC ${count} pauses, ${total.toFixed(0)} ms, longest ${worst.toFixed(1)} ms, major ${major.toFixed(0)} ms\n`,
  );
  h.reset();
  total = worst = count = major = 0;
}, 4000).unref();
