'use strict';
/**
 * Heap snapshots of a server before and after N idle sockets (each joined to one of 100 rooms),
 * then `heap-diff.js` on them: what the heap holds per socket, by constructor.
 *
 *   node bench/tools/heap-per-socket.js project|baseline N [distinct|distinct-diff|tabs] [preload.js]
 *
 * tabs (project only): one user per room, every socket a tab of it (resumed with its token);
 * distinct-diff: one guest per socket, each asking for presence diffs.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const c = require('../lib/common');
const { roomNames, connectSockets, spreadSockets, sessionTokens } = require('../lib/load');

/** Makes the server write a heap snapshot (SIGUSR2) into `dir`; resolves its path once complete, renamed `<label>.heapsnapshot`. */
const snapshot = async (server, dir, label) => {
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

(async () => {
  const kind = process.argv[2] || 'project';
  const n = Number(process.argv[3] || 1000);
  const mode = process.argv[4] || 'distinct';
  const names = roomNames(100);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nest-chat-heap-${kind}-${mode}-`));
  const preload = process.argv[5] ? ['-r', path.resolve(process.argv[5])] : [];
  const nodeArgs = [...preload, '--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`];
  const [before, after] = await c.withServerAndWorkers(kind, { rooms: names, nodeArgs }, 4, async (server, workers) => {
    const tokens = mode === 'tabs' ? await sessionTokens(server.url, names) : null;
    await c.sleep(4000); // past the presence grace period
    const first = await snapshot(server, dir, 'before');
    await connectSockets(
      workers,
      server.url,
      spreadSockets(0, n, workers.length, names, tokens, mode === 'distinct-diff' ? 'diff' : undefined),
    );
    await c.sleep(6000); // past the presence windows
    return [first, await snapshot(server, dir, 'after')];
  });
  c.cleanTmp();
  spawnSync(process.execPath, [path.join(__dirname, 'heap-diff.js'), before, after, String(n)], { stdio: 'inherit' });
  console.log(`snapshots in ${dir}`);
})();
