'use strict';
/** Shared plumbing of the harness: servers under test, worker processes, statistics. */
const { spawn, fork } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BENCH = path.resolve(__dirname, '..');
const SECRET_KEY = 'bench-secret-key-0123456789abcdef';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6;

const log = (...args) => {
  const t = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[${t}] ${args.join(' ')}\n`);
};

/** A TCP port free right now on 127.0.0.1. */
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** GET a path; resolves {status, body} or rejects on a connection error. */
const get = (port, urlPath, timeoutMs = 2000) =>
  new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });

/** Polls GET `readyPath` (/ready) every `everyMs` until it answers 200. Resolves the ms since `since`. */
const waitReady = async (port, { since = now(), timeoutMs = 120_000, everyMs = 10, proc, readyPath = '/ready' } = {}) => {
  for (;;) {
    if (proc && proc.exitCode !== null) throw new Error(`server exited with code ${proc.exitCode} before it was ready`);
    try {
      const { status } = await get(port, readyPath, 1000);
      if (status === 200) return now() - since;
    } catch {
      // not listening yet
    }
    if (now() - since > timeoutMs) throw new Error(`server not ready after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
};

/** /proc/<pid>/<name> as text, or null when the process is gone. */
const procFile = (pid, name) => {
  try {
    return fs.readFileSync(`/proc/${pid}/${name}`, 'utf8');
  } catch {
    return null;
  }
};

/** VmRSS of a process in kB, from /proc/<pid>/status; NaN when it is gone. */
const rssKb = (pid) => {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(procFile(pid, 'status') ?? '');
  return match ? Number(match[1]) : Number.NaN;
};

