import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type TestSocket } from '../support/socket';
import { removeDataDir, tempDataDir } from '../support/test-app';
import { wholeHistory } from '../support/room-history';
import { killServers, spawnServer } from '../support/server-process';
import { expectRefusedStart, mountTmpfs, outcomeOf, remount, startServer, stop, unmountAll } from '../support/storage-faults';

/**
 * Storage faults against the built server (`node dist/main.js`; `npm test` builds it): an
 * unwritable DATA_DIR, a truncated or corrupt SQLite file (a full disk: full-disk.e2e-spec.ts). The
 * start either fails with one clear line, or the server goes on; nothing already stored is lost.
 *
 * As root, file permissions are no obstacle, so "unwritable" means a read-only filesystem (a tmpfs
 * mounted `ro`), a path under a regular file, or procfs. Mounting
 * needs root (or CAP_SYS_ADMIN): without it these specs fail, saying so.
 */

jest.setTimeout(60_000);

const ROOM = 'General';

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
});
