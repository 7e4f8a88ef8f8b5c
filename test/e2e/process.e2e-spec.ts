import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
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
});
