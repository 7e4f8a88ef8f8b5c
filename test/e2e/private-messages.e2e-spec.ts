import { startApp, type TestApp } from '../support/test-app';

describe('private messages', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await server.close();
  });

  const expected = (msg: string, from: string, to: string) => ({
    msg,
    from,
    to,
    timestamp: expect.stringMatching(/Z$/),
    id: expect.any(String),
  });

  it('reaches every connection of the target and of the sender, and no one else', async () => {
    const alice = await server.connect();
    const aliceTab = await server.connect({ token: alice.session.token });
    const bob = await server.connect();
    const bobTab = await server.connect({ token: bob.session.token });
    const carol = await server.connect();

    const ack = await alice.ask('private_message', { target: bob.username, msg: ' psst ' });
    const message = expected('psst', alice.username, bob.username);
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
    expect(ack).toEqual({ ok: true, message: expected('old style', alice.username, bob.username) });
    await expect(bob.next('private_message')).resolves.toEqual(expected('old style', alice.username, bob.username));
  });

  it('works without an acknowledgement, as the original client sends it', async () => {
    const alice = await server.connect();
    const bob = await server.connect();
    alice.raw.emit('message', { type: 'private', target: bob.username, msg: 'no ack' });
    await expect(bob.next('private_message')).resolves.toMatchObject({ msg: 'no ack', from: alice.username });
  });

  it('rejects an unknown or offline target with user_not_found', async () => {
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
    await expect(alice.ask('private_message', { target: bobName, msg: 'hi' })).resolves.toMatchObject({ ok: false, error: { code: 'user_not_found' } });
    alice.raw.emit('message', { type: 'private', target: 'Nobody123', msg: 'hi' });
    await expect(alice.next('error')).resolves.toMatchObject({ code: 'user_not_found', event: 'message' });
  });

  it('rejects empty and over-long private messages', async () => {
    const alice = await server.connect();
    const bob = await server.connect();
    await expect(alice.ask('private_message', { target: bob.username, msg: '   ' })).resolves.toMatchObject({ error: { code: 'empty_message' } });
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
