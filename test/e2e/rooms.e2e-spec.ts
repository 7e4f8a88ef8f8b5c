import { startApp, type TestApp } from '../support/test-app';

describe('rooms: join, leave and messages', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await server.close();
  });

  it('announces a join to the whole room, the joiner included', async () => {
    const alice = await server.connect();
    const bob = await server.connect();
    await bob.ask('join', { room: 'General' });
    const ack = await alice.ask('join', { room: 'General' });
    expect(ack).toEqual({ ok: true, room: 'General', joined: true });
    const expected = { msg: `${alice.username} has joined the room.`, type: 'join', room: 'General', timestamp: expect.any(String) };
    await expect(alice.next('status')).resolves.toEqual(expected);
    await expect(bob.next('status', (s) => s.msg === expected.msg)).resolves.toEqual(expected);
  });

  it('delivers a message to every member, the sender included', async () => {
    const alice = await server.connect();
    const bob = await server.connect();
    await alice.ask('join', { room: 'Code with Josh' });
    await bob.ask('join', { room: 'Code with Josh' });
    const ack = await alice.ask<{ ok: true; message: Record<string, unknown> }>('message', { room: 'Code with Josh', msg: '  hello  ' });
    expect(ack.ok).toBe(true);
    const pushed = { msg: 'hello', username: alice.username, room: 'Code with Josh', timestamp: expect.any(String), id: expect.any(String), seq: 1 };
    expect(ack.message).toEqual(pushed);
    await expect(alice.next('message')).resolves.toEqual(pushed);
    await expect(bob.next('message')).resolves.toEqual(pushed);
  });
});
