import { asGuest, outcome, withAccount, type Ack, type Member } from '../support/community';
import { startApp, type TestApp } from '../support/test-app';

/**
 * Roles and moderation: owners give roles, moderators kick, ban, mute, remove messages and slow the
 * room down, admins (`ADMIN_USERS`) stand above every owner; each act is a decision of the room, an
 * event in its log, a line members see, and an entry in the audit.
 */
jest.setTimeout(30_000);

type Status = { msg: string; type: string; room: string; username: string; by?: string; reason?: string };
type Entry = { action: string; by: string; user?: string; reason?: string; until?: string; messageId?: string; cursor: number };
type Sent = { id: string; seq: number; msg: string; deleted?: true; removed?: { by: string; reason?: string } };

const ROOM = 'Town hall';

describe('moderation', () => {
  let server: TestApp;
  let owner: Member;
  let mod: Member;
  let member: Member;
  let admin: Member;

  beforeAll(async () => {
    server = await startApp({ ADMIN_USERS: 'ada' });
    [owner, mod, member, admin] = (await Promise.all(['olga', 'moe', 'max', 'ada'].map((name) => withAccount(server, name)))) as [
      Member,
      Member,
      Member,
      Member,
    ];
    await owner.socket.ask('create_room', { name: ROOM, visibility: 'public' });
    for (const who of [owner, mod, member]) await who.socket.ask('join', { room: ROOM });
    await expect(owner.socket.ask('set_role', { room: ROOM, user: 'moe', role: 'moderator' })).resolves.toMatchObject({
      ok: true,
      changed: true,
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('refuses a member who is not a moderator every moderation event and route', async () => {
    const sent = (await owner.socket.ask<{ message: Sent }>('message', { room: ROOM, msg: 'agenda' })).message;
    const attempts: [string, Record<string, unknown>][] = [
      ['kick', { room: ROOM, user: 'moe' }],
      ['ban', { room: ROOM, user: 'moe' }],
      ['unban', { room: ROOM, user: 'moe' }],
      ['mute', { room: ROOM, user: 'moe' }],
      ['unmute', { room: ROOM, user: 'moe' }],
      ['remove_message', { room: ROOM, messageId: sent.id }],
      ['slow_mode', { room: ROOM, seconds: 5 }],
      ['set_role', { room: ROOM, user: 'max', role: 'moderator' }],
      ['set_topic', { room: ROOM, topic: 'mine' }],
      ['archive_room', { room: ROOM }],
      ['create_invite', { room: ROOM }],
    ];
    for (const [event, payload] of attempts) expect([event, await outcome(member.socket, event, payload)]).toEqual([event, 'forbidden']);
    const room = encodeURIComponent(ROOM);
    for (const route of [`/api/rooms/${room}/audit`, `/api/rooms/${room}/state`, `/api/rooms/${room}/state?at=1`]) {
      const answer = await server.http().get(route).set('Cookie', member.cookie).expect(403);
      expect(answer.body).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
      await server.http().get(route).expect(401);
    }
    const types = (await server.store.readStream(`room-${ROOM}`)).map((event) => event.type);
    expect(types.filter((type) => !['MemberJoined', 'MessageSent', 'RoomCreated', 'RoleSet'].includes(type))).toEqual([]);
  });

  it('refuses acting on an owner or admin from below, and on an equal', async () => {
    expect(await outcome(mod.socket, 'kick', { room: ROOM, user: 'olga' })).toBe('forbidden');
    expect(await outcome(mod.socket, 'ban', { room: ROOM, user: 'ada' })).toBe('forbidden');
    expect(await outcome(owner.socket, 'mute', { room: ROOM, user: 'ada' })).toBe('forbidden');
    expect(await outcome(owner.socket, 'set_role', { room: ROOM, user: 'max', role: 'owner' })).toBe('forbidden');
    const said = (await owner.socket.ask<{ message: Sent }>('message', { room: ROOM, msg: 'mine' })).message;
    expect(await outcome(mod.socket, 'remove_message', { room: ROOM, messageId: said.id })).toBe('forbidden');
    expect(await outcome(mod.socket, 'kick', { room: ROOM, user: 'nobody-at-all' })).toBe('user_not_found');
    expect(await outcome(mod.socket, 'remove_message', { room: ROOM, messageId: 'no-such' })).toBe('message_not_found');
    expect(await outcome(mod.socket, 'kick', { room: 'Atlantis', user: 'max' })).toBe('unknown_room');
    // An admin stands above the owner, in any room.
    await admin.socket.ask('join', { room: ROOM });
    await expect(admin.socket.ask('mute', { room: ROOM, user: 'olga' })).resolves.toMatchObject({ ok: true, changed: true });
    await expect(admin.socket.ask('unmute', { room: ROOM, user: 'olga' })).resolves.toMatchObject({ ok: true, changed: true });
  });

  it('kicks a member, who every member is told about and who may come back', async () => {
    const seen = owner.socket.next<Status>('status', (status) => status.type === 'kick');
    const told = member.socket.next<{ room: string; joined: boolean; reason: string }>('membership', (m) => !m.joined);
    await expect(mod.socket.ask('kick', { room: ROOM, user: 'max', reason: 'cool off' })).resolves.toMatchObject({
      ok: true,
      changed: true,
    });
    expect(await seen).toMatchObject({
      type: 'kick',
      room: ROOM,
      username: 'max',
      by: 'moe',
      reason: 'cool off',
      msg: 'max was removed from the room by moe: cool off',
    });
    expect(await told).toMatchObject({ room: ROOM, joined: false, reason: 'kicked', moderation: { by: 'moe', reason: 'cool off' } });
    expect(await outcome(member.socket, 'message', { room: ROOM, msg: 'hey' })).toBe('not_a_member');
    await expect(member.socket.ask('join', { room: ROOM })).resolves.toMatchObject({ ok: true, joined: true });
  });

  it('bans a member, who then cannot join, read history over REST, or resume', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const seen = owner.socket.next<Status>('status', (status) => status.type === 'ban');
    await expect(mod.socket.ask('ban', { room: ROOM, user: 'max', until, reason: 'spam' })).resolves.toMatchObject({ ok: true });
    expect(await seen).toMatchObject({ type: 'ban', username: 'max', by: 'moe', reason: 'spam', until });
    const refused = await member.socket.ask<Ack>('join', { room: ROOM });
    expect(refused).toMatchObject({ ok: false, error: { code: 'banned', until } });
    expect(await outcome(member.socket, 'join', { room: ROOM, since: 0 })).toBe('banned');
    expect(await outcome(member.socket, 'join', { room: ROOM, cursor: 0 })).toBe('banned');
    const room = encodeURIComponent(ROOM);
    const rest = await server.http().get(`/api/rooms/${room}/messages`).set('Cookie', member.cookie).expect(403);
    expect(rest.body.error.code).toBe('banned');
    await server.http().get(`/api/rooms/${room}`).set('Cookie', member.cookie).expect(403);
    expect(await outcome(mod.socket, 'ban', { room: ROOM, user: 'max', until: '2001-01-01T00:00:00Z' })).toBe('invalid_payload');
    await expect(mod.socket.ask('unban', { room: ROOM, user: 'max' })).resolves.toMatchObject({ ok: true, changed: true });
    await expect(member.socket.ask('join', { room: ROOM })).resolves.toMatchObject({ ok: true });
  });

  it('mutes a member, and holds members to slow mode, telling them when to try again', async () => {
    const before = (await member.socket.ask<{ message: Sent }>('message', { room: ROOM, msg: 'before the mute' })).message;
    await mod.socket.ask('mute', { room: ROOM, user: 'max' });
    expect(await outcome(member.socket, 'message', { room: ROOM, msg: 'can you hear me' })).toBe('muted');
    expect(await outcome(member.socket, 'edit_message', { room: ROOM, messageId: before.id, msg: 'edited while muted' })).toBe('muted');
    expect(await outcome(member.socket, 'react', { room: ROOM, messageId: before.id, emoji: '👍' })).toBe('muted');
    await mod.socket.ask('unmute', { room: ROOM, user: 'max' });
    const told = member.socket.next<{ action: string; seconds: number }>('moderation', (m) => m.action === 'slow_mode');
    await expect(mod.socket.ask('slow_mode', { room: ROOM, seconds: 60 })).resolves.toMatchObject({ ok: true, changed: true });
    expect(await told).toMatchObject({ action: 'slow_mode', seconds: 60, by: 'moe', room: ROOM });
    // Every member may see who moderates and how slow the room is.
    const detail = await server
      .http()
      .get(`/api/rooms/${encodeURIComponent(ROOM)}`)
      .set('Cookie', member.cookie)
      .expect(200);
    expect(detail.body).toMatchObject({ slowMode: 60, role: 'member' });
    expect(detail.body.roles).toEqual(
      expect.arrayContaining([
        { user: 'olga', role: 'owner' },
        { user: 'moe', role: 'moderator' },
      ]),
    );
    await expect(member.socket.ask('message', { room: ROOM, msg: 'one' })).resolves.toMatchObject({ ok: true });
    const slowed = await member.socket.ask<Ack>('message', { room: ROOM, msg: 'two' });
    expect(slowed).toMatchObject({ ok: false, error: { code: 'slow_mode' } });
    expect(slowed.error!.retryAfterMs).toBeGreaterThan(50_000);
    expect(slowed.error!.retryAfterMs).toBeLessThanOrEqual(60_000);
    await expect(mod.socket.ask('message', { room: ROOM, msg: 'mods are not slowed' })).resolves.toMatchObject({ ok: true });
    await expect(mod.socket.ask('message', { room: ROOM, msg: 'at all' })).resolves.toMatchObject({ ok: true });
    await mod.socket.ask('slow_mode', { room: ROOM, seconds: 0 });
    await expect(member.socket.ask('message', { room: ROOM, msg: 'three' })).resolves.toMatchObject({ ok: true });
  });

  it('removes a message: members watch it become a tombstone that says who removed it', async () => {
    const said = (await member.socket.ask<{ message: Sent }>('message', { room: ROOM, msg: 'something rude' })).message;
    const gone = owner.socket.next<Sent>('message_deleted', (m) => m.id === said.id);
    await expect(mod.socket.ask('remove_message', { room: ROOM, messageId: said.id, reason: 'rude' })).resolves.toMatchObject({ ok: true });
    expect(await gone).toMatchObject({ id: said.id, deleted: true, removed: { by: 'moe', reason: 'rude' } });
    const page = await server
      .http()
      .get(`/api/rooms/${encodeURIComponent(ROOM)}/messages`)
      .expect(200);
    const shown = page.body.messages.find((m: Sent) => m.id === said.id);
    expect(shown).toMatchObject({ msg: '', deleted: true, removed: { by: 'moe', reason: 'rude' } });
    expect(JSON.stringify(page.body)).not.toContain('something rude');
  });

  it('lists every moderation event in the audit, with who, whom, when and why, in order and in pages', async () => {
    const room = encodeURIComponent(ROOM);
    const audit = await server.http().get(`/api/rooms/${room}/audit?limit=100`).set('Cookie', mod.cookie).expect(200);
    const entries = audit.body.entries as Entry[];
    expect(entries.map((e) => [e.action, e.by, e.user ?? e.messageId ?? null])).toEqual([
      ['set_role', 'olga', 'moe'],
      ['mute', 'ada', 'olga'],
      ['unmute', 'ada', 'olga'],
      ['kick', 'moe', 'max'],
      ['ban', 'moe', 'max'],
      ['unban', 'moe', 'max'],
      ['mute', 'moe', 'max'],
      ['unmute', 'moe', 'max'],
      ['slow_mode', 'moe', null],
      ['slow_mode', 'moe', null],
      ['remove_message', 'moe', 'max'],
    ]);
    expect(entries[3]).toMatchObject({ reason: 'cool off', timestamp: expect.any(String) });
    expect(entries[4]).toMatchObject({ reason: 'spam', until: expect.any(String) });
    expect(entries[10]).toMatchObject({ messageId: expect.any(String), seq: expect.any(Number), reason: 'rude' });
    const first = await server.http().get(`/api/rooms/${room}/audit?limit=4`).set('Cookie', admin.cookie).expect(200);
    expect(first.body).toMatchObject({ hasMore: true, cursor: entries[3]!.cursor });
    const rest = await server.http().get(`/api/rooms/${room}/audit?after=${first.body.cursor}`).set('Cookie', owner.cookie).expect(200);
    expect(rest.body.entries).toEqual(entries.slice(4).map(({ ...entry }) => entry));
    expect(rest.body.hasMore).toBe(false);
    await server.http().get(`/api/rooms/${room}/audit?after=-1`).set('Cookie', mod.cookie).expect(400);
    await server.http().get('/api/rooms/Atlantis/audit').set('Cookie', mod.cookie).expect(404);
  });

  it('lets a guest do none of it', async () => {
    const guest = await asGuest(server);
    await guest.socket.ask('join', { room: ROOM });
    expect(await outcome(guest.socket, 'kick', { room: ROOM, user: 'max' })).toBe('forbidden');
    expect(await outcome(guest.socket, 'create_room', { name: 'Mine', visibility: 'public' })).toBe('forbidden');
  });
});

describe("a room's past, asked for too often", () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp({ RATE_LIMIT_JOINS: '0.001,3' });
  });

  afterAll(async () => {
    await server.close();
  });

  it('is refused with 429 and when to ask again, as a join would be', async () => {
    const owner = await withAccount(server, 'olga');
    await owner.socket.ask('create_room', { name: 'Busy', visibility: 'public' });
    for (const route of ['/api/rooms/Busy/audit', '/api/rooms/Busy/state', '/api/rooms/Busy/audit'])
      await server.http().get(route).set('Cookie', owner.cookie).expect(200);
    const refused = await server.http().get('/api/rooms/Busy/state').set('Cookie', owner.cookie).expect(429);
    expect(refused.body).toMatchObject({ error: { code: 'rate_limited', retryAfterMs: expect.any(Number) } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });
});
