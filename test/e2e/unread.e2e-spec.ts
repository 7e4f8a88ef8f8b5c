import type { TestSocket } from '../support/socket';
import { appsClosedAfterEach, guestCookie, startApp, type TestApp } from '../support/test-app';

/**
 * Unread counts from the log: `read {room, seq}` moves the user's read marker (an event in their
 * session's stream), every tab of the user gets `unread {room, count, readSeq}`, and
 * `GET /api/unread` serves the counts: messages by others after the marker, deleted ones excluded.
 */

type Message = { id: string; seq: number };
type Unread = { room: string; count: number; mentions: number; readSeq: number };

const user = async (server: TestApp): Promise<{ socket: TestSocket; cookie: string }> => {
  const cookie = await guestCookie(server);
  return { socket: await server.connect({ cookie }), cookie };
};

const say = async (socket: TestSocket, room: string, msg: string): Promise<Message> =>
  (await socket.ask<{ message: Message }>('message', { room, msg })).message;

const unreadOf = async (server: TestApp, cookie: string): Promise<Unread[]> =>
  (await server.http().get('/api/unread').set('Cookie', cookie).expect(200)).body.rooms;

describe('unread counts', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await server.close();
  });

  it('counts what others said after the marker, not one’s own nor deleted messages; a join starts the marker at the newest', async () => {
    const room = 'Code with Josh';
    const alice = await user(server);
    const bob = await user(server);
    await bob.socket.ask('join', { room });
    const before = await say(bob.socket, room, 'said before alice came');
    await alice.socket.ask('join', { room });
    expect(await unreadOf(server, alice.cookie)).toContainEqual({ room, count: 0, mentions: 0, readSeq: before.seq });

    const one = await say(bob.socket, room, 'one');
    const two = await say(bob.socket, room, 'two');
    await say(alice.socket, room, 'mine does not count');
    const three = await say(bob.socket, room, 'three');
    await bob.socket.ask('delete_message', { room, messageId: two.id });
    expect(await unreadOf(server, alice.cookie)).toContainEqual({ room, count: 2, mentions: 0, readSeq: before.seq });

    // Reading up to `one` leaves `three` (two is deleted, and her own does not count).
    await expect(alice.socket.ask('read', { room, seq: one.seq })).resolves.toEqual({ ok: true, room, readSeq: one.seq, changed: true });
    expect(await unreadOf(server, alice.cookie)).toContainEqual({ room, count: 1, mentions: 0, readSeq: one.seq });
    await alice.socket.ask('read', { room, seq: three.seq });
    expect(await unreadOf(server, alice.cookie)).toContainEqual({ room, count: 0, mentions: 0, readSeq: three.seq });
  });

  it('tells every tab of the user, and survives a reload', async () => {
    const room = 'The Nerd Nook';
    const alice = await user(server);
    const tab = await server.connect({ cookie: alice.cookie });
    const bob = await user(server);
    await alice.socket.ask('join', { room });
    await bob.socket.ask('join', { room });
    await say(bob.socket, room, 'a');
    const b = await say(bob.socket, room, 'b');
    await say(bob.socket, room, 'c');
    await alice.socket.ask('read', { room, seq: b.seq });
    for (const socket of [alice.socket, tab]) {
      await expect(socket.next<Unread>('unread', (u) => u.room === room)).resolves.toEqual({ room, count: 1, mentions: 0, readSeq: b.seq });
    }
    expect(bob.socket.received('unread')).toEqual([]);
    const reloaded = await server.connect({ cookie: alice.cookie });
    expect(reloaded.session.resumed).toBe(true);
    expect(await unreadOf(server, alice.cookie)).toContainEqual({ room, count: 1, mentions: 0, readSeq: b.seq });
  });

  it('keeps the marker of a user who went offline (and so out of the room): what was said meanwhile is unread on return', async () => {
    const room = 'Zero to Knowing';
    const alice = await user(server);
    const bob = await user(server);
    await alice.socket.ask('join', { room });
    await bob.socket.ask('join', { room });
    const seen = await say(bob.socket, room, 'seen before going');
    await alice.socket.ask('read', { room, seq: seen.seq });
    alice.socket.close();
    await bob.socket.next('status', (s: { msg: string; type: string }) => s.type === 'leave' && s.msg.startsWith(alice.socket.username));
    await say(bob.socket, room, 'said while she was away');
    await say(bob.socket, room, 'and more');

    const back = await server.connect({ cookie: alice.cookie });
    await back.ask('join', { room });
    expect(await unreadOf(server, alice.cookie)).toContainEqual({ room, count: 2, mentions: 0, readSeq: seen.seq });
  });

  it('changes nothing for a seq beyond the newest or at or below the marker, and says so', async () => {
    const room = 'General';
    const alice = await user(server);
    const bob = await user(server);
    await alice.socket.ask('join', { room });
    await bob.socket.ask('join', { room });
    const first = await say(bob.socket, room, 'first');
    const second = await say(bob.socket, room, 'second');
    await alice.socket.ask('read', { room, seq: second.seq });
    await expect(alice.socket.ask('read', { room, seq: second.seq + 5 })).resolves.toEqual({
      ok: true,
      room,
      readSeq: second.seq,
      changed: false,
      reason: 'beyond_newest',
    });
    await expect(alice.socket.ask('read', { room, seq: first.seq })).resolves.toEqual({
      ok: true,
      room,
      readSeq: second.seq,
      changed: false,
      reason: 'not_newer',
    });
    expect(await unreadOf(server, alice.cookie)).toContainEqual({ room, count: 0, mentions: 0, readSeq: second.seq });
  });

  it('refuses a room one is not in, an unknown room and a malformed seq, with a code', async () => {
    const alice = await user(server);
    await expect(alice.socket.ask('read', { room: 'Zero to Knowing', seq: 1 })).resolves.toMatchObject({
      ok: false,
      error: { code: 'not_a_member' },
    });
    await expect(alice.socket.ask('read', { room: 'Nowhere', seq: 1 })).resolves.toMatchObject({
      ok: false,
      error: { code: 'unknown_room' },
    });
    for (const seq of [-1, 0.5, 'x']) {
      await expect(alice.socket.ask('read', { room: 'General', seq })).resolves.toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
    }
  });

  it('answers GET /api/unread without a session with 401 and writes nothing', async () => {
    const before = (await server.store.readAll(0, 1_000_000)).length;
    const response = await server.http().get('/api/unread').expect(401);
    expect(response.body).toMatchObject({ error: { code: 'session_required' } });
    expect((await server.store.readAll(0, 1_000_000)).length).toBe(before);
  });
});

