/** Pushes that go to every listening socket are gathered for at least this long. */
const MIN_WINDOW_MS = 50;
/** Each listening socket lengthens the window by this much, so such pushes cost about 2,500 frames a second… */
const WINDOW_MS_PER_SOCKET = 0.4;
/** …up to this long (20,000 sockets: 4,000 frames a second each kind). */
const MAX_WINDOW_MS = 5000;

/**
 * How long changes meant for `sockets` listening sockets are gathered before one frame each goes
 * out. A frame to a socket costs about the same whatever it carries (a write to the kernel), so a
 * window per change would cost changes × sockets frames; this keeps it near a constant rate.
 */
export const pushWindowMs = (sockets: number): number => Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, sockets * WINDOW_MS_PER_SOCKET));
