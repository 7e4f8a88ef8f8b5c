import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TestSocket } from '../support/socket';
import { removeDataDir, tempDataDir } from '../support/test-app';
import { wholeHistory } from '../support/room-history';
import { killServers, spawnServer, type ServerProcess } from '../support/server-process';

/**
 * Storage faults against the built server (`node dist/main.js`; `npm test` builds it): an
 * unwritable DATA_DIR, a truncated or corrupt SQLite file, a full disk. The start either fails
 * with one clear line, or a write fails with `unavailable`; nothing already stored is lost.
 *
 * As root, file permissions are no obstacle, so "unwritable" means a read-only filesystem (a tmpfs
 * mounted `ro`), a path under a regular file, or procfs; the full disk is a 1 MB tmpfs. Mounting
 * needs root (or CAP_SYS_ADMIN): without it these specs fail, saying so.
 */

jest.setTimeout(60_000);

const ROOM = 'General';

type Outcome = { kind: 'exited'; code: number | null } | { kind: 'ready' } | { kind: 'hung' };

/** What a start comes to: the process exits, or answers /ready, or neither within `timeoutMs`. */
const outcomeOf = async (server: ServerProcess, timeoutMs = 10_000): Promise<Outcome> => {
  let code: number | null | undefined;
  void server.exited.then((exit) => (code = exit.code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (code !== undefined) return { kind: 'exited', code };
    try {
      if ((await fetch(`${server.url}/ready`)).ok) return { kind: 'ready' };
    } catch {
      // not listening (yet)
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return code !== undefined ? { kind: 'exited', code } : { kind: 'hung' };
};

const startServer = async (dataDir: string): Promise<ServerProcess> => {
  const server = await spawnServer({ DATA_DIR: dataDir });
  const outcome = await outcomeOf(server);
  if (outcome.kind !== 'ready') throw new Error(`server did not start (${JSON.stringify(outcome)}):\n${server.stderr()}${server.stdout()}`);
  return server;
};

const stop = async (server: ServerProcess): Promise<void> => {
  if (!server.alive()) return;
  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
};

/** Expects the start to fail: exit 1 with exactly one line on stderr, matching `pattern`. */
const expectRefusedStart = async (dataDir: string, pattern: RegExp): Promise<void> => {
  const server = await spawnServer({ DATA_DIR: dataDir });
  const outcome = await outcomeOf(server, 8000);
  if (outcome.kind !== 'exited') {
    throw new Error(
      outcome.kind === 'ready' ? 'the server started and reported ready' : 'the start neither failed nor finished within 8 s',
    );
  }
  expect(outcome.code).toBe(1);
  const lines = server.stderr().trim().split('\n');
  expect(lines).toEqual([expect.stringMatching(pattern)]);
  expect(server.stdout()).not.toMatch(/listening on/);
};

// ---------------------------------------------------------------------------------------------
// Mounts

const mounts: string[] = [];

const mountTmpfs = (options: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-mount-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `these specs need to mount a tmpfs (run as root or with CAP_SYS_ADMIN); "mount -t tmpfs -o ${options} tmpfs ${dir}" failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`,
    );
  }
  mounts.push(dir);
  return dir;
};

const remount = (dir: string, options: string): void => void execFileSync('mount', ['-o', `remount,${options}`, dir], { stdio: 'pipe' });

const unmountAll = (): void => {
  for (const dir of mounts.splice(0)) {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
};

// ---------------------------------------------------------------------------------------------
// Data

type Message = { id: string; seq: number; msg: string; clientId?: string };
type Ack = { ok: true; message: Message } | { ok: false; error: { code: string; message: string } };

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A store written and closed by a real run: `count` messages in General, the WAL checkpointed into the file. */
const writtenStore = async (count: number): Promise<{ dataDir: string; file: string; messages: Message[] }> => {
  const dataDir = tempDataDir();
  const server = await startServer(dataDir);
  const socket = await connect(server.url);
  await socket.ask('join', { room: ROOM });
  const acks = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      socket.ask<Ack>('message', { room: ROOM, msg: `stored ${i} ${'x'.repeat(300)}`, clientId: `s-${i}` }),
    ),
  );
  socket.close();
  await stop(server);
  const file = join(dataDir, 'events.sqlite');
  expect(existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0).toBe(0);
  return {
    dataDir,
    file,
    messages: acks.map((a) => {
      if (!a.ok) throw new Error(`not stored: ${a.error.code}`);
      return a.message;
    }),
  };
};

/** The page numbers of a table's or index's leaf pages (SQLite's dbstat). */
const leafPages = (file: string, name: string): number[] => {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare<[string], { pageno: number }>("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno")
      .all(name)
      .map((row) => row.pageno);
  } finally {
    db.close();
  }
};

