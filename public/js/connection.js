import { io } from '/socket.io/socket.io.esm.min.js';
import { setHidden } from './dom.js';

/** How long an acknowledgement may take before the page says so. */
const ACK_TIMEOUT_MS = 8000;
const TEXTS = { connecting: 'Connecting…', connected: 'Connected', reconnecting: 'Reconnecting…' };

/**
 * The Socket.IO connection (the session cookie goes with its handshake): requests with an
 * acknowledgement, the indicator in the top bar and the banner, reconnecting where Socket.IO does
 * not retry by itself, and whether the page is ready to send (connected and caught up). Other tabs
 * of this browser share the cookie: when one signs in or out, the others reconnect too.
 */
export class Connection {
  constructor({ state, indicator, onLost }) {
    Object.assign(this, { state, indicator, onLost });
    // Who is online comes as `presence_state` once per connection, then `presence_diff`s.
    this.socket = io({ auth: { presence: 'diff' }, reconnectionDelay: 500, reconnectionDelayMax: 3000 });
    this.readyWaiters = [];
    const { socket } = this;
    socket.on('disconnect', (reason) => {
      this.setReady(false);
      this.onLost();
      this.show(state.switching ? 'connecting' : 'reconnecting');
      // The server hung up on purpose: Socket.IO does not retry that by itself.
      if (reason === 'io server disconnect' && !state.switching) setTimeout(() => socket.connect(), 1000 + Math.random() * 1000);
    });
    socket.on('connect_error', (error) => {
      this.show(state.started ? 'reconnecting' : 'connecting');
      // Refused by the server's middleware (too many connections, or too many new guests from this
      // address, which says when to come back): retry later by hand.
      const retryAfterMs = Number(error?.data?.retryAfterMs);
      const wait = Number.isFinite(retryAfterMs) ? Math.min(Math.max(retryAfterMs, 3000), 600_000) : 3000;
      if (!socket.active) setTimeout(() => socket.connect(), wait);
    });
    this.channel = typeof window.BroadcastChannel === 'function' ? new window.BroadcastChannel('nest-chat') : null;
    this.channel?.addEventListener('message', (event) => {
      if (event.data?.type !== 'reconnect') return;
      state.switching = true;
      socket.disconnect();
      socket.connect();
    });
  }

  get connected() {
    return this.socket.connected;
  }

  /** Emits `event` and resolves with the server's acknowledgement; rejects after `timeout`. */
  ask(event, payload, timeout = ACK_TIMEOUT_MS) {
    return this.socket.timeout(timeout).emitWithAck(event, payload);
  }

  /** Emits without waiting for the answer (a refusal stays quiet). */
  tell(event, payload) {
    this.socket.emit(event, payload, () => undefined);
  }

  /** The indicator: `connecting`, `connected` or `reconnecting` (with the banner). */
  show(kind) {
    const { conn, connText, connBanner } = this.indicator;
    const text = TEXTS[kind];
    conn.dataset.state = kind;
    if (connText.textContent !== text) connText.textContent = text;
    setHidden(connBanner, kind !== 'reconnecting');
  }

  setReady(ready) {
    this.state.ready = ready;
    if (!ready) return;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve(true);
  }

  /** Resolves with true once ready, or false after `timeoutMs`. */
  whenReady(timeoutMs) {
    if (this.state.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value) => {
        clearTimeout(timer);
        this.readyWaiters = this.readyWaiters.filter((waiter) => waiter !== done);
        resolve(value);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.readyWaiters.push(done);
    });
  }

  /** Signed in or out over REST (the cookie changed): connects again as the new identity, in every tab. */
  restart() {
    this.socket.disconnect();
    this.show('connecting');
    this.socket.connect();
    this.channel?.postMessage({ type: 'reconnect' });
  }
}
