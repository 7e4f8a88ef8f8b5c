'use strict';
/**
 * Scenario 8: RSS while messages flow. A running server on SQLite; senders (real Socket.IO clients
 * over the load workers, each keeping a few messages waiting for their ack) send `messages` messages
 * in all, spread over the rooms of each layout (one room; 100 rooms, CHAT_ROOMS of 100 names). RSS
 * is read after the first `checkpoint` messages, at `samples` points after that and at the end, each
 * after a short pause for the server to settle: with history beyond the window read from the store,
 * it should not grow with the number of messages. At each point, after reading RSS, the live heap
 * after a full collection (lib/heap-probe.js, preloaded into the server) tells what the server keeps
 * from what the process has not given back.
 */
const fs = require('node:fs');
const path = require('node:path');
const c = require('./common');
const { heapAfterGc } = require('./at-rest');
const { roomNames, connectSockets } = require('./load');

/** The server's history window (HISTORY_WINDOW, 200 unless set). */
const historyWindow = () => Number(process.env.HISTORY_WINDOW || 200);

const storeMb = (dataDir) =>
  ['events.sqlite', 'events.sqlite-wal']
    .map((name) => path.join(dataDir, name))
    .filter((file) => fs.existsSync(file))
    .reduce((sum, file) => sum + fs.statSync(file).size, 0) /
  (1024 * 1024);

/** RSS after the server has been idle a moment: the median of 5 samples over a second, in MB. */
const settledRssMb = async (server) => {
  await c.sleep(1000);
  const xs = [];
  for (let i = 0; i < 5; i++) {
    xs.push(server.rssKb() / 1024);
    await c.sleep(200);
  }
  return c.median(xs);
};

/** The senders of the workers send `count` messages in all; resolves {sent, acksOk, acksFailed, errors, ms}. */
const flood = async (workers, count, window) => {
  const replies = await Promise.all(
    workers.map((w, i) =>
      w.request(
        { cmd: 'flood', count: Math.floor(count / workers.length) + (i < count % workers.length ? 1 : 0), window },
        'flooded',
        6 * 3600_000,
      ),
    ),
  );
  const sum = (key) => replies.reduce((a, r) => a + r[key], 0);
  const errors = new Map();
  for (const r of replies) for (const [code, n] of r.errors) errors.set(code, (errors.get(code) || 0) + n);
  return {
    sent: sum('sent'),
    acksOk: sum('acksOk'),
    acksFailed: sum('acksFailed'),
    errors: [...errors],
    ms: Math.max(...replies.map((r) => r.ms)),
  };
};

const oneLayout = async ({ config }, { rooms, sendersPerRoom, window }, run) => {
  const { messages, checkpoint, samples } = config.historyRss;
  const names = roomNames(rooms);
  const heapFile = path.join(c.tmpDir('heap'), 'heap.json');
  return c.withServerAndWorkers(
    'project',
    {
      rooms: names,
      logName: `history-rss-${rooms}-${run}`,
      nodeArgs: ['--expose-gc', '-r', path.join(__dirname, 'heap-probe.js')],
      env: { BENCH_HEAP_FILE: heapFile },
    },
    config.workers,
    async (server, workers) => {
      // Sender sockets dealt round-robin over the workers; a room's senders in several processes.
      const perWorker = workers.map(() => []);
      let k = 0;
      for (const room of names) for (let s = 0; s < sendersPerRoom; s++) perWorker[k++ % workers.length].push({ room, sender: true });
      const connected = await connectSockets(workers, server.url, perWorker, { concurrency: 10, timeoutMs: 30_000 });
      if (connected.failed) throw new Error(`history-rss: ${connected.failed} sockets failed: ${JSON.stringify(connected.errors)}`);
      const startRssMb = await settledRssMb(server);
      let sent = 0;
      let refused = 0;
      const errors = new Map();
      const points = [];
      const sendTo = async (mark) => {
        const r = await flood(workers, mark - sent, window);
        sent = mark;
        refused += r.acksFailed;
        for (const [code, n] of r.errors) errors.set(code, (errors.get(code) || 0) + n);
        server.assertAlive();
        const p = {
          messages: mark,
          msgsPerS: ((r.acksOk + r.acksFailed) * 1000) / r.ms,
          rssMb: await settledRssMb(server),
          storeMb: storeMb(server.dataDir),
        };
        Object.assign(p, await heapAfterGc(server, heapFile));
        points.push(p);
        c.log(
          `history-rss: ${rooms} room${rooms > 1 ? 's' : ''} run ${run}: after ${p.messages} messages RSS ${p.rssMb.toFixed(0)} MB, heap after GC ${p.heapUsedMb === undefined ? '?' : p.heapUsedMb.toFixed(0)} MB, store ${p.storeMb.toFixed(0)} MB (${p.msgsPerS.toFixed(0)} msgs/s)`,
        );
      };
      await sendTo(checkpoint);
      for (let i = 1; i <= samples; i++) await sendTo(Math.round(checkpoint + ((messages - checkpoint) * i) / samples));
      const first = points[0];
      const all = points[points.length - 1];
      return {
        rooms,
        sendersPerRoom,
        window,
        run,
        startRssMb,
        first,
        all,
        points,
        rssRatio: all.rssMb / first.rssMb,
        heapRatio: all.heapUsedMb / first.heapUsedMb,
        windowsFullAtFirst: checkpoint >= rooms * historyWindow(),
        acksFailed: refused,
        errors: [...errors],
      };
    },
    { graceMs: 120_000 },
  );
};

const scenarioHistoryRss = async (opts) => {
  const { messages, checkpoint, layouts } = opts.config.historyRss;
  const out = { messages, checkpoint, layouts, runs: [] };
  for (let run = 1; run <= opts.config.historyRss.runs; run++) {
    for (const layout of layouts) {
      const r = await oneLayout(opts, layout, run);
      c.log(
        `history-rss: ${layout.rooms} room${layout.rooms > 1 ? 's' : ''} run ${run}: RSS ratio ${r.rssRatio.toFixed(2)}×, heap after GC ${r.heapRatio.toFixed(2)}×${r.acksFailed ? `, ${r.acksFailed} refused` : ''}`,
      );
      out.runs.push(r);
    }
  }
  return out;
};

module.exports = { scenarioHistoryRss };