/** A process and its descendants (from /proc/<pid>/task/<tid>/children), the process first. */
const processTree = (pid) => {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    let tasks = [];
    try {
      tasks = fs.readdirSync(`/proc/${out[i]}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      const children = procFile(out[i], `task/${tid}/children`);
      if (children) for (const c of children.trim().split(/\s+/).filter(Boolean)) out.push(Number(c));
    }
  }
  return out;
};

/** CPU time (user+sys) of a process in ms, from /proc/<pid>/stat; NaN when it is gone. */
const cpuMs = (pid) => {
  const stat = procFile(pid, 'stat');
  if (stat === null) return Number.NaN;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // CLK_TCK is 100 on Linux
};

/** Sends `signal` to `pid`, ignoring a process already gone. */
const killQuietly = (pid, signal) => {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
};

let tmpRoot;
/** A fresh directory under the harness's temporary root (removed at exit unless --keep). */
const tmpDir = (name) => {
  tmpRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), 'nest-chat-bench-'));
  const dir = path.join(tmpRoot, `${name}-${Math.random().toString(36).slice(2, 8)}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
};
const tmpRootDir = () => tmpRoot;
/** A short random suffix for names that must not collide between runs (databases, cluster names). */
const uniqueSuffix = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const cleanTmp = () => {
  if (tmpRoot) fs.rmSync(tmpRoot, { recursive: true, force: true });
};

const projectEnv = (overrides = {}) => ({
  ...process.env,
  HOST: '127.0.0.1',
  SECRET_KEY,
  LOG_LEVEL: 'warn',
  EVENT_STORE: 'sqlite',
  NODE_ENV: 'production',
  // The abuse limits would (rightly) stop a load generator: lift them for the bench.
  RATE_LIMIT_MESSAGES: '1000000,1000000',
  RATE_LIMIT_JOINS: '1000000,1000000',
  RATE_LIMIT_PRIVATE_MESSAGES: '1000000,1000000',
  MAX_CONNECTIONS_PER_IP: '1000000',
  // Every bench socket without a token is a new guest, all from 127.0.0.1.
  GUESTS_PER_IP: '1000000',
  ...overrides,
});

/** Where bench/flask-seed/app.py lives (the original application, run under gunicorn). */
const SEED_DIR = path.join(BENCH, 'flask-seed');
/** The original application's rooms: it refuses any other. */
const SEED_ROOMS = ['General', 'Zero to Knowing', 'Code with Josh', 'The Nerd Nook'];

/** The command that runs a server under test of `kind` on `port`: [file, args, cwd, readyPath]. */
const serverCommand = (kind, port, { nodeArgs = [], python } = {}) => {
  if (kind === 'seed') {
    if (!python) throw new Error('seed server: no Python with flask_socketio, eventlet and gunicorn');
    // As the original is deployed: one eventlet worker (Flask-SocketIO keeps its rooms in the process).
    const args = ['-m', 'gunicorn', '-k', 'eventlet', '-w', '1', '-b', `127.0.0.1:${port}`, '--graceful-timeout', '3', 'app:app'];
    return [python, args, SEED_DIR, '/socket.io/?EIO=4&transport=polling'];
  }
  const script = kind === 'project' ? path.join(ROOT, 'dist', 'main.js') : path.join(BENCH, 'baseline-server.js');
  return [process.execPath, [...nodeArgs, script], ROOT, '/ready'];
};

/** Idle share of every core's time between two `os.cpus()` readings. */
const idleShare = (before, after) => {
  let idle = 0;
  let total = 0;
  after.forEach((cpu, i) => {
    const was = before[i].times;
    for (const key of Object.keys(cpu.times)) total += cpu.times[key] - was[key];
    idle += cpu.times.idle - was.idle;
  });
  return total > 0 ? idle / total : 1;
};

/** Every wait for a quiet machine so far: {label, waitedMs, idle, quiet}, for the report. */
const quietWaits = [];

/**
 * Waits until the machine has been at least `idle` idle (all cores) for `forMs`, at most `maxMs`,
 * so that a measurement does not start while the previous one's processes (or anything else) still
 * use the CPU. Records the wait in `quietWaits`.
 */
const waitQuiet = async (label, { idle = 0.9, forMs = 1000, maxMs = 60_000, stepMs = 250 } = {}) => {
  const started = now();
  let quietSince = null;
  let share = 0;
  let previous = os.cpus();
  for (;;) {
    await sleep(stepMs);
    const current = os.cpus();
    share = idleShare(previous, current);
    previous = current;
    quietSince = share >= idle ? (quietSince ?? now() - stepMs) : null;
    const quiet = quietSince !== null && now() - quietSince >= forMs;
    if (quiet || now() - started >= maxMs) {
      const wait = { label, waitedMs: Math.round(now() - started), idle: Math.round(share * 1000) / 1000, quiet };
      quietWaits.push(wait);
      if (!quiet)
        log(`  the machine was not quiet within ${maxMs / 1000} s before ${label} (${(share * 100).toFixed(0)} % idle); measuring anyway`);
      return wait;
    }
  }
};

/**
 * Starts a server under test and waits until it is ready (GET /ready; for the seed, an Engine.IO
 * handshake). kind: 'project' (dist/main.js), 'baseline' (bench/baseline-server.js) or 'seed'
 * (bench/flask-seed/app.py under gunicorn with `python`).
 */
const startServer = async (kind, { rooms = [], env = {}, dataDir, nodeArgs = [], readyTimeoutMs = 120_000, logName, python } = {}) => {
  await waitQuiet(`${logName ?? kind} start`);
  const port = await freePort();
  const [file, args, cwd, readyPath] = serverCommand(kind, port, { nodeArgs, python });
  const dir = dataDir ?? tmpDir(`${kind}-data`);
  const logFile = path.join(tmpDir('logs'), `${logName ?? kind}.log`);
  const out = fs.openSync(logFile, 'w');
  const fullEnv =
    kind === 'project'
      ? projectEnv({ PORT: String(port), DATA_DIR: dir, ...(rooms.length ? { CHAT_ROOMS: rooms.join(',') } : {}), ...env })
      : kind === 'seed'
        ? { ...process.env, SECRET_KEY, PYTHONDONTWRITEBYTECODE: '1', ...env }
        : { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env };
  const started = now();
  const proc = spawn(file, args, { cwd, env: fullEnv, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let readyMs;
  try {
    readyMs = await waitReady(port, { since: started, timeoutMs: readyTimeoutMs, proc, readyPath });
  } catch (error) {
    for (const pid of processTree(proc.pid).reverse()) killQuietly(pid, 'SIGKILL');
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`${kind} server did not start: ${error.message}\n${tail}`);
  }
  const tailOfLog = (lines = 20) => fs.readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
  const server = {
    kind,
    tailOfLog,
    /** Throws, with the end of its log, if the server has died. */
    assertAlive: () => {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`${kind} server died (exit ${proc.exitCode}, signal ${proc.signalCode}); end of ${logFile}:\n${tailOfLog()}`);
      }
    },
    proc,
    pid: proc.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    logFile,
    dataDir: dir,
    readyMs,
    // gunicorn is a master and its worker: the seed's figures are those of the whole tree.
    rssKb: () => (kind === 'seed' ? processTree(proc.pid).reduce((a, pid) => a + rssKb(pid), 0) : rssKb(proc.pid)),
    cpuMs: () => (kind === 'seed' ? processTree(proc.pid).reduce((a, pid) => a + cpuMs(pid), 0) : cpuMs(proc.pid)),
    stop: (signal = 'SIGTERM', graceMs = 10_000) =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.exitCode);
        const tree = processTree(proc.pid);
        const timer = setTimeout(() => {
          for (const pid of tree.reverse()) killQuietly(pid, 'SIGKILL');
        }, graceMs);
        proc.once('exit', (code) => {
          clearTimeout(timer);
          // A child left behind by its master (gunicorn's worker) goes too.
          for (const pid of tree.slice(1)) killQuietly(pid, 'SIGKILL');
          resolve(code);
        });
        proc.kill(signal);
      }),
  };
  return server;
};

