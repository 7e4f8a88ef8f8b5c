'use strict';

/**
 * Scenario 6, reconnects: 50 users (guest sessions) connect and disconnect again and again, 50,000
 * cycles in all, against a real server process on SQLite (the default PRESENCE_GRACE_MS, so every
 * reconnect comes within the grace period, as a phone's does). RSS and the size of the store (the
 * SQLite file, its WAL and shared memory) after the first 5,000 cycles and after all of them: a
 * connection that is not history leaves neither to grow.
 */

const fs = require('node:fs');
const path = require('node:path');
const c = require('./common');
const { settle, heapAfterGc } = require('./at-rest');

const storeBytes = (dataDir) =>
  ['events.sqlite', 'events.sqlite-wal', 'events.sqlite-shm']
    .map((name) => path.join(dataDir, name))
    .filter((file) => fs.existsSync(file))
    .reduce((sum, file) => sum + fs.statSync(file).size, 0);

const eventCount = (dataDir) => {
  const Database = require('better-sqlite3');
  const db = new Database(path.join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) AS n FROM events').get().n;
  } finally {
    db.close();
  }
};

/** One cycle: a socket with the user's token, until its `session`, then closed. */
const cycle = (io, url, token) =>
  new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
    socket.once('session', () => {
      socket.once('disconnect', () => resolve());
      socket.close();
    });
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });

/** Waits until the server counts no connected socket (every disconnect handled). */
const quiet = async (server) => {
  for (;;) {
    const { body } = await c.get(server.port, '/metrics');
    const line = body.split('\n').find((l) => l.startsWith('chat_connected_sockets '));
    if (line !== undefined && Number(line.split(' ')[1]) === 0) return;
    await c.sleep(50);
  }
};

const scenarioReconnects = async (opts) => {
  const { io } = require('socket.io-client');
  const { users, checkpoint, cycles } = opts.config.reconnects;
  const heapFile = path.join(c.tmpDir('heap'), 'reconnects.json');
  const server = await c.startServer('project', {
    logName: 'reconnects',
    nodeArgs: ['--expose-gc', '-r', path.join(__dirname, 'heap-probe.js')],
    env: { BENCH_HEAP_FILE: heapFile },
  });
  try {
    const tokens = [];
    for (let i = 0; i < users; i++) {
      tokens.push(
        await new Promise((resolve, reject) => {
          const socket = io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true });
          socket.once('session', (s) => {
            socket.close();
            resolve(s.token);
          });
          socket.once('connect_error', reject);
        }),
      );
    }
    let done = 0;
    const t0 = c.now();
    /** Every user cycles until `upTo` cycles are done in all. */
    const runTo = (upTo) =>
      Promise.all(
        tokens.map(async (token) => {
          while (done < upTo) {
            done++;
            await cycle(io, server.url, token);
          }
        }),
      );
    const measure = async (label) => {
      await quiet(server);
      // RSS at rest, as the idle scenario reads it (the server's CPU quiet for `atRestMs`), and the
      // heap after a full collection: what the server keeps, apart from what a burst left behind.
      await settle(server, 30_000, opts.config.idle.atRestMs);
      server.assertAlive();
      const point = {
        label,
        cycles: done,
        atRest: true,
        rssMb: Math.round(server.rssKb() / 102.4) / 10,
        ...(await heapAfterGc(server, heapFile)),
        storeMb: Math.round(storeBytes(server.dataDir) / 104_857.6) / 10,
        events: eventCount(server.dataDir),
        elapsedS: Math.round((c.now() - t0) / 100) / 10,
      };
      c.log(
        `  reconnects: after ${point.cycles} cycles: RSS ${point.rssMb} MB at rest, heap after GC ${point.heapUsedMb?.toFixed(1) ?? '?'} MB, store ${point.storeMb} MB, ${point.events} events`,
      );
      return point;
    };
    await runTo(checkpoint);
    const first = await measure('first');
    await runTo(cycles);
    const all = await measure('all');
    return {
      users,
      first,
      all,
      rssRatio: Math.round((all.rssMb / first.rssMb) * 100) / 100,
      storeRatio: Math.round((all.storeMb / first.storeMb) * 100) / 100,
      cyclesPerS: Math.round((all.cycles / all.elapsedS) * 10) / 10,
    };
  } finally {
    await server.stop();
  }
};

module.exports = { scenarioReconnects };