/** Overwrites one page of the file with pseudo-random bytes, as bit rot or a torn write would. */
const corruptPage = (file: string, pageno: number): void => {
  const pageSize = 4096;
  const garbage = Buffer.alloc(pageSize);
  let x = pageno * 2654435761;
  for (let i = 0; i < pageSize; i++) garbage[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, garbage, 0, pageSize, (pageno - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
};

// ---------------------------------------------------------------------------------------------

describe('storage faults', () => {
  const dirs: string[] = [];
  const sockets: TestSocket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await killServers();
  });

  afterAll(async () => {
    await killServers();
    unmountAll();
    for (const dir of dirs) removeDataDir(dir);
  });

  describe('an unwritable DATA_DIR', () => {
    it('under a regular file stops the start with one clear line', async () => {
      const dir = tempDataDir();
      dirs.push(dir);
      const file = join(dir, 'a-file');
      writeFileSync(file, 'not a directory');
      await expectRefusedStart(join(file, 'data'), /^Cannot start: Cannot open the event store at .*a-file\/data\/events\.sqlite: ENOTDIR/);
    });

    it('on a read-only filesystem stops the start with one clear line', async () => {
      const dir = mountTmpfs('ro,size=1m');
      await expectRefusedStart(dir, new RegExp(`^Cannot start: Cannot open the event store at ${dir}/events\\.sqlite: `));
    });

    it('holding a store on a filesystem remounted read-only stops the start with one clear line, and leaves the store as it was', async () => {
      const { file, dataDir } = await writtenStore(20);
      dirs.push(dataDir);
      const dir = mountTmpfs('size=4m');
      copyFileSync(file, join(dir, 'events.sqlite'));
      const before = sha256(join(dir, 'events.sqlite'));
      remount(dir, 'ro');
      await expectRefusedStart(dir, new RegExp(`^Cannot start: Cannot open the event store at ${dir}/events\\.sqlite: `));
      expect(sha256(join(dir, 'events.sqlite'))).toBe(before);
    });

    it('that procfs will not hold stops the start with one clear line', async () => {
      await expectRefusedStart('/proc/self', /^Cannot start: Cannot open the event store at \/proc\/self\/events\.sqlite: /);
    });

    it('under a procfs directory that refuses new entries stops the start with one clear line', async () => {
      await expectRefusedStart('/proc/1/data', /^Cannot start: Cannot open the event store at \/proc\/1\/data\/events\.sqlite: /);
    });
  });

  describe('a damaged store file', () => {
    let original: { dataDir: string; file: string; messages: Message[] };

    beforeAll(async () => {
      original = await writtenStore(250);
      dirs.push(original.dataDir);
    });

    /** A copy of the written store in a fresh DATA_DIR, for one test to damage. */
    const copy = (): string => {
      const dataDir = tempDataDir();
      dirs.push(dataDir);
      copyFileSync(original.file, join(dataDir, 'events.sqlite'));
      return dataDir;
    };

    it('is whole and serves every message when left alone (the control)', async () => {
      const server = await startServer(copy());
      expect((await wholeHistory<Message>(server.url, ROOM)).map((m) => [m.seq, m.id])).toEqual(
        original.messages.map((m) => [m.seq, m.id]),
      );
      await stop(server);
    });

    // SQLite compares the page count in the file header with the file's size: any truncation is caught at open.
    it.each([
      ['to half its size', 0.5],
      ['by one page', -1],
      ['to a tenth', 0.1],
      ['to an odd length mid-page', 0.73],
    ])('truncated %s stops the start with one clear line naming it, and does not touch it', async (_, fraction) => {
      const dataDir = copy();
      const file = join(dataDir, 'events.sqlite');
      const size = statSync(file).size;
      truncateSync(file, fraction < 0 ? size - 4096 : Math.floor(size * fraction));
      const before = sha256(file);
      await expectRefusedStart(
        dataDir,
        new RegExp(`^Cannot start: Cannot open the event store at ${file}: database disk image is malformed$`),
      );
      expect(sha256(file)).toBe(before);
    });

    it.each([
      ['a leaf page of the events table', 'events'],
      ['a leaf page of the (stream_id, version) index', 'sqlite_autoindex_events_1'],
    ])('with %s overwritten by garbage stops the start with one clear line naming it', async (_, tree) => {
      const dataDir = copy();
      const file = join(dataDir, 'events.sqlite');
      const pages = leafPages(file, tree);
      expect(pages.length).toBeGreaterThan(1);
      corruptPage(file, pages[Math.floor(pages.length / 2)]!);
      await expectRefusedStart(dataDir, new RegExp(`^Cannot start: Cannot open the event store at ${file}: `));
    });

    it('larger than SQLITE_CHECK_BEFORE_START_MB, is checked while serving, and the damage stops the server with one clear line', async () => {
      const dataDir = copy();
      const file = join(dataDir, 'events.sqlite');
      corruptPage(file, leafPages(file, 'events')[1]!);
      // 0 MB: every log counts as large, so the check runs in the background even for this small one.
      const server = await spawnServer({ DATA_DIR: dataDir, SQLITE_CHECK_BEFORE_START_MB: '0' });
      expect(await server.exited).toEqual({ code: 1, signal: null });
      expect(server.stderr().trim().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^Stopping: The event store at ${file} is damaged: `)),
      ]);
    });

    it('larger than SQLITE_CHECK_BEFORE_START_MB and whole, starts and keeps serving after the check', async () => {
      const dataDir = copy();
      const server = await spawnServer({ DATA_DIR: dataDir, SQLITE_CHECK_BEFORE_START_MB: '0' });
      expect(await outcomeOf(server)).toMatchObject({ kind: 'ready' });
      expect((await wholeHistory<Message>(server.url, ROOM)).map((m) => m.seq)).toEqual(original.messages.map((m) => m.seq));
      await stop(server);
    });
  });

  describe('a full disk', () => {
    it('refuses writes with unavailable without crashing, keeps what was stored, and recovers once there is space', async () => {
      const dataDir = mountTmpfs('size=1m');
      const server = await startServer(dataDir);
      const alice = await connect(server.url);
      const bob = await connect(server.url);
      const carol = await connect(server.url);
      sockets.push(alice, bob, carol);
      await alice.ask('join', { room: ROOM });
      await bob.ask('join', { room: ROOM });
      await carol.ask('join', { room: ROOM });
      const stored: Message[] = [];
      for (let i = 0; i < 20; i++) {
        const ack = await alice.ask<Ack>('message', { room: ROOM, msg: `before ${i}`, clientId: `before-${i}` });
        if (!ack.ok) throw new Error(`not stored: ${ack.error.code}`);
        stored.push(ack.message);
      }

      // Fill the disk to the last byte.
      const filler = join(dataDir, 'filler');
      const fd = openSync(filler, 'w');
      const block = Buffer.alloc(64 * 1024);
      try {
        for (let chunk = block; ;) {
          try {
            writeSync(fd, chunk);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
            if (chunk.length === 1) break;
            chunk = chunk.subarray(0, Math.ceil(chunk.length / 2));
          }
        }
      } finally {
        closeSync(fd);
      }

      // SQLite writes its log into space its file already holds, so a write may still be stored on
      // the full disk when it fits there; a write that needs more space is refused with `unavailable`
      // (retry later, same clientId), quickly and without crashing. Each kind of write is repeated
      // until it needs more space.
      let refused: { clientId: string; msg: string } | undefined;
      for (let i = 0; i < 1000 && !refused; i++) {
        const sent = { clientId: `full-${i}`, msg: `while full ${i}` };
        const ack = await alice.ask<Ack>('message', { room: ROOM, ...sent });
        if (ack.ok) stored.push(ack.message);
        else {
          expect(ack.error).toEqual({ code: 'unavailable', message: expect.any(String) });
          refused = sent;
        }
      }
      if (!refused) throw new Error('1,000 messages were stored on a full disk');
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        await expect(alice.ask('message', { room: ROOM, ...refused })).resolves.toEqual({
          ok: false,
          error: { code: 'unavailable', message: expect.any(String) },
        });
        expect(Date.now() - started).toBeLessThan(2000);
      }
      // Leaving and joining are writes too.
      for (let moves = 0; ; moves++) {
        if (moves === 1000) throw new Error('1,000 joins and leaves were stored on a full disk');
        const ack = await carol.ask<{ ok: boolean; error?: unknown }>(moves % 2 === 0 ? 'leave' : 'join', { room: ROOM });
        if (ack.ok) continue;
        expect(ack.error).toEqual({ code: 'unavailable', message: expect.any(String) });
        break;
      }
      // A newcomer needs a guest session written: refused at the handshake, with the same code.
      for (let newcomers = 0; ; newcomers++) {
        if (newcomers === 1000) throw new Error('1,000 newcomers were given a session on a full disk');
        const newcomer = await connect(server.url).catch((error: Error) => error);
        if (newcomer instanceof Error) {
          expect(newcomer.message).toMatch('unavailable');
          break;
        }
        sockets.push(newcomer);
      }
      expect(server.alive()).toBe(true);
      expect(alice.raw.connected && bob.raw.connected).toBe(true);
      // What was stored is all there, and nothing else.
      expect((await wholeHistory<Message>(server.url, ROOM)).map((m) => m.id)).toEqual(stored.map((m) => m.id));
      const last = stored[stored.length - 1]!;
      await bob.next<Message>('message', (m) => m.id === last.id);
      expect(bob.received('message').map((m) => (m as Message).id)).toEqual(stored.map((m) => m.id));

      // Space again: the same clientId goes through now, numbered right after the last stored message.
      unlinkSync(filler);
      const retried = await alice.ask<Ack>('message', { room: ROOM, ...refused });
      expect(retried).toMatchObject({ ok: true, message: { seq: stored.length + 1, msg: refused.msg } });
      await expect(bob.next('message', (m) => m.clientId === refused.clientId)).resolves.toMatchObject({ seq: stored.length + 1 });
      const newcomer = await connect(server.url);
      sockets.push(newcomer);
      expect(newcomer.session.resumed).toBe(false);
      stored.push((retried as { message: Message }).message);

      // And all of it survives a restart.
      await stop(server);
      const again = await startServer(dataDir);
      const history = await wholeHistory<Message>(again.url, ROOM);
      expect(history.map((m) => m.id)).toEqual(stored.map((m) => m.id));
      expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
      await stop(again);
    });
  });
});
