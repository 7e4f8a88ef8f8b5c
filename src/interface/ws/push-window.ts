import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

/** Pushes that go to every listening socket are gathered for at least this long. */
const MIN_WINDOW_MS = 50;
/** Each listening socket lengthens the window by this much, so such pushes cost about 2,500 frames a second… */
const WINDOW_MS_PER_SOCKET = 0.4;
/** …up to this long (20,000 sockets: 4,000 frames a second). */
const MAX_WINDOW_MS = 5000;

/**
 * How long changes meant for `sockets` listening sockets are gathered before one frame each goes
 * out. A frame to a socket costs about the same whatever it carries (a write to the kernel), so a
 * window per change would cost changes × sockets frames; this keeps it near a constant rate.
 */
export const pushWindowMs = (sockets: number): number => Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, sockets * WINDOW_MS_PER_SOCKET));

/**
 * The one window shared by every kind of gathered push (who is online, the join and leave lines of
 * large rooms). Each kind asks for its flush; when the window ends, every flush asked for runs in
 * the same turn, so a socket that gets several kinds gets them in one write (`TurnWrites`), not one
 * write per kind at a different moment each.
 */
@Injectable()
export class PushWindow implements OnApplicationShutdown {
  private readonly logger = new Logger(PushWindow.name);
  private timer: NodeJS.Timeout | undefined;
  private readonly flushes = new Set<() => void>();

  /** `flush` runs once when the current window ends; if none is open, one opens for `sockets` listeners. */
  schedule(flush: () => void, sockets: number): void {
    this.flushes.add(flush);
    this.timer ??= setTimeout(this.end, pushWindowMs(sockets));
  }

  private readonly end = (): void => {
    this.timer = undefined;
    const flushes = [...this.flushes];
    this.flushes.clear();
    for (const flush of flushes) {
      try {
        flush();
      } catch (error) {
        // One kind failing must not hold back the others.
        this.logger.error({ err: error }, 'gathered push failed');
      }
    }
  };

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushes.clear();
  }
}
