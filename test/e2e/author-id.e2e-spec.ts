import { cookieOf, startApp, type TestApp } from '../support/test-app';

/**
 * Messages carry their author's stable public id (`authorId`): the same under every name the user
 * has (a guest who registers keeps it) and on every device, and the `session` event tells each
 * connection its own. It is not the user id, which is part of what a token signs.
 */

type Sent = { id: string; username: string; authorId: string };
type Private = { id: string; from: string; authorId: string };

describe('a stable author id', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await server.close();
  });

  it('stays with a guest who registers: another device sees the old messages as theirs, and may edit and delete them', async () => {
    const guest = await server.http().post('/api/session').expect(201);
    const cookie = cookieOf(guest);
    const laptop = await server.connect({ cookie });
    const mine = laptop.session.authorId;
    expect(mine).toMatch(/^[\w-]{16,}$/);
    await laptop.ask('join', { room: 'General' });
    const early = (await laptop.ask<{ message: Sent }>('message', { room: 'General', msg: 'as a guest' })).message;
    const later = (await laptop.ask<{ message: Sent }>('message', { room: 'General', msg: 'also as a guest' })).message;
    expect(early.authorId).toBe(mine);

    await server.http().post('/api/auth/register').set('Cookie', cookie).send({ username: 'Grace', password: 'cobol-forever' }).expect(201);
    const login = await server.http().post('/api/auth/login').send({ username: 'grace', password: 'cobol-forever' }).expect(200);
    const phone = await server.connect({ cookie: cookieOf(login) });
    expect(phone.session).toMatchObject({ username: 'Grace', authorId: mine });

    const history = phone.next<{ messages: Sent[] }>('history');
    await phone.ask('join', { room: 'General' });
    const shown = (await history).messages.find((m) => m.id === early.id);
    expect(shown).toMatchObject({ username: guest.body.username, authorId: mine });
    await expect(phone.ask('edit_message', { room: 'General', messageId: early.id, msg: 'edited as Grace' })).resolves.toMatchObject({
      ok: true,
      message: { id: early.id, msg: 'edited as Grace', authorId: mine },
    });
    await expect(phone.ask('delete_message', { room: 'General', messageId: later.id })).resolves.toMatchObject({ ok: true });
    const now = (await phone.ask<{ message: Sent }>('message', { room: 'General', msg: 'as Grace' })).message;
    expect(now).toMatchObject({ username: 'Grace', authorId: mine });
  });

  it('differs between people, and is not the user id; private messages carry it too', async () => {
    const alice = await server.connect();
    const bob = await server.connect();
    expect(alice.session.authorId).not.toBe(bob.session.authorId);
    const pushed = bob.next<Private>('private_message');
    const sent = (await alice.ask<{ message: Private }>('private_message', { target: bob.username, msg: 'hi' })).message;
    expect(sent.authorId).toBe(alice.session.authorId);
    expect(await pushed).toMatchObject({ id: sent.id, authorId: alice.session.authorId });
    const [stored] = (await server.store.readAll(0, Number.MAX_SAFE_INTEGER)).filter((e) => e.type === 'PrivateMessageSent');
    const userId = (stored!.data as { fromUserId: string }).fromUserId;
    // What others see of her names no user id.
    expect(JSON.stringify(sent)).not.toContain(userId);
    expect(alice.session.authorId).not.toContain(userId.slice(0, 8));
  });
});
