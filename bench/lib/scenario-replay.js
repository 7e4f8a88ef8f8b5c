'use strict';
/**
 * Scenario 5: start-up. The project server started on an empty log and on generated logs (cached
 * across runs): for each log, the first start on a fresh copy (no snapshot: it folds the whole log,
 * then saves a snapshot) and a restart on the same data directory after a clean stop (from the
 * snapshot). Each is timed from spawn to ready, with the server's own figure and its RSS once ready.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const c = require('./common');
const { generate, fingerprint, removeDatabase } = require('../gen-log');

const cacheDir = path.join(os.tmpdir(), 'nest-chat-bench-cache');

/**
 * A generated log `<prefix>-<size>-<fp>.sqlite` in the cache, written by `write(size, file)` when
 * missing; logs of the same prefix and another fingerprint (another schema or generator) are
 * deleted (hundreds of MB each).
 */
const cachedLog = (prefix, size, fp, write) => {
  const file = path.join(cacheDir, `${prefix}-${size}-${fp}.sqlite`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(cacheDir, { recursive: true });
    for (const f of fs.readdirSync(cacheDir))
      if (f.startsWith(`${prefix}-`) && !f.includes(`-${fp}.`)) fs.rmSync(path.join(cacheDir, f), { force: true });
    c.log(`${prefix}: generating a log of ${size} (cached in ${cacheDir})…`);
    const tmp = `${file}.tmp`;
    const written = write(size, tmp);
    fs.renameSync(tmp, file);
    removeDatabase(tmp);
    c.log(`${prefix}: ${written} events written`);
  }
  return file;
};

/** A generated log of `size` events (bench/gen-log.js), from the cache when there is one. */
const replayLog = (size) => cachedLog('replay', size, fingerprint(), generate);

/**
 * The server's own figure from its log: `read models caught up with the log` {snapshotAt, events, ms}
 * (or, from an older build, `read models rebuilt from the log` {events, ms}); null when absent.
 */
const rebuiltFigure = (logFile) => {
  let rebuilt = null;
  for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('read models caught up with the log') && !line.includes('read models rebuilt from the log')) continue;
    try {
      const j = JSON.parse(line);
      rebuilt = { snapshotAt: j.snapshotAt ?? 0, events: j.events, ms: j.ms };
    } catch {
      const m = /"ms":(\d+)/.exec(line);
      if (m) rebuilt = { ms: Number(m[1]) };
    }
  }
  return rebuilt;
};

/** The read models' snapshot in an SQLite store: {position, kb}, or null when there is none. */
const snapshotOf = (dataDir) => {
  const Database = require('better-sqlite3');
  const db = new Database(path.join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("SELECT position, length(data) AS bytes FROM snapshots WHERE name = 'read-models'").get();
    return row ? { position: row.position, kb: Math.round(row.bytes / 1024) } : null;
  } finally {
    db.close();
  }
};

/** One start of the project server on `dir`, stopped (SIGTERM) once ready: {readyMs, rebuiltMs, snapshotAt, events, rssKb}. */
const startOnce = async (dir, { nodeArgs = [], logName } = {}) => {
  const server = await c.startServer('project', {
    dataDir: dir,
    env: { LOG_LEVEL: 'info' },
    readyTimeoutMs: 30 * 60_000,
    nodeArgs,
    logName,
  });
  const rssKb = server.rssKb();
  // A clean stop saves the snapshot the next start reads; a big log can take a while to write it.
  await server.stop('SIGTERM', 5 * 60_000);
  const rebuilt = rebuiltFigure(server.logFile);
  return {
    readyMs: server.readyMs,
    rebuiltMs: rebuilt ? rebuilt.ms : null,
    snapshotAt: rebuilt ? (rebuilt.snapshotAt ?? null) : null,
    events: rebuilt ? rebuilt.events : null,
    rssKb,
  };
};

/**
 * Starts the project server on a copy of `logFile` (null: an empty log) in a fresh DATA_DIR and
 * stops it once ready; with `restart`, starts it again on the same directory (from the snapshot the
 * first start saved; `restartNodeArgs` for it). Deletes the copy: {first, snapshot, restart?}.
 */
const startOnLog = async (logFile, { nodeArgs = [], restartNodeArgs = [], logName = 'replay', restart = false } = {}) => {
  const dir = c.tmpDir('replay-data');
  try {
    if (logFile) fs.copyFileSync(logFile, path.join(dir, 'events.sqlite'));
    const first = await startOnce(dir, { nodeArgs, logName: `${logName}-first` });
    const snapshot = fs.existsSync(path.join(dir, 'events.sqlite')) ? snapshotOf(dir) : null;
    if (!restart) return { first, snapshot };
    const again = await startOnce(dir, { nodeArgs: restartNodeArgs, logName: `${logName}-restart` });
    return { first, snapshot, restart: again };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

/**
 * How long `PRAGMA quick_check` takes on a log file (the SQLite store runs it whenever it opens the
 * file, so every start pays it, snapshot or not): ms, measured in this process.
 */
const quickCheckMs = (file) => {
  const Database = require('better-sqlite3');
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const t0 = c.now();
    db.pragma('quick_check', { simple: true });
    return c.now() - t0;
  } finally {
    db.close();
  }
};

const mb = (kb) => (kb / 1024).toFixed(0);

const scenarioReplay = async ({ config, runs }) => {
  const { sizes } = config.replay;
  const out = { sizes, empty: [], bySize: {} };
  for (const size of sizes) out.bySize[size] = [];
  const logs = Object.fromEntries(sizes.map((size) => [size, replayLog(size)]));
  for (let run = 1; run <= runs; run++) {
    const { first: empty } = await startOnLog(null, { logName: `replay-empty-${run}` });
    out.empty.push(empty);
    c.log(`replay: empty log run ${run}: ready in ${empty.readyMs.toFixed(0)} ms, RSS ${mb(empty.rssKb)} MB`);
    for (const size of sizes) {
      const checkMs = quickCheckMs(logs[size]);
      const result = { ...(await startOnLog(logs[size], { logName: `replay-${size}-${run}`, restart: true })), quickCheckMs: checkMs };
      out.bySize[size].push(result);
      const { first, snapshot, restart } = result;
      c.log(
        `replay: ${size} events run ${run}: first start ready in ${first.readyMs.toFixed(0)} ms (folded ${first.events} in ${first.rebuiltMs} ms), RSS ${mb(first.rssKb)} MB; ` +
          `snapshot at ${snapshot ? `${snapshot.position} (${snapshot.kb} kB)` : 'none'}; ` +
          `restart ready in ${restart.readyMs.toFixed(0)} ms (folded ${restart.events} after ${restart.snapshotAt} in ${restart.rebuiltMs} ms), RSS ${mb(restart.rssKb)} MB; quick_check of the file ${checkMs.toFixed(0)} ms`,
      );
    }
  }
  return out;
};

module.exports = { scenarioReplay, replayLog, cachedLog, startOnLog, snapshotOf };