describe('unread counts beyond the history window', () => {
  const start = appsClosedAfterEach();

  it('are exact however far back the marker is, and hold after a restart', async () => {
    const room = 'General';
    const first = await start({ HISTORY_WINDOW: '5' });
    const alice = await user(first);
    const bob = await user(first);
    await alice.socket.ask('join', { room });
    await bob.socket.ask('join', { room });
    const sent: Message[] = [];
    // m5 and m20 mention her; m12 does too, but is deleted.
    const text = (i: number): string => ([5, 12, 20].includes(i) ? `@${alice.socket.username} m${i}` : `m${i}`);
    for (let i = 0; i < 30; i++) sent.push(await say(bob.socket, room, text(i)));
    await say(alice.socket, room, 'one of hers, in the middle');
    for (let i = 30; i < 40; i++) sent.push(await say(bob.socket, room, `m${i}`));
    for (const i of [3, 12, 38]) await bob.socket.ask('delete_message', { room, messageId: sent[i]!.id });
    await alice.socket.ask('read', { room, seq: sent[1]!.seq });
    // After m1: m2…m39 is 38 messages by bob, 3 of them deleted (m3, m12, m38).
    expect(await unreadOf(first, alice.cookie)).toContainEqual({ room, count: 35, mentions: 2, readSeq: sent[1]!.seq });
    await first.close();

    const second = await start({ HISTORY_WINDOW: '5' }, first.dataDir);
    expect(await unreadOf(second, alice.cookie)).toContainEqual({ room, count: 35, mentions: 2, readSeq: sent[1]!.seq });
  });
});
