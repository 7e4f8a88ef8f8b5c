import type { TestSocket } from '../support/socket';
import { appsClosedAfterEach, guestCookie, type TestApp } from '../support/test-app';

/**
 * Private messages to people who are offline: a known user (an account, or a guest seen within
 * `GUEST_TTL_DAYS`) gets it when they come back; only a name nobody holds answers `user_not_found`.
 * `GET /api/private` lists a user's conversations with the last message and unread count of each, newest first.
 */

type Private = { id: string; msg: string; from: string; to: string };
type Ack = { ok: true; message: Private } | { ok: false; error: { code: string; message: string } };
type Listing = { conversations: { with: string; last: Private; unread: number }[] };

const person = async (server: TestApp): Promise<{ socket: TestSocket; cookie: string; name: string }> => {
  const cookie = await guestCookie(server);
  const socket = await server.connect({ cookie });
  return { socket, cookie, name: socket.username };
};

/** Closes every tab of a user and resolves once the server has them offline. */
const goOffline = async (server: TestApp, user: { socket: TestSocket; name: string }, watcher: TestSocket): Promise<void> => {
  user.socket.close();
  for (;;) {
    const users = (await server.http().get('/api/users').expect(200)).body.users as { username: string }[];
    if (!users.some((u) => u.username === user.name)) return;
    await watcher.next('active_users', undefined, 5000);
  }
};

const listing = async (server: TestApp, cookie: string): Promise<Listing> =>
  (await server.http().get('/api/private').set('Cookie', cookie).expect(200)).body as Listing;

describe('private messages to people who are offline', () => {
  const start = appsClosedAfterEach();

  it('delivers to a guest who comes back: the conversation is listed and holds the message', async () => {
    const server = await start();
    const alice = await person(server);
    const bob = await person(server);
    await goOffline(server, bob, alice.socket);

    const ack = await alice.socket.ask<Ack>('private_message', { target: bob.name.toUpperCase(), msg: 'while you were away' });
    expect(ack).toMatchObject({ ok: true, message: { msg: 'while you were away', from: alice.name, to: bob.name } });

    const back = await server.connect({ cookie: bob.cookie });
    expect(back.session.resumed).toBe(true);
    const { conversations } = await listing(server, bob.cookie);
    expect(conversations).toEqual([
      { with: alice.name, last: expect.objectContaining({ msg: 'while you were away', from: alice.name }), unread: 1 },
    ]);
    const page = await server
      .http()
      .get(`/api/private/${encodeURIComponent(alice.name)}/messages`)
      .set('Cookie', bob.cookie)
      .expect(200);
    expect(page.body.messages.map((m: Private) => m.msg)).toEqual(['while you were away']);
    // The sender lists it too.
    expect((await listing(server, alice.cookie)).conversations).toEqual([
      { with: bob.name, last: expect.objectContaining({ id: ack.ok ? ack.message.id : '' }), unread: 0 },
    ]);
  });

  it('lists conversations newest first, with the last message of each', async () => {
    const server = await start();
    const alice = await person(server);
    const bob = await person(server);
    const carol = await person(server);
    await alice.socket.ask('private_message', { target: bob.name, msg: 'to bob' });
    await alice.socket.ask('private_message', { target: carol.name, msg: 'to carol' });
    await bob.socket.ask('private_message', { target: alice.name, msg: 'bob answers' });
    const { conversations } = await listing(server, alice.cookie);
    expect(conversations.map((c) => [c.with, c.last.msg])).toEqual([
      [bob.name, 'bob answers'],
      [carol.name, 'to carol'],
    ]);
    expect((await listing(server, carol.cookie)).conversations.map((c) => c.with)).toEqual([alice.name]);
  });

  it('answers user_not_found for a name nobody holds, and for a guest not seen within GUEST_TTL_DAYS; an account always gets it', async () => {
    const server = await start({ GUEST_TTL_DAYS: '0' });
    const alice = await person(server);
    await expect(alice.socket.ask('private_message', { target: 'NobodyHasThisName', msg: 'hello?' })).resolves.toEqual({
      ok: false,
      error: { code: 'user_not_found', message: expect.any(String) },
    });
    const guest = await person(server);
    await goOffline(server, guest, alice.socket);
    await expect(alice.socket.ask('private_message', { target: guest.name, msg: 'gone' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'user_not_found' },
    });

    const account = await person(server);
    await server
      .http()
      .post('/api/auth/register')
      .set('Cookie', account.cookie)
      .send({ username: 'Dora', password: 'dora-password' })
      .expect(201);
    await account.socket.next('identity');
    await goOffline(server, { ...account, name: 'Dora' }, alice.socket);
    await expect(alice.socket.ask('private_message', { target: 'dora', msg: 'for the account' })).resolves.toMatchObject({
      ok: true,
      message: { to: 'Dora' },
    });
  });

  it('answers GET /api/private without a session with 401 and writes nothing', async () => {
    const server = await start();
    const before = (await server.store.readAll(0, 1_000_000)).length;
    await expect(server.http().get('/api/private').expect(401)).resolves.toMatchObject({ body: { error: { code: 'session_required' } } });
    expect((await server.store.readAll(0, 1_000_000)).length).toBe(before);
  });
});
