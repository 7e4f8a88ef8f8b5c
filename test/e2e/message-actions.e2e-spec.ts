import { appsClosedAfterEach, guestCookie, startApp, type TestApp } from '../support/test-app';

type Message = { id: string; seq: number; msg: string; editedAt?: string; deleted?: boolean; reactions?: Record<string, string[]> };

describe('edits, deletes, reactions and typing', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await server.close();
  });

  const pair = async (room: string) => {
    const alice = await server.connect();
    const bob = await server.connect();
    await alice.ask('join', { room });
    await bob.ask('join', { room });
    const { message } = await alice.ask<{ message: Message }>('message', { room, msg: 'first draft' });
    return { alice, bob, message };
  };

  describe('edit_message', () => {
    it('lets the author edit; every member sees it live and in history', async () => {
      const { alice, bob, message } = await pair('General');
      const ack = await alice.ask<{ ok: true; message: Message }>('edit_message', {
        room: 'General',
        messageId: message.id,
        msg: ' final ',
      });
      expect(ack.message).toMatchObject({ id: message.id, seq: message.seq, msg: 'final', editedAt: expect.any(String) });
      await expect(bob.next('message_edited')).resolves.toEqual({
        cursor: expect.any(Number),
        room: 'General',
        id: message.id,
        seq: message.seq,
        msg: 'final',
        editedAt: expect.any(String),
        reactions: {},
      });
      const page = await server.http().get('/api/rooms/General/messages?limit=100').expect(200);
      expect(page.body.messages.find((m: Message) => m.id === message.id)).toMatchObject({ msg: 'final', editedAt: expect.any(String) });
    });

    it('forbids anyone else, and the log keeps the full record', async () => {
      const { alice, bob, message } = await pair('Code with Josh');
      await expect(bob.ask('edit_message', { room: 'Code with Josh', messageId: message.id, msg: 'hijacked' })).resolves.toEqual({
        ok: false,
        error: { code: 'forbidden', message: expect.any(String) },
      });
      await alice.ask('edit_message', { room: 'Code with Josh', messageId: message.id, msg: 'second' });
      await alice.ask('edit_message', { room: 'Code with Josh', messageId: message.id, msg: 'third' });
      const stream = await server.store.readStream('room-Code with Josh');
      const versions = stream
        .filter((e) => (e.type === 'MessageSent' || e.type === 'MessageEdited') && e.data.messageId === message.id)
        .map((e) => (e.data as { text: string }).text);
      expect(versions).toEqual(['first draft', 'second', 'third']);
    });

    it('refuses unknown messages and bad text', async () => {
      const { alice, message } = await pair('The Nerd Nook');
      await expect(alice.ask('edit_message', { room: 'The Nerd Nook', messageId: 'nope', msg: 'x' })).resolves.toMatchObject({
        error: { code: 'message_not_found' },
      });
      await expect(alice.ask('edit_message', { room: 'The Nerd Nook', messageId: message.id, msg: '  ' })).resolves.toMatchObject({
        error: { code: 'empty_message' },
      });
      await expect(alice.ask('edit_message', { room: 'The Nerd Nook', messageId: message.id })).resolves.toMatchObject({
        error: { code: 'invalid_payload' },
      });
    });
  });

  describe('delete_message', () => {
    it('leaves a tombstone for everyone, live and in history', async () => {
      const { alice, bob, message } = await pair('Zero to Knowing');
      await expect(bob.ask('delete_message', { room: 'Zero to Knowing', messageId: message.id })).resolves.toMatchObject({
        error: { code: 'forbidden' },
      });
      const ack = await alice.ask<{ message: Message }>('delete_message', { room: 'Zero to Knowing', messageId: message.id });
      expect(ack.message).toMatchObject({ id: message.id, msg: '', deleted: true });
      await expect(bob.next('message_deleted')).resolves.toEqual({
        cursor: expect.any(Number),
        room: 'Zero to Knowing',
        id: message.id,
        seq: message.seq,
        deleted: true,
        reactions: {},
      });
      const carol = await server.connect();
      await carol.ask('join', { room: 'Zero to Knowing' });
      const history = await carol.next<{ messages: Message[] }>('history');
      expect(history.messages.find((m) => m.id === message.id)).toMatchObject({ msg: '', deleted: true });
      await expect(alice.ask('edit_message', { room: 'Zero to Knowing', messageId: message.id, msg: 'back' })).resolves.toMatchObject({
        error: { code: 'message_not_found' },
      });
    });
  });

  describe('react', () => {
    const startOwnApp = appsClosedAfterEach();

    it('toggles a reaction; every member sees counts and who reacted, and they survive a restart', async () => {
      const isolated = await startOwnApp();
      const alice = await isolated.connect();
      const bob = await isolated.connect();
      await alice.ask('join', { room: 'General' });
      await bob.ask('join', { room: 'General' });
      const { message } = await alice.ask<{ message: Message }>('message', { room: 'General', msg: 'react to me' });

      await bob.ask('react', { room: 'General', messageId: message.id, emoji: '👍' });
      await alice.ask('react', { room: 'General', messageId: message.id, emoji: '👍' });
      await expect(bob.next('reaction', (r: { reactions: Record<string, string[]> }) => r.reactions['👍']?.length === 2)).resolves.toEqual({
        cursor: expect.any(Number),
        room: 'General',
        id: message.id,
        seq: message.seq,
        msg: 'react to me',
        reactions: { '👍': [bob.username, alice.username] },
      });
      const toggled = await bob.ask<{ message: Message }>('react', { room: 'General', messageId: message.id, emoji: '👍' });
      expect(toggled.message.reactions).toEqual({ '👍': [alice.username] });
      await expect(bob.ask('react', { room: 'General', messageId: message.id, emoji: 'lol' })).resolves.toMatchObject({
        error: { code: 'invalid_emoji' },
      });
      await isolated.close();

      const again = await startOwnApp({}, isolated.dataDir);
      const page = await again.http().get('/api/rooms/General/messages').expect(200);
      expect(page.body.messages[0]).toMatchObject({ id: message.id, reactions: { '👍': [alice.username] } });
    });

    it('takes back the reaction of a user who changed name since reacting', async () => {
      const cookie = await guestCookie(server);
      const zed = await server.connect({ cookie });
      await zed.ask('join', { room: 'General' });
      const { message } = await zed.ask<{ message: Message }>('message', { room: 'General', msg: 'mine' });
      await zed.ask('react', { room: 'General', messageId: message.id, emoji: '👍' });
      await server.http().post('/api/auth/register').set('Cookie', cookie).send({ username: 'Zed', password: 'zed-password' }).expect(201);
      const off = await zed.ask<{ message: Message }>('react', { room: 'General', messageId: message.id, emoji: '👍' });
      expect(off.message.reactions).toBeUndefined();
      const on = await zed.ask<{ message: Message }>('react', { room: 'General', messageId: message.id, emoji: '👍' });
      expect(on.message.reactions).toEqual({ '👍': ['Zed'] });
    });

    it('counts an emoji with or without U+FE0F as one reaction', async () => {
      const { alice, bob, message } = await pair('The Nerd Nook');
      const heart = '\u2764\ufe0f';
      const on = await alice.ask<{ message: Message }>('react', { room: 'The Nerd Nook', messageId: message.id, emoji: '\u2764' });
      expect(on.message.reactions).toEqual({ [heart]: [alice.username] });
      const both = await bob.ask<{ message: Message }>('react', { room: 'The Nerd Nook', messageId: message.id, emoji: heart });
      expect(both.message.reactions).toEqual({ [heart]: [alice.username, bob.username] });
      // The other spelling takes hers back.
      const off = await alice.ask<{ message: Message }>('react', { room: 'The Nerd Nook', messageId: message.id, emoji: heart });
      expect(off.message.reactions).toEqual({ [heart]: [bob.username] });
    });

    it('folds reactions stored with either spelling into one', async () => {
      const isolated = await startOwnApp();
      const alice = await isolated.connect();
      await alice.ask('join', { room: 'General' });
      const { message } = await alice.ask<{ message: Message }>('message', { room: 'General', msg: 'old reactions' });
      const stored = (userId: string, emoji: string) => ({
        type: 'ReactionAdded' as const,
        data: { room: 'General', messageId: message.id, userId, username: userId, emoji },
        metadata: { eventId: `e-${userId}`, occurredAt: new Date().toISOString(), correlationId: 'c', causationId: 'c', node: 'elsewhere' },
      });
      await isolated.store.append('room-General', [stored('u-old-1', '\u2764'), stored('u-old-2', '\u2764\ufe0f')], 'any');
      const again = await startOwnApp({}, isolated.dataDir);
      const page = await again.http().get('/api/rooms/General/messages').expect(200);
      expect(page.body.messages[0]).toMatchObject({ id: message.id, reactions: { '\u2764\ufe0f': ['u-old-1', 'u-old-2'] } });
    });

    it('refuses non-members', async () => {
      const { message } = await pair('Code with Josh');
      const outsider = await server.connect();
      await expect(outsider.ask('react', { room: 'Code with Josh', messageId: message.id, emoji: '🎉' })).resolves.toMatchObject({
        error: { code: 'not_a_member' },
      });
    });
  });

  describe('typing', () => {
    it('tells the other members who is typing, and stops when the typist sends', async () => {
      const { alice, bob } = await pair('General');
      await expect(alice.ask('typing', { room: 'General', typing: true })).resolves.toEqual({ ok: true, room: 'General' });
      await expect(bob.next('typing')).resolves.toEqual({ room: 'General', users: [alice.username] });
      await alice.ask('message', { room: 'General', msg: 'done typing' });
      await expect(bob.next('typing')).resolves.toEqual({ room: 'General', users: [] });
      expect(alice.received('typing')).toEqual([]);
    });

    it('never stores typing', async () => {
      const { alice } = await pair('The Nerd Nook');
      const before = await server.store.headPosition();
      await alice.ask('typing', { room: 'The Nerd Nook', typing: true });
      await alice.ask('typing', { room: 'The Nerd Nook', typing: false });
      expect(await server.store.headPosition()).toBe(before);
    });

    it('works in private conversations, and refuses rooms one is not in', async () => {
      const alice = await server.connect();
      const bob = await server.connect();
      await alice.ask('typing', { target: bob.username, typing: true });
      await expect(bob.next('typing')).resolves.toEqual({ from: alice.username, typing: true });
      await alice.ask('typing', { target: bob.username, typing: false });
      await expect(bob.next('typing')).resolves.toEqual({ from: alice.username, typing: false });
      await alice.ask('typing', { target: bob.username, typing: true });
      await bob.next('typing', (t) => t.typing === true);
      await alice.ask('private_message', { target: bob.username, msg: 'sent' });
      await expect(bob.next('typing')).resolves.toEqual({ from: alice.username, typing: false });
      await expect(alice.ask('typing', { room: 'Zero to Knowing', typing: true })).resolves.toMatchObject({
        error: { code: 'not_a_member' },
      });
      await expect(alice.ask('typing', { target: 'Nobody99', typing: true })).resolves.toMatchObject({ error: { code: 'user_not_found' } });
      await expect(alice.ask('typing', { room: 'General', typing: 'yes' })).resolves.toMatchObject({ error: { code: 'invalid_payload' } });
    });
  });
});

describe('typing expiry', () => {
  it('ends on its own about 5 s after the last refresh', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'performance', 'Date'] });
    const server = await startApp();
    try {
      const alice = await server.connect();
      const bob = await server.connect();
      await alice.ask('join', { room: 'General' });
      await bob.ask('join', { room: 'General' });
      await alice.ask('typing', { room: 'General', typing: true });
      await bob.next('typing', (t: { users: string[] }) => t.users.length === 1);
      jest.advanceTimersByTime(4000);
      await alice.ask('typing', { room: 'General', typing: true });
      jest.advanceTimersByTime(4000);
      // 8 s after starting, 4 s after the refresh: still typing (a round trip proves nothing is in flight).
      await alice.ask('join', { room: 'Code with Josh' });
      await alice.ask('message', { room: 'Code with Josh', msg: 'marker' });
      await alice.next('message', (m) => m.msg === 'marker');
      expect(bob.received('typing')).toEqual([{ room: 'General', users: [alice.username] }]);
      jest.advanceTimersByTime(1100);
      await expect(bob.next('typing')).resolves.toEqual({ room: 'General', users: [] });
    } finally {
      jest.useRealTimers();
      await server.close();
    }
  });
});
