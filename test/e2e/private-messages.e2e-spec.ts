import { guestCookie, startApp, type TestApp } from '../support/test-app';

describe('private messages', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await server.close();
  });

  const expected = (msg: string, from: string, to: string, authorId: string) => ({
    msg,
    from,
    to,
    authorId,
    timestamp: expect.stringMatching(/Z$/),
    id: expect.any(String),
    seq: expect.any(Number),
    cursor: expect.any(Number),
  });

  it('reaches every connection of the target and of the sender, and no one else', async () => {
    const alice = await server.connect();
    const aliceTab = await server.connect({ token: alice.session.token });
    const bob = await server.connect();
    const bobTab = await server.connect({ token: bob.session.token });
    const carol = await server.connect();

    const ack = await alice.ask('private_message', { target: bob.username, msg: ' psst ' });
    const message = expected('psst', alice.username, bob.username, alice.session.authorId);
    expect(ack).toEqual({ ok: true, message });
    for (const socket of [alice, aliceTab, bob, bobTab]) await expect(socket.next('private_message')).resolves.toEqual(message);

    await bob.ask('private_message', { target: carol.username, msg: 'marker' });
    await carol.next('private_message');
    expect(carol.received('private_message')).toHaveLength(1);
  });

  it("accepts the original client's spelling: message {type: 'private', target, msg}", async () => {
    const alice = await server.connect();
    const bob = await server.connect();
    const ack = await alice.ask('message', { type: 'private', target: bob.username, msg: 'old style' });
    expect(ack).toEqual({ ok: true, message: expected('old style', alice.username, bob.username, alice.session.authorId) });
    await expect(bob.next('private_message')).resolves.toEqual(expected('old style', alice.username, bob.username, alice.session.authorId));
  });

  it('works without an acknowledgement, as the original client sends it', async () => {
    const alice = await server.connect();
    const bob = await server.connect();
    alice.raw.emit('message', { type: 'private', target: bob.username, msg: 'no ack' });
    await expect(bob.next('private_message')).resolves.toMatchObject({ msg: 'no ack', from: alice.username });
  });

  it('rejects a name nobody holds with user_not_found; someone known who went offline gets it later', async () => {
    const alice = await server.connect();
    const bob = await server.connect();
    const bobName = bob.username;
    await alice.next('active_users', (p: { users: string[] }) => p.users.includes(bobName));
    bob.close();
    await expect(alice.ask('private_message', { target: 'Nobody123', msg: 'hi' })).resolves.toEqual({
      ok: false,
      error: { code: 'user_not_found', message: expect.any(String) },
    });
    await alice.next('active_users', (p: { users: string[] }) => !p.users.includes(bobName));
    await expect(alice.ask('private_message', { target: bobName, msg: 'hi' })).resolves.toMatchObject({
      ok: true,
      message: { to: bobName, msg: 'hi' },
    });
    alice.raw.emit('message', { type: 'private', target: 'Nobody123', msg: 'hi' });
    await expect(alice.next('error')).resolves.toMatchObject({ code: 'user_not_found', event: 'message' });
  });

  it('rejects empty and over-long private messages', async () => {
    const alice = await server.connect();
    const bob = await server.connect();
    await expect(alice.ask('private_message', { target: bob.username, msg: '   ' })).resolves.toMatchObject({
      error: { code: 'empty_message' },
    });
    await expect(alice.ask('private_message', { target: bob.username, msg: 'y'.repeat(2001) })).resolves.toMatchObject({
      error: { code: 'message_too_long' },
    });
  });

  it('answers a resend with the same clientId with the original, delivered once', async () => {
    const alice = await server.connect();
    const bob = await server.connect();
    const first = await alice.ask('private_message', { target: bob.username, msg: 'once', clientId: 'p-1' });
    await expect(alice.ask('private_message', { target: bob.username, msg: 'once', clientId: 'p-1' })).resolves.toEqual(first);
    await alice.ask('private_message', { target: bob.username, msg: 'marker' });
    await bob.next('private_message', (m) => m.msg === 'marker');
    expect(bob.received('private_message')).toHaveLength(2);
  });
});

describe('private history', () => {
  it('pages a conversation newest first, to its two sides only, even after one went offline', async () => {
    const server = await startApp();
    try {
      const aliceCookie = await guestCookie(server);
      const alice = await server.connect({ cookie: aliceCookie });
      const bob = await server.connect();
      for (let i = 1; i <= 5; i++) await alice.ask('private_message', { target: bob.username, msg: `p${i}` });
      await bob.ask('private_message', { target: alice.username, msg: 'reply' });
      bob.close();

      const first = await server.http().get(`/api/private/${bob.username}/messages?limit=4`).set('Cookie', aliceCookie).expect(200);
      expect(first.body.with).toBe(bob.username);
      expect(first.body.messages.map((m: { msg: string }) => m.msg)).toEqual(['reply', 'p5', 'p4', 'p3']);
      expect(first.body.messages[0]).toMatchObject({ from: bob.username, to: alice.username, id: expect.any(String) });
      expect(first.body.hasMore).toBe(true);
      const last = first.body.messages[3].id as string;
      const second = await server.http().get(`/api/private/${bob.username}/messages?before=${last}`).set('Cookie', aliceCookie).expect(200);
      expect(second.body).toMatchObject({ messages: [{ msg: 'p2' }, { msg: 'p1' }], hasMore: false });

      const stranger = await server
        .http()
        .get(`/api/private/${bob.username}/messages`)
        .set('Cookie', await guestCookie(server))
        .expect(200);
      expect(stranger.body.messages).toEqual([]);
      // Without a session: no guest is started to answer, and nothing is shown.
      const nobody = await server.http().get(`/api/private/${bob.username}/messages`).expect(401);
      expect(nobody.body).toEqual({ error: { code: 'session_required', message: expect.any(String) } });
      await server.http().get('/api/private/NoSuchUser1/messages').set('Cookie', aliceCookie).expect(404);
      await server.http().get(`/api/private/${bob.username}/messages?limit=500`).set('Cookie', aliceCookie).expect(400);
    } finally {
      await server.close();
    }
  });
});
