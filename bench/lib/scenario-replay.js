'use strict';
/**
 * Scenario 5: start-up. The project server started on an empty log and on generated logs (cached
 * across runs), timed from spawn to ready, with its own rebuild figure and its RSS once ready.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const c = require('./common');
const { generate, fingerprint, removeDatabase } = require('../gen-log');

const cacheDir = path.join(os.tmpdir(), 'nest-chat-bench-cache');

/**
 * A generated log of `size` events, from the cache when one was written by the same schema and
 * generator (the fingerprint in its name); logs of another fingerprint are deleted (~600 MB each).
 */
const replayLog = (size) => {
  const fp = fingerprint();
  const file = path.join(cacheDir, `replay-${size}-${fp}.sqlite`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(cacheDir, { recursive: true });
    for (const f of fs.readdirSync(cacheDir))
      if (f.startsWith('replay-') && !f.includes(`-${fp}.`)) fs.rmSync(path.join(cacheDir, f), { force: true });
    c.log(`replay: generating a log of ${size} events (cached in ${cacheDir})…`);
    const tmp = `${file}.tmp`;
    const written = generate(size, tmp);
    fs.renameSync(tmp, file);
    removeDatabase(tmp);
    c.log(`replay: ${written} events written`);
  }
  return file;
};

/** The server's own `read models rebuilt from the log` figure from its log: {events, ms} or null. */
const rebuiltFigure = (logFile) => {
  let rebuilt = null;
  for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('read models rebuilt from the log')) continue;
    try {
      const j = JSON.parse(line);
      rebuilt = { events: j.events, ms: j.ms };
    } catch {
      const m = /"ms":(\d+)/.exec(line);
      if (m) rebuilt = { ms: Number(m[1]) };
    }
  }
  return rebuilt;
};

/**
 * Starts the project server on a copy of `logFile` (null: an empty log) in a fresh DATA_DIR, stops
 * it once ready, deletes the copy: {readyMs, rebuiltMs, events, rssKb}.
 */
const startOnLog = async (logFile, { nodeArgs = [], logName } = {}) => {
  const dir = c.tmpDir('replay-data');
  if (logFile) fs.copyFileSync(logFile, path.join(dir, 'events.sqlite'));
  const server = await c.startServer('project', { dataDir: dir, env: { LOG_LEVEL: 'info' }, readyTimeoutMs: 300_000, nodeArgs, logName });
  const rssKb = server.rssKb();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  const rebuilt = rebuiltFigure(server.logFile);
  return { readyMs: server.readyMs, rebuiltMs: rebuilt ? rebuilt.ms : null, events: rebuilt ? rebuilt.events : null, rssKb };
};

const scenarioReplay = async ({ config, runs }) => {
  const { sizes } = config.replay;
  const out = { sizes, empty: [], bySize: {} };
  for (const size of sizes) out.bySize[size] = [];
  const logs = Object.fromEntries(sizes.map((size) => [size, replayLog(size)]));
  for (let run = 1; run <= runs; run++) {
    const empty = await startOnLog(null, { logName: `replay-empty-${run}` });
    out.empty.push(empty);
    c.log(`replay: empty log run ${run}: ready in ${empty.readyMs.toFixed(0)} ms`);
    for (const size of sizes) {
      const result = await startOnLog(logs[size], { logName: `replay-${size}-${run}` });
      out.bySize[size].push(result);
      c.log(
        `replay: ${size} events run ${run}: ready in ${result.readyMs.toFixed(0)} ms (rebuilt ${result.rebuiltMs} ms), RSS ${(result.rssKb / 1024).toFixed(0)} MB`,
      );
    }
  }
  return out;
};

module.exports = { scenarioReplay, replayLog, startOnLog };