/** A forked load-generator process; `request` sends a command and awaits the reply of `type`. */
const startWorker = (id) =>
  new Promise((resolve, reject) => {
    const proc = fork(path.join(BENCH, 'load-worker.js'), [], {
      env: { ...process.env, BENCH_WORKER_ID: String(id) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const waiting = new Map();
    proc.on('message', (message) => {
      if (message.type === 'up') return resolve(worker);
      const waiter = waiting.get(message.type);
      if (waiter) {
        waiting.delete(message.type);
        waiter.resolve(message);
      } else if (message.type === 'error') {
        for (const w of waiting.values()) w.reject(new Error(message.error));
        waiting.clear();
      }
    });
    proc.on('exit', (code) => {
      for (const w of waiting.values()) w.reject(new Error(`load worker ${id} exited with ${code}`));
      waiting.clear();
    });
    proc.on('error', reject);
    const worker = {
      id,
      proc,
      request: (command, replyType, timeoutMs = 600_000) =>
        new Promise((res, rej) => {
          const timer = setTimeout(() => {
            waiting.delete(replyType);
            rej(new Error(`load worker ${id}: no ${replyType} after ${timeoutMs} ms`));
          }, timeoutMs);
          waiting.set(replyType, {
            resolve: (m) => {
              clearTimeout(timer);
              res(m);
            },
            reject: (e) => {
              clearTimeout(timer);
              rej(e);
            },
          });
          proc.send(command);
        }),
      close: () =>
        new Promise((res) => {
          if (proc.exitCode !== null) return res();
          const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
          proc.once('exit', () => {
            clearTimeout(timer);
            res();
          });
          proc.send({ cmd: 'close' });
        }),
    };
  });

const startWorkers = (n) => Promise.all(Array.from({ length: n }, (_, i) => startWorker(i)));

/**
 * Starts a server under test (`serverOptions` as for startServer) and `nWorkers` load workers, runs
 * fn(server, workers), then closes the workers and stops the server (`signal`, SIGKILL after `graceMs`).
 */
const withServerAndWorkers = async (kind, serverOptions, nWorkers, fn, { signal = 'SIGTERM', graceMs = 10_000 } = {}) => {
  const server = await startServer(kind, serverOptions);
  try {
    const workers = await startWorkers(nWorkers);
    try {
      return await fn(server, workers);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  } finally {
    await server.stop(signal, graceMs);
  }
};

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const min = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x));
  return s.length ? Math.min(...s) : Number.NaN;
};
const max = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x));
  return s.length ? Math.max(...s) : Number.NaN;
};

module.exports = {
  ROOT,
  BENCH,
  SECRET_KEY,
  SEED_DIR,
  SEED_ROOMS,
  sleep,
  now,
  waitQuiet,
  quietWaits,
  log,
  freePort,
  get,
  waitReady,
  rssKb,
  cpuMs,
  tmpDir,
  tmpRootDir,
  uniqueSuffix,
  processTree,
  cleanTmp,
  projectEnv,
  startServer,
  startWorkers,
  withServerAndWorkers,
  median,
  min,
  max,
};
