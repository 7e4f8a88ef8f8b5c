import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { STREAM_SNAPSHOT_EVERY } from '../../src/application/command-executor';
import { AppConfig } from '../../src/application/ports/app-config';
import { NameKey } from '../../src/application/ports/name-key.port';
import { FilesReadModel } from '../../src/application/read-models/files.read-model';
import { RoomsReadModel } from '../../src/application/read-models/rooms.read-model';
import { UsersReadModel } from '../../src/application/read-models/users.read-model';
import { decodeState, encodeState } from '../../src/application/state-codec';
import { snapshotChecksum } from '../../src/infrastructure/event-store/stored-event';
import { eventually } from '../support/eventually';
import { withAccount } from '../support/community';
import { appsClosedAfterEach, tempDataDir, TEST_SECRET, type TestApp } from '../support/test-app';

/**
 * The read models are saved with the log position they are valid at; a start loads them and folds
 * only the events after it. Whatever is loaded, the result is the state a fold of the whole log gives;
 * a snapshot that is damaged, of another shape or for other settings is ignored and rebuilt.
 */

type SavedRow = { schema: string; position: number; data: string; checksum: string };

const snapshotRow = (dataDir: string): SavedRow | undefined => {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  try {
    return db.prepare("SELECT schema, position, data, checksum FROM snapshots WHERE name = 'read-models'").get() as SavedRow | undefined;
  } finally {
    db.close();
  }
};

const writeRow = (dataDir: string, change: (row: SavedRow) => SavedRow): void => {
  const db = new Database(join(dataDir, 'events.sqlite'));
  try {
    const row = db.prepare("SELECT schema, position, data, checksum FROM snapshots WHERE name = 'read-models'").get() as SavedRow;
    const next = change(row);
    db.prepare("UPDATE snapshots SET schema = ?, position = ?, data = ?, checksum = ? WHERE name = 'read-models'").run(
      next.schema,
      next.position,
      next.data,
      next.checksum,
    );
  } finally {
    db.close();
  }
};

/** The read models as a fold of every event in the log gives them. */
const rebuilt = async (server: TestApp) => {
  const rooms = new RoomsReadModel(server.app.get(AppConfig));
  const users = new UsersReadModel(server.app.get(NameKey), server.app.get(AppConfig));
  const files = new FilesReadModel();
  for (const event of await server.store.readAll(0, Number.MAX_SAFE_INTEGER)) for (const model of [rooms, users, files]) model.apply(event);
  return { rooms: rooms.snapshot(), users: users.snapshot(), files: files.snapshot() };
};

const live = (server: TestApp) => ({
  rooms: server.app.get(RoomsReadModel).snapshot(),
  users: server.app.get(UsersReadModel).snapshot(),
  files: server.app.get(FilesReadModel).snapshot(),
});

