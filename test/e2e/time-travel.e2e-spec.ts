import { asGuest, withAccount, type Member } from '../support/community';
import { RoomMirror, type MirroredMessage } from '../support/room-mirror';
import { startApp, type TestApp } from '../support/test-app';

/**
 * A room's past, folded from its log: `GET /api/rooms/:room/state?at=` answers what a member saw at
 * that moment (who was in, in what role, the last messages as they stood), however the room changed
 * since: later edits, removals and bans do not show.
 */
jest.setTimeout(30_000);

const ROOM = 'Time travel';
type Moment = {
  at: { cursor: number; seq: number; time?: string };
  members: { user: string; role: string }[];
  roles: { user: string; role: string }[];
  bans: { user: string; until?: string }[];
  messages: (MirroredMessage & { authorId: string })[];
};

/** What a message looks like to compare: a client's mirror and a moment agree on these. */
const shown = ({ id, seq, msg, username, editedAt, deleted, reactions, removed }: MirroredMessage & { removed?: unknown }) => ({
  id,
  seq,
  msg,
  username,
  ...(editedAt !== undefined ? { editedAt } : {}),
  ...(deleted === true ? { deleted } : {}),
  ...(reactions !== undefined ? { reactions } : {}),
  ...(removed !== undefined ? { removed } : {}),
});

/** Who is in the room, and in what role, as a watcher learns it from the pushes alone. */
class MemberWatch {
  readonly members = new Set<string>();
  readonly roles = new Map<string, string>();

  constructor(watcher: Member) {
    watcher.socket.raw.on('status', (status: { room: string; type: string; username: string }) => {
      if (status.room !== ROOM) return;
      if (status.type === 'join') this.members.add(status.username);
      else this.members.delete(status.username);
    });
    watcher.socket.raw.on('moderation', (event: { room: string; action: string; user: string; role: string }) => {
      if (event.room === ROOM && event.action === 'set_role') this.roles.set(event.user, event.role);
    });
  }

  seen(): { user: string; role: string }[] {
    return [...this.members].map((user) => ({ user, role: this.roles.get(user) ?? 'member' })).sort((a, b) => a.user.localeCompare(b.user));
  }
}

describe('a room at a moment', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await server.close();
  });

  it('is what a member saw then, whatever was edited, removed or banned since', async () => {
    const [owner, moe, max] = (await Promise.all(['olga', 'moe', 'max'].map((name) => withAccount(server, name)))) as [
      Member,
      Member,
      Member,
    ];
    await owner.socket.ask('create_room', { name: ROOM, visibility: 'public' });
    const watcher = await asGuest(server);
    const watch = new MemberWatch(watcher);
    // The owner, as the room list tells everyone.
    const { owner: ownerName } = (
      await server
        .http()
        .get(`/api/rooms/${encodeURIComponent(ROOM)}`)
        .expect(200)
    ).body as { owner: string };
    watch.roles.set(ownerName, 'owner');
    const mirror = await RoomMirror.joined(watcher.socket, ROOM);
    for (const who of [owner, moe, max]) await who.socket.ask('join', { room: ROOM });
    await owner.socket.ask('set_role', { room: ROOM, user: 'moe', role: 'moderator' });

    const say = async (who: Member, msg: string): Promise<{ id: string; seq: number }> => {
      const { message } = await who.socket.ask<{ message: { id: string; seq: number; cursor: number } }>('message', { room: ROOM, msg });
      return message;
    };
    const first = await say(max, 'first');
    const second = await say(moe, 'second');
    await owner.socket.ask('react', { room: ROOM, messageId: first.id, emoji: '👍' });
    await max.socket.ask('edit_message', { room: ROOM, messageId: first.id, msg: 'first, edited' });
    const third = await say(max, 'third');
    const last = await say(owner, 'fourth');
    // The moment: just after the fourth message, as the watcher saw it.
    const headCursor = (await server.store.readStream(`room-${ROOM}`)).length;
    await mirror.reached(headCursor);
    const members = watch.seen();
    const messages = mirror.list().map(shown);
    const then = Date.now();
    while (Date.now() <= then + 1) await new Promise((resolve) => setImmediate(resolve));

    await max.socket.ask('edit_message', { room: ROOM, messageId: first.id, msg: 'rewritten later' });
    await moe.socket.ask('remove_message', { room: ROOM, messageId: third.id, reason: 'later' });
    await owner.socket.ask('react', { room: ROOM, messageId: second.id, emoji: '🎉' });
    await moe.socket.ask('ban', { room: ROOM, user: 'max', reason: 'later still' });
    await owner.socket.ask('set_role', { room: ROOM, user: 'moe', role: 'member' });
    await say(owner, 'after the moment');

    const room = encodeURIComponent(ROOM);
    const bySeq = (await server.http().get(`/api/rooms/${room}/state?at=${last.seq}`).set('Cookie', owner.cookie).expect(200))
      .body as Moment;
    expect(bySeq.at).toMatchObject({ cursor: headCursor, seq: last.seq });
    expect(bySeq.members.sort((a, b) => a.user.localeCompare(b.user))).toEqual(members);
    expect(bySeq.messages.map(shown)).toEqual(messages);
    expect(bySeq.bans).toEqual([]);
    expect(bySeq.roles).toEqual(
      expect.arrayContaining([
        { user: 'olga', role: 'owner' },
        { user: 'moe', role: 'moderator' },
      ]),
    );
    expect(JSON.stringify(bySeq)).not.toContain('rewritten later');

    const byTime = (
      await server
        .http()
        .get(`/api/rooms/${room}/state?at=${new Date(then).toISOString()}`)
        .set('Cookie', owner.cookie)
        .expect(200)
    ).body as Moment;
    expect(byTime.at.cursor).toBe(headCursor);
    expect(byTime.members.sort((a, b) => a.user.localeCompare(b.user))).toEqual(members);
    expect(byTime.messages.map(shown)).toEqual(messages);

    // Now: the later changes show, and the ban.
    const now = (await server.http().get(`/api/rooms/${room}/state`).set('Cookie', owner.cookie).expect(200)).body as Moment;
    expect(now.bans).toEqual([{ user: 'max' }]);
    expect(now.members.map((m) => m.user)).not.toContain('max');
    expect(now.messages.find((m) => m.id === third.id)).toMatchObject({ deleted: true, removed: { by: 'moe', reason: 'later' } });
    expect(now.messages.find((m) => m.id === first.id)?.msg).toBe('rewritten later');

    // Before the room began, and a seq it never reached.
    const before = (await server.http().get(`/api/rooms/${room}/state?at=2001-01-01T00:00:00Z`).set('Cookie', owner.cookie).expect(200))
      .body;
    expect(before).toMatchObject({ at: { cursor: 0, seq: 0 }, members: [], messages: [] });
    await server.http().get(`/api/rooms/${room}/state?at=999`).set('Cookie', owner.cookie).expect(404);
    await server.http().get(`/api/rooms/${room}/state?at=yesterday`).set('Cookie', owner.cookie).expect(400);
  });
});
