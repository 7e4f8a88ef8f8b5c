import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Counter } from 'prom-client';
import { AppConfig } from '../application/ports/app-config';
import { Metrics } from './metrics';

/** The event loop counts as quiet below this share of busy time over a tick. */
const QUIET_UTILIZATION = 0.1;
/** Ticks of one second that must all be quiet before a trim. */
const QUIET_TICKS = 2;
/** At most one trim in this long, whatever the heap does. */
const MIN_INTERVAL_MS = 60_000;

/**
 * V8's full collection as `--expose-gc` offers it (called without options: with an options object,
 * Node 20's V8 runs no full collection), made to compact every fragmented page for this one call,
 * so the pages it empties go back to the system. Without that flag a full collection leaves a page
 * be unless it is nearly empty, and a burst leaves pages a quarter to a third free.
 */
const compactingCollection = (): (() => void) => {
  setFlagsFromString('--expose-gc');
  let gc: () => void;
  try {
    gc = runInNewContext('gc') as () => void;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return () => {
    setFlagsFromString('--compact-on-every-full-gc');
    try {
      gc();
    } finally {
      setFlagsFromString('--no-compact-on-every-full-gc');
    }
  };
};

const mb = (bytes: number): number => Math.round(bytes / 104857.6) / 10;

/**
 * The process's resident set in MB, or undefined when it cannot be read: Node reads it from a file in
 * /proc, which fails while every file the process may open is taken (thousands of sockets at the
 * limit), and a figure for a log line is no reason to stop the server.
 */
const rssMb = (): number | undefined => {
  try {
    return mb(process.memoryUsage.rss());
  } catch {
    return undefined;
  }
};

/**
 * Gives back the memory a burst left behind. A storm of connections or of messages leaves garbage
 * spread over many pages of the heap, and V8 returns those pages only at a later full collection it
 * judges worthwhile, which a server holding thousands of idle sockets (each pinging) can wait minutes
 * for: the process stays at its peak. Here, when the heap has grown by `HEAP_TRIM_MB` since the
 * last trim (or since the first tick, a second after the start) and the event loop has been nearly
 * idle for two seconds, one full collection compacts the heap (a pause that grows with the live
 * heap, taken while nobody is waiting) and the pages it empties go back to the system. At most
 * once a minute; one `info` line each.
 */
@Injectable()
export class HeapTrimmer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('HeapTrimmer');
  private readonly trims: Counter;
  private timer: NodeJS.Timeout | undefined;
  private collect: (() => void) | undefined;
  /** The committed heap after the last trim (or at the first tick), or the smallest seen since: growth is counted from here. */
  private floor = Infinity;
  private lastTrim = -Infinity;
  private quietTicks = 0;
  private loop: EventLoopUtilization = performance.eventLoopUtilization();

  constructor(
    private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    this.trims = new Counter({
      name: 'chat_heap_trims_total',
      help: 'Compacting collections run after a burst, once the server was quiet, to give memory back (HEAP_TRIM_MB)',
      registers: [metrics.registry],
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.heapTrimBytes === 0) return;
    this.collect = compactingCollection();
    this.loop = performance.eventLoopUtilization();
    this.timer = setInterval(() => this.tick(), 1000).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, this.loop).utilization;
    this.loop = now;
    this.quietTicks = busy < QUIET_UTILIZATION ? this.quietTicks + 1 : 0;
    const total = getHeapStatistics().total_heap_size;
    this.floor = Math.min(this.floor, total);
    if (total - this.floor < this.config.heapTrimBytes) return;
    if (this.quietTicks < QUIET_TICKS || performance.now() - this.lastTrim < MIN_INTERVAL_MS) return;
    this.trim(total);
  }

  private trim(before: number): void {
    const rssMbBefore = rssMb();
    const started = performance.now();
    this.collect!();
    const pauseMs = Math.round(performance.now() - started);
    const after = getHeapStatistics().total_heap_size;
    this.floor = after;
    this.lastTrim = performance.now();
    this.quietTicks = 0;
    this.loop = performance.eventLoopUtilization();
    this.trims.inc();
    // The emptied pages leave the process a moment later: V8 unmaps them on a helper thread.
    setTimeout(() => {
      this.logger.log(
        { heapMbBefore: mb(before), heapMbAfter: mb(after), rssMbBefore, rssMbAfter: rssMb(), pauseMs },
        'heap trimmed after a burst',
      );
    }, 1000).unref();
  }
}
