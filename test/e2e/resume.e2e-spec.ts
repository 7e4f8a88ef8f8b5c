import { RoomMirror, type MirroredMessage } from '../support/room-mirror';
import type { TestSocket } from '../support/socket';
import { appsClosedAfterEach, startApp, type TestApp } from '../support/test-app';

/**
 * Resume: every change a member can see has a place in its room's order, the room's `cursor`, and
 * `join {room, cursor}` answers everything after it (`changes`): new messages, edits, deletes and
 * reactions, in order, each once. A client that comes back ends with the state of one that never left.
 */

type Sent = { ok: true; message: MirroredMessage };

const send = async (socket: TestSocket, room: string, msg: string): Promise<MirroredMessage> =>
  (await socket.ask<Sent>('message', { room, msg })).message;

/** A client in `room` that mirrors it from its first `history` page on. */
const watcher = async (server: TestApp, room: string): Promise<{ socket: TestSocket; mirror: RoomMirror }> => {
  const socket = await server.connect();
  return { socket, mirror: await RoomMirror.joined(socket, room) };
};

/** What the room's log folds to: the REST history, every message. */
const logged = async (server: TestApp, room: string): Promise<MirroredMessage[]> =>
  (
    await server
      .http()
      .get(`/api/rooms/${encodeURIComponent(room)}/messages?limit=100`)
      .expect(200)
  ).body.messages.reverse();

const cursorOf = async (server: TestApp, room: string): Promise<number> => {
  const events = await server.store.readStream(`room-${room}`);
  return events[events.length - 1]?.version ?? 0;
};