describe('read models saved with their position', () => {
  const startApp = appsClosedAfterEach();

  /** A server with some history, stopped cleanly: its snapshot is at the head of the log. */
  const withHistory = async (env: Record<string, string> = {}) => {
    const dataDir = tempDataDir();
    const server = await startApp(env, dataDir);
    const alice = await server.connect();
    const bob = await server.connect();
    await alice.ask('join', { room: 'General' });
    await bob.ask('join', { room: 'Code with Josh' });
    for (let i = 0; i < 30; i++) await alice.ask('message', { room: 'General', msg: `hello ${i}`, clientId: `c${i}` });
    await alice.ask('private_message', { target: bob.username, msg: 'psst' });
    const head = await server.store.headPosition();
    const before = live(server);
    await server.close();
    return { dataDir, head, before, alice, bob };
  };

  it('saves the read models at a clean stop and starts from them, then follows the log', async () => {
    const { dataDir, head, before, alice } = await withHistory();
    expect(snapshotRow(dataDir)).toMatchObject({ position: head });

    const again = await startApp({}, dataDir);
    expect(live(again)).toEqual(before);
    expect(live(again)).toEqual(await rebuilt(again));
    const back = await again.connect({ token: alice.session.token });
    await expect(back.ask('message', { room: 'General', msg: 'after', clientId: 'c0' })).resolves.toMatchObject({
      message: { seq: 1, msg: 'hello 0' },
    });
    await expect(back.ask('message', { room: 'General', msg: 'after' })).resolves.toMatchObject({ message: { seq: 31 } });
    expect(live(again)).toEqual(await rebuilt(again));
  });

  it('starts from a snapshot with rooms people created, their moderation and replies as a fold of the log gives them', async () => {
    const dataDir = tempDataDir();
    const server = await startApp({ HISTORY_WINDOW: '3' }, dataDir);
    const owner = await withAccount(server, 'olga');
    const guest = await server.connect();
    await owner.socket.ask('create_room', { name: 'Saved room', visibility: 'private', topic: 'kept' });
    const { invite } = await owner.socket.ask<{ invite: { code: string } }>('create_invite', { room: 'Saved room' });
    await owner.socket.ask('join', { room: 'Saved room' });
    await guest.ask('join', { room: 'Saved room', invite: invite.code });
    const first = await owner.socket.ask<{ message: { id: string } }>('message', { room: 'Saved room', msg: 'first' });
    await guest.ask('message', { room: 'Saved room', msg: 'a reply', replyTo: first.message.id });
    await owner.socket.ask('remove_message', { room: 'Saved room', messageId: first.message.id });
    await owner.socket.ask('kick', { room: 'Saved room', user: guest.username });
    const before = live(server);
    await server.close();

    const again = await startApp({ HISTORY_WINDOW: '3' }, dataDir);
    expect(live(again)).toEqual(before);
    expect(live(again)).toEqual(await rebuilt(again));
    const rooms = again.app.get(RoomsReadModel).list(undefined);
    expect(rooms.map((room) => room.name)).not.toContain('Saved room');
    expect(again.app.get(RoomsReadModel).info('Saved room')).toMatchObject({ visibility: 'private', topic: 'kept', owner: 'olga' });
  });

  it('really starts from what was saved: a snapshot that disagrees with the log shows', async () => {
    const { dataDir } = await withHistory();
    // Rewrite the saved General room without its members, with a checksum that matches, as the store would.
    writeRow(dataDir, (row) => {
      const state = decodeState(row.data) as { rooms: { rooms: { name: string; members: Map<string, string> }[] } };
      state.rooms.rooms.find((room) => room.name === 'General')!.members.clear();
      const data = encodeState(state);
      return { ...row, data, checksum: snapshotChecksum(row.schema, row.position, data) };
    });
    const again = await startApp({}, dataDir);
    expect(again.app.get(RoomsReadModel).members('General')).toEqual([]);
    expect(live(again)).not.toEqual(await rebuilt(again));

    // REBUILD ignores it and folds the whole log.
    await again.close();
    const rebuiltFromZero = await startApp({ REBUILD: 'true' }, dataDir);
    expect(rebuiltFromZero.app.get(RoomsReadModel).members('General')).toHaveLength(1);
    expect(live(rebuiltFromZero)).toEqual(await rebuilt(rebuiltFromZero));
  });

  it('rebuilds and saves the read models from the whole log with `npm run rebuild` (dist/rebuild.js)', async () => {
    const { dataDir, head, before } = await withHistory();
    writeRow(dataDir, (row) => ({ ...row, position: 1 }));
    await promisify(execFile)(process.execPath, [join(__dirname, '..', '..', 'dist', 'rebuild.js')], {
      env: { ...process.env, DATA_DIR: dataDir, SECRET_KEY: TEST_SECRET, LOG_LEVEL: 'silent' },
    });
    const saved = snapshotRow(dataDir)!;
    expect(saved.position).toBe(head);
    const again = await startApp({}, dataDir);
    expect(live(again)).toEqual(before);
  }, 30_000);

  it.each([
    ['damaged', (row: SavedRow) => ({ ...row, data: row.data.slice(0, row.data.length / 2) })],
    ['of another version', (row: SavedRow) => ({ ...row, schema: row.schema.replace('read-models/', 'read-models/0') })],
  ])('ignores a snapshot that is %s and rebuilds from the log, then saves a good one', async (_what, spoil) => {
    const { dataDir, head, before } = await withHistory();
    writeRow(dataDir, spoil);
    const again = await startApp({}, dataDir);
    expect(live(again)).toEqual(before);
    expect(live(again)).toEqual(await rebuilt(again));
    await again.close();
    const saved = snapshotRow(dataDir)!;
    expect(saved.position).toBe(head);
    expect(decodeState(saved.data)).toBeDefined();
  });

  it('rebuilds when a setting that shapes the models changed since the snapshot', async () => {
    const { dataDir } = await withHistory();
    const again = await startApp({ HISTORY_WINDOW: '10' }, dataDir);
    expect(again.app.get(RoomsReadModel).windowRange('General', 1, 100)).toHaveLength(10);
    expect(live(again)).toEqual(await rebuilt(again));
  });

  it('saves every SNAPSHOT_EVERY events while running', async () => {
    const dataDir = tempDataDir();
    const server = await startApp({ SNAPSHOT_EVERY: '10' }, dataDir);
    expect(await server.store.readSnapshot('read-models')).toBeUndefined();
    const alice = await server.connect();
    await alice.ask('join', { room: 'General' });
    for (let i = 0; i < 25; i++) await alice.ask('message', { room: 'General', msg: `m${i}` });
    // The saves run in the background, one every ten events: the newest is at most ten behind.
    const head = await server.store.headPosition();
    await eventually(async () => ((await server.store.readSnapshot('read-models'))?.position ?? 0) > head - 10);
  });

  describe('of a long stream', () => {
    const streamSnapshot = (dataDir: string) => {
      const db = new Database(join(dataDir, 'events.sqlite'));
      return {
        row: () =>
          db.prepare("SELECT schema, position, data FROM snapshots WHERE name = 'stream:room-General'").get() as SavedRow | undefined,
        rewrite: (row: SavedRow) =>
          db.prepare("UPDATE snapshots SET data = ?, checksum = ? WHERE name = 'stream:room-General'").run(row.data, row.checksum),
        close: () => db.close(),
      };
    };

    const busyRoom = async () => {
      const dataDir = tempDataDir();
      const server = await startApp({}, dataDir);
      const alice = await server.connect();
      await alice.ask('join', { room: 'General' });
      await Promise.all(
        Array.from({ length: STREAM_SNAPSHOT_EVERY + 10 }, (_, i) => alice.ask('message', { room: 'General', msg: `m${i}` })),
      );
      await server.close();
      return { dataDir, alice };
    };

    it("loads a room's state from its snapshot and the events after it", async () => {
      const { dataDir, alice } = await busyRoom();
      const saved = streamSnapshot(dataDir);
      const row = saved.row()!;
      expect(row.position).toBeGreaterThanOrEqual(STREAM_SNAPSHOT_EVERY);
      // A snapshot that has forgotten alice joined: if she is refused, it was loaded.
      const state = decodeState(row.data) as { state: { members: Map<string, string> } };
      state.state.members.clear();
      const data = encodeState(state);
      saved.rewrite({ ...row, data, checksum: snapshotChecksum(row.schema, row.position, data) });
      saved.close();
      const again = await startApp({}, dataDir);
      const back = await again.connect({ token: alice.session.token });
      await expect(back.ask('message', { room: 'General', msg: 'next' })).resolves.toMatchObject({
        ok: false,
        error: { code: 'not_a_member' },
      });
    });

    it('folds the stream from its start when its snapshot is damaged', async () => {
      const { dataDir, alice } = await busyRoom();
      const saved = streamSnapshot(dataDir);
      const row = saved.row()!;
      saved.rewrite({ ...row, data: row.data.replace('"lastSeq":', '"lastSeq":1'), checksum: 'not it' });
      saved.close();
      const again = await startApp({}, dataDir);
      const back = await again.connect({ token: alice.session.token });
      await expect(back.ask('message', { room: 'General', msg: 'next' })).resolves.toMatchObject({
        message: { seq: STREAM_SNAPSHOT_EVERY + 11 },
      });
    });
  });
});
