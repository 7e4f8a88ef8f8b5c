'use strict';
/** Rooms × users × senders spread over the load workers, and one measured step of load. */
const { Histogram } = require('./histogram');

const roomNames = (n) => Array.from({ length: n }, (_, i) => `bench-${String(i).padStart(3, '0')}`);

/**
 * Opens R×U sockets over the workers (round-robin, so a room's members live in several processes),
 * S of each room's users being senders. Throws if any socket failed to connect and join.
 */
const connectTopology = async (workers, url, { rooms, usersPerRoom, sendersPerRoom, concurrency = 20, timeoutMs = 30_000 }) => {
  const names = roomNames(rooms);
  const perWorker = workers.map(() => []);
  let k = 0;
  for (const room of names) {
    for (let u = 0; u < usersPerRoom; u++) perWorker[k++ % workers.length].push({ room, sender: u < sendersPerRoom });
  }
  const replies = await Promise.all(
    workers.map((w, i) => w.request({ cmd: 'connect', url, sockets: perWorker[i], concurrency, timeoutMs }, 'connected', 30 * 60_000)),
  );
  const ok = replies.reduce((a, r) => a + r.ok, 0);
  const failed = replies.reduce((a, r) => a + r.failed, 0);
  const errors = replies.flatMap((r) => r.errors);
  return { rooms: names, ok, failed, errors, ms: Math.max(...replies.map((r) => r.ms)) };
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

module.exports = { roomNames, connectTopology, runStep };