describe('resume with a cursor', () => {
  let server: TestApp;

  beforeAll(async () => {
    // A client that comes back within the presence grace period is one that never left its rooms; the
    // specs' usual 150 ms can pass while the others act on a busy machine, and the room then records
    // the absent client leaving (a change after the head these specs measure).
    server = await startApp({ PRESENCE_GRACE_MS: '60000' });
  });

  afterAll(async () => {
    await server.close();
  });

  it('brings back exactly the state of a client that never left: new messages, edits, deletes and reactions, each once', async () => {
    const room = 'The Nerd Nook';
    const alice = await server.connect();
    await alice.ask('join', { room });
    const early: MirroredMessage[] = [];
    for (let i = 0; i < 6; i++) early.push(await send(alice, room, `early ${i}`));
    await alice.ask('react', { room, messageId: early[0]!.id, emoji: '👍' });

    const stayed = await watcher(server, room);
    const left = await watcher(server, room);
    await left.mirror.reached(stayed.mirror.cursor);
    const token = left.socket.session.token;
    const leftAt = left.mirror.cursor;
    left.socket.close();

    // While away: new messages, edits of old and new ones, a delete, reactions added and taken back.
    const late = [await send(alice, room, 'late 0'), await send(alice, room, 'late 1')];
    await alice.ask('edit_message', { room, messageId: early[1]!.id, msg: 'early 1, edited' });
    await alice.ask('edit_message', { room, messageId: late[0]!.id, msg: 'late 0, edited' });
    await alice.ask('delete_message', { room, messageId: early[2]!.id });
    await alice.ask('react', { room, messageId: early[3]!.id, emoji: '🎉' });
    await alice.ask('react', { room, messageId: early[0]!.id, emoji: '👍' }); // taken back
    await alice.ask('react', { room, messageId: late[1]!.id, emoji: '❤️' });
    await alice.ask('edit_message', { room, messageId: early[1]!.id, msg: 'early 1, edited twice' });
    const head = await cursorOf(server, room);
    await stayed.mirror.reached(head);

    const back = await server.connect({ token });
    expect(back.session.resumed).toBe(true);
    const mirror = left.mirror;
    mirror.follow(back);
    const pages = await mirror.resume(back);

    const changes = pages.flatMap((page) => page.changes);
    expect(changes.map((change) => change.event)).toEqual([
      'message',
      'message',
      'message_edited',
      'message_edited',
      'message_deleted',
      'reaction',
      'reaction',
      'reaction',
      'message_edited',
    ]);
    const cursors = changes.map((change) => change.data.cursor);
    expect(cursors.every((cursor, i) => cursor > (i === 0 ? leftAt : cursors[i - 1]!))).toBe(true);
    expect(pages[pages.length - 1]!.cursor).toBe(head);
    // Each change once: the mirror applied exactly these, in order.
    expect(mirror.applied.filter((cursor) => cursor > leftAt)).toEqual(cursors);
    expect(mirror.list()).toEqual(stayed.mirror.list());
    expect(mirror.list()).toEqual(await logged(server, room));
    expect(mirror.list().find((m) => m.id === early[2]!.id)).toMatchObject({ deleted: true, msg: '' });
    expect(mirror.list().find((m) => m.id === early[0]!.id)?.reactions).toBeUndefined();

    // Live again: the next message arrives once, with the next cursor.
    const after = await send(alice, room, 'after the return');
    await back.next('message', (m) => m.id === after.id);
    expect(mirror.cursor).toBe(await cursorOf(server, room));
    expect(mirror.list()).toEqual(await logged(server, room));
  });

  it('carries the cursor on every push and on the history page', async () => {
    const room = 'Code with Josh';
    const { socket, mirror } = await watcher(server, room);
    expect(mirror.cursor).toBe(await cursorOf(server, room));
    const alice = await server.connect();
    await alice.ask('join', { room });
    const sent = await send(alice, room, 'counted');
    await expect(socket.next('message', (m) => m.id === sent.id)).resolves.toMatchObject({ cursor: await cursorOf(server, room) });
    await alice.ask('react', { room, messageId: sent.id, emoji: '👀' });
    await expect(socket.next('reaction')).resolves.toMatchObject({ id: sent.id, cursor: await cursorOf(server, room) });
  });

  it('answers a cursor at or beyond the head with no changes and the head', async () => {
    const room = 'General';
    const alice = await server.connect();
    await alice.ask('join', { room });
    await send(alice, room, 'one');
    const head = await cursorOf(server, room);
    for (const cursor of [head, head + 1000]) {
      const page = new Promise((resolve) => alice.raw.once('changes', resolve));
      await expect(alice.ask('join', { room, cursor })).resolves.toMatchObject({ ok: true });
      await expect(page).resolves.toEqual({ room, changes: [], cursor: head, hasMore: false });
    }
  });

  it('refuses a cursor that is not a whole number from 0 up', async () => {
    const alice = await server.connect();
    for (const cursor of [-1, 1.5, '3', 2 ** 53]) {
      await expect(alice.ask('join', { room: 'General', cursor })).resolves.toEqual({
        ok: false,
        error: { code: 'invalid_payload', message: expect.stringContaining('cursor') },
      });
    }
  });

  it('comes in pages when much has changed, and each change still once', async () => {
    const room = 'Zero to Knowing';
    const alice = await server.connect();
    const away = await watcher(server, room);
    const from = away.mirror.cursor;
    away.socket.close();
    await alice.ask('join', { room });
    const sent: MirroredMessage[] = [];
    for (let i = 0; i < 260; i++) sent.push(await send(alice, room, `bulk ${i}`));
    for (const message of sent.slice(0, 260)) await alice.ask('react', { room, messageId: message.id, emoji: '✅' });

    const back = await server.connect({ token: away.socket.session.token });
    away.mirror.follow(back);
    const pages = await away.mirror.resume(back);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.slice(0, -1).every((page) => page.hasMore)).toBe(true);
    const cursors = pages.flatMap((page) => page.changes.map((change) => change.data.cursor));
    expect(new Set(cursors).size).toBe(cursors.length);
    expect(cursors.length).toBe(away.mirror.applied.filter((cursor) => cursor > from).length);
    const stored = (await server.store.readStream(`room-${room}`, from + 1)).filter(
      (e) => e.type !== 'MemberJoined' && e.type !== 'MemberLeft',
    );
    expect(cursors).toEqual(stored.map((e) => e.version));
    expect(away.mirror.list().filter((m) => m.msg.startsWith('bulk'))).toHaveLength(260);
    expect(away.mirror.list().every((m) => !m.msg.startsWith('bulk') || m.reactions?.['✅']?.length === 1)).toBe(true);
  });
});

describe('resume across a restart', () => {
  const start = appsClosedAfterEach();

  it('answers the changes made before the restart from the stored log', async () => {
    const room = 'General';
    const first = await start();
    const alice = await first.connect();
    await alice.ask('join', { room });
    const kept = await send(alice, room, 'before');
    const away = await watcher(first, room);
    const token = away.socket.session.token;
    away.socket.close();
    await alice.ask('edit_message', { room, messageId: kept.id, msg: 'before, edited' });
    const fresh = await send(alice, room, 'while away');
    await first.close();

    const second = await start({}, first.dataDir);
    const back = await second.connect({ token });
    away.mirror.follow(back);
    const pages = await away.mirror.resume(back);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.changes.map((change) => [change.event, change.data.id])).toEqual([
      ['message_edited', kept.id],
      ['message', fresh.id],
    ]);
    expect(away.mirror.list()).toEqual(await logged(second, room));
  });
});
