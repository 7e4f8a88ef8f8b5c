import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { removeDataDir, tempDataDir } from '../support/test-app';
import { MAIN, freePort } from '../support/server-process';

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const run = (env: Record<string, string>): Run => {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
};

const waitForLine = async (output: () => string, pattern: RegExp, exited: Promise<unknown>): Promise<void> => {
  let gone = false;
  void exited.then(() => (gone = true));
  while (!pattern.test(output())) {
    if (gone) throw new Error(`process exited before printing ${pattern}:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const logLines = (output: string): Record<string, unknown>[] =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the server process', () => {
  it.each([
    ['PORT', { PORT: 'abc' }],
    ['MAX_MESSAGE_LENGTH', { MAX_MESSAGE_LENGTH: '-5' }],
    ['EVENT_STORE', { EVENT_STORE: 'mongodb://x' }],
    ['CHAT_ROOMS', { CHAT_ROOMS: 'General,,Other' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
  ])('refuses to start with a bad %s, in one clear line', async (variable, env) => {
    const dataDir = tempDataDir();
    const server = run({ DATA_DIR: dataDir, ...env });
    expect(await server.exited).toBe(1);
    const lines = server.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Cannot start: ${variable}: `));
    removeDataDir(dataDir);
  });

  it('refuses to start on a corrupt event store file, naming it', async () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, 'events.sqlite'), 'this is not a database, just some text that fills a page'.repeat(100));
    const server = run({ DATA_DIR: dataDir, PORT: String(await freePort()), LOG_LEVEL: 'silent' });
    expect(await server.exited).toBe(1);
    expect(server.stderr().trim()).toMatch(/^Cannot start: Cannot open the event store at .*events\.sqlite: /);
    removeDataDir(dataDir);
  });

  it('logs structured JSON lines without message bodies, and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDataDir();
    const port = await freePort();
    const server = run({ DATA_DIR: dataDir, PORT: String(port), SECRET_KEY: 'process-spec-secret-0123456789' });
    try {
      await waitForLine(server.stdout, /listening on/, server.exited);
      const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false });
      await new Promise((resolve) => socket.once('session', resolve));
      await socket.timeout(3000).emitWithAck('join', { room: 'General' });
      await socket.timeout(3000).emitWithAck('message', { room: 'General', msg: 'a secret body' });
      await socket.timeout(3000).emitWithAck('message', { room: 'Nowhere', msg: 'x' });
      socket.close();
      await waitForLine(server.stdout, /"event":"disconnect"/, server.exited);

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
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
      server.child.kill('SIGKILL');
      removeDataDir(dataDir);
    }
  });
});
