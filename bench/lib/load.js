'use strict';
/**
 * Sockets spread over the load workers (rooms × users × senders, or idle sockets), guest sessions
 * for tabs, and one measured step of load.
 */
const { Histogram } = require('./histogram');

const roomNames = (n) => Array.from({ length: n }, (_, i) => `bench-${String(i).padStart(3, '0')}`);

/**
 * Opens and joins `perWorker[i]` (socket specs, see load-worker.js) on worker i, all at once; sums
 * the replies: {ok, failed, skipped, total, errors, ms}. No handshake starts after `deadlineMs`.
 */
const connectSockets = async (workers, url, perWorker, { concurrency = 25, timeoutMs = 60_000, deadlineMs, acks = true } = {}) => {
  const replies = await Promise.all(
    workers.map((w, i) =>
      w.request({ cmd: 'connect', url, sockets: perWorker[i], concurrency, timeoutMs, deadlineMs, acks }, 'connected', 30 * 60_000),
    ),
  );
  const sum = (key) => replies.reduce((a, r) => a + r[key], 0);
  return {
    ok: sum('ok'),
    failed: sum('failed'),
    skipped: sum('skipped'),
    total: sum('total'),
    errors: replies.flatMap((r) => r.errors),
    ms: Math.max(...replies.map((r) => r.ms)),
  };
};

/**
 * Idle (non-sender) sockets number `from` to `to - 1`, dealt round-robin over `nWorkers`; socket k
 * joins room floor(k / nWorkers) mod rooms. With `tokens` (room → session token) every socket of a
 * room resumes that room's user: they are tabs of one user. `presence: 'diff'` asks for presence diffs
 * (`presence_state` once, then `presence_diff`) instead of the whole `active_users` list on every change.
 */
const spreadSockets = (from, to, nWorkers, names, tokens = null, presence = undefined) => {
  const perWorker = Array.from({ length: nWorkers }, () => []);
  for (let k = from; k < to; k++) {
    const room = names[Math.floor(k / nWorkers) % names.length];
    perWorker[k % nWorkers].push({
      room,
      sender: false,
      ...(tokens ? { token: tokens.get(room) } : {}),
      ...(presence ? { presence } : {}),
    });
  }
  return perWorker;
};

/** One new guest session per room (a socket connects, receives its `session`, closes): room → token. */
const sessionTokens = async (url, rooms) => {
  const { io } = require('socket.io-client');
  const tokens = new Map();
  for (const room of rooms) {
    tokens.set(
      room,
      await new Promise((resolve, reject) => {
        const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
        socket.once('session', (s) => {
          socket.close();
          resolve(s.token);
        });
        socket.once('connect_error', reject);
      }),
    );
  }
  return tokens;
};

/**
 * Opens R×U sockets over the workers (round-robin, so a room's members live in several processes),
 * S of each room's users being senders; returns {rooms, ok, failed, errors, ms} (the caller throws
 * when some failed). `names`: the rooms (default `bench-000`…); `receiverUrls`: the servers the
 * receivers are dealt over in turn (the senders always connect to `url`), for a cluster; `acks`:
 * false for a server that acknowledges nothing (see load-worker.js).
 */
const connectTopology = async (
  workers,
  url,
  { rooms, usersPerRoom, sendersPerRoom, concurrency = 20, timeoutMs = 30_000 },
  { names = roomNames(rooms), receiverUrls = null, acks = true } = {},
) => {
  if (names.length < rooms) throw new Error(`${rooms} rooms wanted, only ${names.length} names: ${names.join(', ')}`);
  const used = names.slice(0, rooms);
  const perWorker = workers.map(() => []);
  let k = 0;
  for (const room of used) {
    for (let u = 0; u < usersPerRoom; u++) {
      const sender = u < sendersPerRoom;
      const spec = { room, sender };
      if (!sender && receiverUrls) spec.url = receiverUrls[(u - sendersPerRoom) % receiverUrls.length];
      perWorker[k++ % workers.length].push(spec);
    }
  }
  const { ok, failed, errors, ms } = await connectSockets(workers, url, perWorker, { concurrency, timeoutMs, acks });
  return { rooms: used, ok, failed, errors, ms, perWorker };
};

let runCounter = 0;

/**
 * Every sender sends `ratePerSender` msgs/s for `durationMs`; waits `drainMs` for stragglers.
 * Offered and delivered loads are counted in fan-out deliveries per second.
 */
const runStep = async (workers, topology, { ratePerSender, durationMs, drainMs = 1000 }) => {
  const runId = `r${process.pid}x${++runCounter}`;
  const replies = await Promise.all(
    workers.map((w) => w.request({ cmd: 'run', runId, ratePerSender, durationMs, drainMs }, 'result', durationMs + drainMs + 120_000)),
  );
  const hist = new Histogram();
  let sent = 0;
  let expected = 0;
  let received = 0;
  let acksOk = 0;
  let acksFailed = 0;
  const errors = new Map();
  for (const r of replies) {
    hist.merge(Histogram.from(r.hist));
    for (const n of Object.values(r.sentByRoom)) {
      sent += n;
      expected += n * topology.usersPerRoom;
    }
    for (const n of Object.values(r.receivedByRoom)) received += n;
    acksOk += r.acksOk;
    acksFailed += r.acksFailed;
    for (const [code, n] of r.errors) errors.set(code, (errors.get(code) || 0) + n);
  }
  const seconds = durationMs / 1000;
  const senders = topology.rooms * topology.sendersPerRoom;
  return {
    ratePerSender,
    offered: ratePerSender * senders * topology.usersPerRoom,
    sentPerSec: sent / seconds,
    delivered: received / seconds,
    deliveredRatio: expected ? received / expected : Number.NaN,
    expected,
    received,
    acksOk,
    acksFailed,
    errors: [...errors],
    latency: hist.summary(),
  };
};

module.exports = { roomNames, connectSockets, spreadSockets, sessionTokens, connectTopology, runStep };
