'use strict';
/**
 * One load-generator process, forked by bench/run.js so that clients never share an event loop with
 * the server under test. Real socket.io-client sockets, WebSocket transport only; of the events
 * they do not measure they decode the name only (`LoadDecoder`).
 *
 * Commands (IPC, from the parent):
 *   {cmd:'connect', url, sockets:[{room, sender, token?, url?}], concurrency, timeoutMs, deadlineMs?, acks?}
 *       opens the sockets (at most `concurrency` handshakes in flight; none started after
 *       `deadlineMs`), each joins its room with an ack; answers {type:'connected', ok, failed,
 *       skipped, total, errors, ms}. A socket with a `token` resumes that session (`auth.token`):
 *       sockets with the same token are tabs of one user. A socket with its own `url` connects
 *       there (another node of a cluster) instead of `url`.
 *       `acks: false` speaks to a server that acknowledges nothing (the original Flask app) as its
 *       own page does: `join` and `message` are emitted without asking for an ack (python-socketio
 *       would answer an empty one), and a socket counts as joined at the first `status` it receives
 *       (the server sends the room every join, the joiner included). It holds for the sockets
 *       opened by that command and for the `run`s after it.
 *   {cmd:'run', runId, ratePerSender, durationMs, drainMs}
 *       every sender sends `ratePerSender` messages/s for `durationMs`; every socket measures the
 *       end-to-end latency of every room message it receives; after `drainMs` more answers
 *       {type:'result', sentByRoom, receivedByRoom, hist, acksOk, acksFailed, errors}.
 *   {cmd:'flood', count, window}
 *       the senders send `count` messages in all (shared evenly), as fast as the server takes them:
 *       each keeps `window` messages waiting for their ack; answers {type:'flooded', sent, acksOk,
 *       acksFailed, errors, ms} once every ack has come (no latency is measured).
 *   {cmd:'close'} disconnects everything and exits.
 *
 * A message's text is `<runId>|<send time, ms of the shared monotonic clock>|<worker>.<n>`.
 * process.hrtime is CLOCK_MONOTONIC, the same clock in every process of the machine, so a receiver
 * in another worker can subtract the sender's timestamp.
 */
const { io } = require('socket.io-client');
const parser = require('socket.io-parser');
const { Histogram } = require('./lib/histogram');
const { config } = require('./lib/options');

/**
 * The one event whose body the load generators read: room messages, whose latency they measure
 * (acks are read too: they are not events). Of every other event a client receives they need the
 * name at most (`status` proves a join to a server without acks), and most of what a crowd of
 * guests receives is about each other: everyone online, everyone who comes and goes (N² names for
 * N guests), and each arrival's join notice to its room. On a machine where the clients share the
 * server's cores, parsing all that would measure the clients; such a frame is decoded to its event
 * name only.
 */
const READ = config(false).clientsParse;

class LoadDecoder extends parser.Decoder {
  add(frame) {
    // An event of the main namespace without an ack id: 2["name",…]
    if (typeof frame === 'string' && frame.startsWith('2["')) {
      const name = frame.slice(3, frame.indexOf('"', 3));
      if (name !== READ) {
        this.emitReserved('decoded', { type: parser.PacketType.EVENT, nsp: '/', data: [name] });
        return;
      }
    }
    super.add(frame);
  }
}
const loadParser = { ...parser, Decoder: LoadDecoder };

const now = () => Number(process.hrtime.bigint()) / 1e6;
const workerId = process.env.BENCH_WORKER_ID || String(process.pid);

/** @type {{socket: import('socket.io-client').Socket, room: string, sender: boolean}[]} */
let clients = [];
let current = null; // the run being measured
let acks = true; // false: the server acknowledges nothing (see `connect`)

const send = (message) => process.send(message);

const errorSample = (map, key) => map.set(key, (map.get(key) || 0) + 1);

const openOne = (url, spec, timeoutMs) => {
  const auth = {
    ...(spec.token === undefined ? {} : { token: spec.token }),
    ...(spec.presence === undefined ? {} : { presence: spec.presence }),
  };
  return openSocket(spec.url ?? url, spec, timeoutMs, Object.keys(auth).length > 0 ? auth : undefined);
};

const openSocket = (url, spec, timeoutMs, auth) =>
  new Promise((resolve) => {
    const socket = io(url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: timeoutMs,
      parser: loadParser,
      ...(auth ? { auth } : {}),
    });
    const client = { socket, room: spec.room, sender: spec.sender };
    let settled = false;
    const done = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ client, error });
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.on('connect_error', (err) => done(`connect_error: ${err && err.message}`));
    socket.on('message', (m) => onMessage(m));
    socket.once('connect', () => {
      if (!acks) {
        // Only members of the room hear its `status`: the first one proves the join.
        socket.once('status', () => done());
        socket.emit('join', { room: spec.room });
        return;
      }
      socket.emit('join', { room: spec.room }, (ack) => {
        if (ack && ack.ok) done();
        else done(`join: ${ack && ack.error ? ack.error.code : 'no ack'}`);
      });
    });
  });

