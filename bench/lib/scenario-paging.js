'use strict';
/**
 * Scenario 7: paging deep in a big room. A log of one room of N messages (bench/gen-room.js, cached
 * like the replay logs) is copied into a fresh DATA_DIR and the server started on it; once its
 * snapshot is saved, GET /api/rooms/General/messages?limit=50&before=<id> is asked sequentially over
 * one keep-alive connection, alternating a page at a random depth older than the window (read from
 * the store) and a page inside the window (from memory, the baseline of the same run).
 */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const c = require('./common');
const { cachedLog, snapshotOf } = require('./scenario-replay');
const room = require('../gen-room');

/** The server's history window (HISTORY_WINDOW, 200 unless set). */
const historyWindow = () => Number(process.env.HISTORY_WINDOW || 200);

/** A deterministic generator, so every run asks the same depths. */
const rng = (seed) => {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
};

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

const summary = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s[s.length - 1] };
};

/** GET over a keep-alive agent: resolves {status, body, ms}. */
const timedGet = (agent, port, urlPath, timeoutMs = 10_000) =>
  new Promise((resolve, reject) => {
    const t0 = c.now();
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body, ms: c.now() - t0 }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });

/** Waits until the server has saved its read models' snapshot (after folding the log), so that it does not compete with the requests. */
const snapshotSaved = async (server, timeoutMs = 10 * 60_000) => {
  const t0 = c.now();
  for (;;) {
    server.assertAlive();
    const snap = snapshotOf(server.dataDir);
    if (snap) return snap;
    if (c.now() - t0 > timeoutMs) throw new Error(`paging: no snapshot saved after ${timeoutMs} ms`);
    await c.sleep(200);
  }
};

const scenarioPaging = async ({ config, runs }) => {
  const { messages, requests, warmup, limit } = config.paging;
  const window = historyWindow();
  const log = cachedLog('paging', messages, room.fingerprint(), room.generate);
  const out = { messages, requests, limit, window, runs: [] };
  for (let run = 1; run <= runs; run++) {
    const dir = c.tmpDir('paging-data');
    fs.copyFileSync(log, path.join(dir, 'events.sqlite'));
    const server = await c.startServer('project', { dataDir: dir, readyTimeoutMs: 30 * 60_000, logName: `paging-${run}` });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const snap = await snapshotSaved(server);
      const random = rng(0x5eed + run);
      // Deep: every message of the page is older than the window. Window: every message inside it.
      const deepSeq = () => limit + 1 + Math.floor(random() * (messages - window - limit));
      const windowSeq = () => messages - window + 1 + limit + Math.floor(random() * (window - limit));
      const ask = async (seq, timeoutMs) => {
        const r = await timedGet(
          agent,
          server.port,
          `/api/rooms/${room.ROOM}/messages?limit=${limit}&before=${room.messageId(seq)}`,
          timeoutMs,
        );
        if (r.status !== 200) throw new Error(`paging: GET before seq ${seq}: ${r.status} ${r.body.slice(0, 200)}`);
        const page = JSON.parse(r.body);
        if (page.messages.length !== limit || page.messages[0].seq !== seq - 1)
          throw new Error(
            `paging: before seq ${seq}: ${page.messages.length} messages, first seq ${page.messages[0] && page.messages[0].seq}`,
          );
        return r.ms;
      };
      // The generated log has no snapshot of the room's aggregate (a server that ran saves one every
      // 500 events; an upgrade that changes its shape drops it): the first read folds the room's
      // million events once, a page at a time, and saves one. Timed apart from the pages.
      const firstReadMs = await ask(deepSeq(), 10 * 60_000);
      for (let i = 0; i < warmup; i++) {
        await ask(deepSeq());
        await ask(windowSeq());
      }
      const deep = [];
      const inWindow = [];
      const t0 = c.now();
      for (let i = 0; i < requests; i++) {
        deep.push(await ask(deepSeq()));
        inWindow.push(await ask(windowSeq()));
      }
      const result = {
        run,
        readyMs: server.readyMs,
        snapshotAt: snap.position,
        firstReadMs,
        rssKb: server.rssKb(),
        elapsedMs: c.now() - t0,
        deep: summary(deep),
        window: summary(inWindow),
      };
      out.runs.push(result);
      const fmt = (s) => `p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(1)} ms`;
      c.log(
        `paging: run ${run}: ${messages} messages, first read ${(firstReadMs / 1000).toFixed(1)} s, ${requests} pages of ${limit} each: deep ${fmt(result.deep)}; in the window ${fmt(result.window)}`,
      );
    } finally {
      agent.destroy();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
};

module.exports = { scenarioPaging };
