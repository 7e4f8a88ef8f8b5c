import { readFileSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type Socket as NetSocket } from 'node:net';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { eventually } from '../support/eventually';
import { removeDataDir, tempDataDir } from '../support/test-app';
import { killServers, spawnServer, type ServerProcess } from '../support/server-process';

// Each test starts a Node process, which takes seconds on a busy machine.
jest.setTimeout(30_000);

/** Waits until the process printed a line matching `pattern`, checking at every chunk of output. */
const waitForLine = (server: ServerProcess, pattern: RegExp): Promise<void> =>
  new Promise((resolve, reject) => {
    const check = (): void => {
      if (!pattern.test(server.stdout())) return;
      server.child.stdout.off('data', check);
      resolve();
    };
    server.child.stdout.on('data', check);
    void server.exited.then(() => reject(new Error(`process exited before printing ${pattern}:\n${server.output()}`)));
    check();
  });

const logLines = (output: string): Record<string, unknown>[] =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the server process', () => {
  afterEach(killServers);

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['MAX_MESSAGE_LENGTH', { MAX_MESSAGE_LENGTH: '-5' }],
    ['EVENT_STORE', { EVENT_STORE: 'mongodb://x' }],
    ['CHAT_ROOMS', { CHAT_ROOMS: 'General,,Other' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['SECRET_KEY', { SECRET_KEY: 'change-me-to-a-long-random-string' }],
    ['METRICS_TOKEN', { METRICS_TOKEN: 'short' }],
  ])('refuses to start with a bad %s, in one clear line', async (variable, env) => {
    const dataDir = tempDataDir();
    try {
      const server = await spawnServer({ DATA_DIR: dataDir, ...env });
      expect(await server.exited).toEqual({ code: 1, signal: null });
      const lines = server.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Cannot start: ${variable}: `));
    } finally {
      removeDataDir(dataDir);
    }
  });

  it('refuses to start on a corrupt event store file, naming it', async () => {
    const dataDir = tempDataDir();
    try {
      writeFileSync(join(dataDir, 'events.sqlite'), 'this is not a database, just some text that fills a page'.repeat(100));
      const server = await spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
      expect(await server.exited).toEqual({ code: 1, signal: null });
      expect(server.stderr().trim()).toMatch(/^Cannot start: Cannot open the event store at .*events\.sqlite: /);
    } finally {
      removeDataDir(dataDir);
    }
  });

  it('starts a single node without loading the PostgreSQL driver or the Redis client', async () => {
    const dataDir = tempDataDir();
    const list = join(dataDir, 'loaded-packages.txt');
    try {
      const server = await spawnServer({
        DATA_DIR: dataDir,
        NODE_OPTIONS: `--require=${join(__dirname, '..', 'support', 'loaded-packages.js')}`,
        LOADED_PACKAGES_FILE: list,
      });
      await server.ready();
      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      const packages = readFileSync(list, 'utf8').split('\n');
      expect(packages).toContain('better-sqlite3');
      expect(packages.filter((name) => ['pg', 'ioredis', '@socket.io/redis-streams-adapter'].includes(name))).toEqual([]);
    } finally {
      await killServers();
      removeDataDir(dataDir);
    }
  });

  it('logs structured JSON lines without message bodies, and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDataDir();
    // The log level users get by default, and the real limits.
    const server = await spawnServer({
      DATA_DIR: dataDir,
      LOG_LEVEL: undefined,
      RATE_LIMIT_MESSAGES: undefined,
      RATE_LIMIT_JOINS: undefined,
      RATE_LIMIT_PRIVATE_MESSAGES: undefined,
      MAX_CONNECTIONS_PER_IP: undefined,
    });
    try {
      await waitForLine(server, /listening on/);
      const socket = io(server.url, { transports: ['websocket'], reconnection: false });
      await new Promise((resolve) => socket.once('session', resolve));
      await socket.timeout(3000).emitWithAck('join', { room: 'General' });
      await socket.timeout(3000).emitWithAck('message', { room: 'General', msg: 'a secret body' });
      await socket.timeout(3000).emitWithAck('message', { room: 'Nowhere', msg: 'x' });
      socket.close();
      await waitForLine(server, /"event":"disconnect"/);

      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      const lines = logLines(server.stdout());
      const byEvent = (event: string) => lines.filter((line) => line.event === event);
      const who = { socketId: expect.any(String), userId: expect.any(String), username: expect.stringMatching(/^Guest/) };
      expect(byEvent('connect')[0]).toMatchObject({ ...who, outcome: 'ok', ms: expect.any(Number), level: 30 });
      expect(byEvent('join')[0]).toMatchObject({ ...who, room: 'General', outcome: 'ok', ms: expect.any(Number) });
      expect(byEvent('message')).toEqual([
        expect.objectContaining({ ...who, room: 'General', outcome: 'ok', ms: expect.any(Number) }),
        expect.objectContaining({ ...who, outcome: 'rejected', code: 'unknown_room', ms: expect.any(Number) }),
      ]);
      expect(byEvent('disconnect')[0]).toMatchObject({ ...who, outcome: 'ok' });
      expect(server.stdout()).not.toContain('a secret body');
    } finally {
      await killServers();
      removeDataDir(dataDir);
    }
  });

  // Some 1,000 sockets opened in waves, then a wait for two quiet seconds: 10 s alone, 15–20 s with
  // both cores busy (beside the browser specs, or two busy loops).
  it('turns connections away at its open-file limit without dying, trims its heap meanwhile, and serves once they close', async () => {
    const dataDir = tempDataDir();
    const held = new Set<NetSocket>();
    const guests: Socket[] = [];
    let attacking = true;
    try {
      const server = await spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: 'info', HEAP_TRIM_MB: '2' }, { openFiles: 1024 });
      await server.ready();
      // The heap's growth counts from the trimmer's first look, a second after the start: the burst comes after it.
      await eventually(async () => {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        return Date.now() / 1000 - Number(/^chat_process_start_time_seconds (\d+)/m.exec(text)?.[1]) > 2;
      }, 10_000);
      const { port } = new URL(server.url);
      // Guests in waves until the process can take no more: each socket is one open file, and they
      // grow the heap by several times HEAP_TRIM_MB (300 of them by about 1.5 MB, too close to tell).
      const guest = (): Promise<Socket | undefined> => {
        const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 5000 });
        return new Promise((resolve) => {
          socket.once('session', () => resolve(socket));
          socket.once('connect_error', () => resolve(socket.close() && undefined));
        });
      };
      let full = false;
      while (!full) {
        const wave = await Promise.all(Array.from({ length: 20 }, guest));
        for (const socket of wave) if (socket !== undefined) guests.push(socket);
        full = wave.includes(undefined);
      }
      expect(guests.length).toBeGreaterThan(800);
      // Then connections that never finish a request, one every 50 ms while any is turned away: a
      // file the process lets go of is taken again at once.
      let turnedAway = 0;
      let retrying = false;
      const attack = (): void => {
        if (!attacking) return;
        const socket = netConnect(Number(port), '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\n'));
        held.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          held.delete(socket);
          turnedAway++;
          if (retrying) return;
          retrying = true;
          setTimeout(() => {
            retrying = false;
            attack();
          }, 50);
        });
      };
      for (let i = 0; i < 10; i++) attack();
      // The burst is over and the loop quiet: the trim runs, with no file left to read its RSS from.
      await waitForLine(server, /heap trimmed after a burst/);
      expect(turnedAway).toBeGreaterThan(0);
      expect(server.alive()).toBe(true);

      // Once connections close, whichever they are, a newcomer gets in: it tries again as the page
      // does, since the process may not have seen the closes yet when it first knocks.
      attacking = false;
      for (const socket of held) socket.destroy();
      for (const socket of guests.splice(0, 10)) socket.close();
      const late = io(server.url, { transports: ['websocket'], forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 50 });
      guests.push(late);
      await new Promise((resolve) => late.once('session', resolve));
      await expect(late.timeout(5000).emitWithAck('join', { room: 'General' })).resolves.toMatchObject({ ok: true });
      expect(server.alive()).toBe(true);
    } finally {
      attacking = false;
      for (const socket of held) socket.destroy();
      for (const socket of guests) socket.close();
      removeDataDir(dataDir);
    }
  }, 90_000);
});