function onMessage(m) {
  const run = current;
  if (run === null || m === null || typeof m !== 'object' || typeof m.msg !== 'string') return;
  const bar = m.msg.indexOf('|');
  if (bar < 0 || m.msg.slice(0, bar) !== run.runId) return;
  const sentAt = Number(m.msg.slice(bar + 1, m.msg.indexOf('|', bar + 1)));
  run.hist.record(now() - sentAt);
  run.receivedByRoom[m.room] = (run.receivedByRoom[m.room] || 0) + 1;
}

async function connect({ url, sockets, concurrency, timeoutMs, deadlineMs = Infinity, acks: withAcks = true }) {
  acks = withAcks;
  const started = now();
  const errors = new Map();
  let next = 0;
  let ok = 0;
  let failed = 0;
  const lane = async () => {
    while (next < sockets.length && now() - started < deadlineMs) {
      const spec = sockets[next++];
      const { client, error } = await openOne(url, spec, timeoutMs);
      if (error) {
        failed++;
        errorSample(errors, error);
        client.socket.close();
      } else {
        ok++;
        clients.push(client);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  send({ type: 'connected', ok, failed, skipped: sockets.length - next, total: clients.length, errors: [...errors], ms: now() - started });
}

function run({ runId, ratePerSender, durationMs, drainMs }) {
  const senders = clients.filter((c) => c.sender);
  const run = {
    runId,
    hist: new Histogram(),
    receivedByRoom: {},
    sentByRoom: {},
    acksOk: 0,
    acksFailed: 0,
    errors: new Map(),
  };
  current = run;
  let n = 0;
  const sent = new Array(senders.length).fill(0);
  // Senders are spread evenly over one period so that they do not all fire at once.
  const period = 1000 / ratePerSender;
  const offsets = senders.map((_, i) => (i / Math.max(1, senders.length)) * period);
  const start = now();
  const onAck = (ack) => {
    if (ack && ack.ok) run.acksOk++;
    else {
      run.acksFailed++;
      errorSample(run.errors, ack && ack.error ? ack.error.code : 'no ack');
    }
  };
  const tick = () => {
    const t = now();
    const elapsed = Math.min(t - start, durationMs);
    for (let i = 0; i < senders.length; i++) {
      const due = elapsed < offsets[i] ? 0 : Math.floor((elapsed - offsets[i]) / period) + 1;
      while (sent[i] < due) {
        sent[i]++;
        const c = senders[i];
        const msg = `${runId}|${now().toFixed(3)}|${workerId}.${n++}`;
        if (acks) c.socket.emit('message', { room: c.room, msg }, onAck);
        else c.socket.emit('message', { room: c.room, msg });
        run.sentByRoom[c.room] = (run.sentByRoom[c.room] || 0) + 1;
      }
    }
    if (t - start < durationMs) setTimeout(tick, 1);
    else setTimeout(finish, drainMs);
  };
  const finish = () => {
    current = null;
    send({
      type: 'result',
      runId,
      sentByRoom: run.sentByRoom,
      receivedByRoom: run.receivedByRoom,
      hist: run.hist.toJSON(),
      acksOk: run.acksOk,
      acksFailed: run.acksFailed,
      errors: [...run.errors],
      sendSpanMs: now() - start - drainMs,
    });
  };
  setImmediate(tick);
}

function flood({ count, window }) {
  const senders = clients.filter((c) => c.sender);
  const started = now();
  const out = { sent: 0, acksOk: 0, acksFailed: 0, errors: new Map() };
  let n = 0;
  const lanes = senders.map(
    (c, i) =>
      new Promise((resolve) => {
        let left = Math.floor(count / senders.length) + (i < count % senders.length ? 1 : 0);
        let waiting = 0;
        const next = () => {
          while (left > 0 && waiting < window) {
            left--;
            waiting++;
            out.sent++;
            const msg = `flood ${workerId}.${n++}: a message of about the length of a chat line, to fill the history`;
            c.socket.emit('message', { room: c.room, msg }, (ack) => {
              waiting--;
              if (ack && ack.ok) out.acksOk++;
              else {
                out.acksFailed++;
                errorSample(out.errors, ack && ack.error ? ack.error.code : 'no ack');
              }
              if (left === 0 && waiting === 0) resolve();
              else next();
            });
          }
          if (left === 0 && waiting === 0) resolve();
        };
        next();
      }),
  );
  Promise.all(lanes).then(() =>
    send({ type: 'flooded', sent: out.sent, acksOk: out.acksOk, acksFailed: out.acksFailed, errors: [...out.errors], ms: now() - started }),
  );
}

process.on('message', (message) => {
  switch (message.cmd) {
    case 'connect':
      connect(message).catch((error) => send({ type: 'error', error: String(error && error.stack) }));
      return;
    case 'run':
      run(message);
      return;
    case 'flood':
      flood(message);
      return;
    case 'close':
      for (const c of clients) c.socket.close();
      clients = [];
      setTimeout(() => process.exit(0), 100);
      return;
    default:
      return;
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'up' });
