'use strict';
/**
 * Heap snapshots of a server before and after N idle sockets (each joined to one of 100 rooms),
 * then `heap-diff.js` on them: what the heap holds per socket, by constructor.
 *
 *   node bench/tools/heap-per-socket.js project|baseline N [distinct|tabs] [preload.js]
 *
 * tabs (project only): one user per room, every socket a tab of it (resumed with its token).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const c = require('../lib/common');
const L = require('../lib/load');

(async () => {
  const kind = process.argv[2] || 'project';
  const n = Number(process.argv[3] || 1000);
  const mode = process.argv[4] || 'distinct';
  const names = L.roomNames(100);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nest-chat-heap-${kind}-${mode}-`));
  const preload = process.argv[5] ? ['-r', path.resolve(process.argv[5])] : [];
  const server = await c.startServer(kind, {
    rooms: names,
    nodeArgs: [...preload, '--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`],
  });
  let tokens = null;
  if (mode === 'tabs') {
    const { io } = require('socket.io-client');
    tokens = new Map();
    for (const room of names) {
      tokens.set(
        room,
        await new Promise((resolve) => {
          const s = io(server.url, { transports: ['websocket'], forceNew: true });
          s.once('session', (x) => {
            s.close();
            resolve(x.token);
          });
        }),
      );
    }
  }
  await c.sleep(4000); // past the presence grace period
  const snap = async (label) => {
    const before = new Set(fs.readdirSync(dir));
    process.kill(server.pid, 'SIGUSR2');
    for (;;) {
      await c.sleep(500);
      const found = fs.readdirSync(dir).filter((x) => !before.has(x) && x.endsWith('.heapsnapshot'));
      if (found.length === 0) continue;
      const file = path.join(dir, found[0]);
      for (let size = -1; ;) {
        const now = fs.statSync(file).size;
        if (now === size) break;
        size = now;
        await c.sleep(700);
      }
      const target = path.join(dir, `${label}.heapsnapshot`);
      fs.renameSync(file, target);
      return target;
    }
  };
  const before = await snap('before');
  const workers = await c.startWorkers(4);
  const per = workers.map(() => []);
  for (let k = 0; k < n; k++) {
    const room = names[Math.floor(k / 4) % 100];
    per[k % 4].push({ room, sender: false, ...(tokens ? { token: tokens.get(room) } : {}) });
  }
  await Promise.all(
    workers.map((w, i) => w.request({ cmd: 'connect', url: server.url, sockets: per[i], concurrency: 25, timeoutMs: 60_000 }, 'connected')),
  );
  await c.sleep(3000);
  const after = await snap('after');
  await Promise.all(workers.map((w) => w.close()));
  await server.stop();
  c.cleanTmp();
  spawnSync(process.execPath, [path.join(__dirname, 'heap-diff.js'), before, after, String(n)], { stdio: 'inherit' });
  console.log(`snapshots in ${dir}`);
})();
