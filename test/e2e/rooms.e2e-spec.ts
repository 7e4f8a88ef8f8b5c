import { startApp, type TestApp } from '../support/test-app';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('rooms: join, leave and messages', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await server.close();
  });

  describe('join', () => {
    it('announces a join to the whole room, the joiner included', async () => {
      const alice = await server.connect();
      const bob = await server.connect();
      await bob.ask('join', { room: 'General' });
      const ack = await alice.ask('join', { room: 'General' });
      expect(ack).toEqual({ ok: true, room: 'General', joined: true });
      const expected = {
        msg: `${alice.username} has joined the room.`,
        type: 'join',
        room: 'General',
        username: alice.username,
        timestamp: expect.stringMatching(ISO_UTC),
      };
      await expect(alice.next('status')).resolves.toEqual(expected);
      await expect(bob.next('status', (s) => s.msg === expected.msg)).resolves.toEqual(expected);
    });

    it('changes nothing and announces nothing when already a member', async () => {
      const alice = await server.connect();
      const bob = await server.connect();
      await alice.ask('join', { room: 'The Nerd Nook' });
      await bob.ask('join', { room: 'The Nerd Nook' });
      await alice.next('status', (s) => s.msg === `${bob.username} has joined the room.`);

      await expect(bob.ask('join', { room: 'The Nerd Nook' })).resolves.toEqual({ ok: true, room: 'The Nerd Nook', joined: false });
      const carol = await server.connect();
      await carol.ask('join', { room: 'The Nerd Nook' });
      // The next status Alice sees is Carol's join: Bob's second join announced nothing.
      await expect(alice.next('status')).resolves.toMatchObject({ msg: `${carol.username} has joined the room.` });
      const room = await server.http().get('/api/rooms/The%20Nerd%20Nook');
      expect(room.body.members.filter((name: string) => name === bob.username)).toHaveLength(1);
    });

    it('sends the history to the joining socket only: members already in the room receive none', async () => {
      const alice = await server.connect();
      const bob = await server.connect();
      await alice.ask('join', { room: 'The Nerd Nook' });
      await expect(alice.next('history')).resolves.toMatchObject({ room: 'The Nerd Nook' });
      await alice.ask('message', { room: 'The Nerd Nook', msg: 'before bob came' });

      await expect(bob.ask('join', { room: 'The Nerd Nook' })).resolves.toMatchObject({ ok: true, joined: true });
      await expect(bob.next('history')).resolves.toMatchObject({
        room: 'The Nerd Nook',
        messages: expect.arrayContaining([expect.objectContaining({ msg: 'before bob came' })]),
      });
      // The server pushes the history before it acknowledges the join, so a push meant for the room would be on its way
      // to Alice already; her own round trip after Bob's acknowledgement is answered behind it on the same connection.
      await alice.ask('typing', { room: 'The Nerd Nook', typing: false });
      expect(alice.received('history')).toHaveLength(1);
      expect(bob.received('history')).toHaveLength(1);
    });

    it('lets a user be in several rooms at once', async () => {
      const alice = await server.connect();
      await alice.ask('join', { room: 'Zero to Knowing' });
      await alice.ask('join', { room: 'Code with Josh' });
      await alice.ask('message', { room: 'Zero to Knowing', msg: 'one' });
      await alice.ask('message', { room: 'Code with Josh', msg: 'two' });
      await expect(alice.next('message', (m) => m.room === 'Zero to Knowing')).resolves.toMatchObject({ msg: 'one' });
      await expect(alice.next('message', (m) => m.room === 'Code with Josh')).resolves.toMatchObject({ msg: 'two' });
    });

    it('refuses a room that is not configured, case-sensitively', async () => {
      const alice = await server.connect();
      await expect(alice.ask('join', { room: 'general' })).resolves.toEqual({
        ok: false,
        error: { code: 'unknown_room', message: expect.any(String) },
      });
      await expect(alice.ask('join', { room: 'Nowhere' })).resolves.toMatchObject({ ok: false, error: { code: 'unknown_room' } });
    });
  });

  describe('leave', () => {
    it('tells the remaining members, and the leaver gets no more of the room', async () => {
      const alice = await server.connect();
      const bob = await server.connect();
      await alice.ask('join', { room: 'Zero to Knowing' });
      await bob.ask('join', { room: 'Zero to Knowing' });
      await expect(alice.ask('leave', { room: 'Zero to Knowing' })).resolves.toEqual({ ok: true, room: 'Zero to Knowing' });
      await expect(bob.next('status', (s) => s.type === 'leave')).resolves.toEqual({
        msg: `${alice.username} has left the room.`,
        type: 'leave',
        room: 'Zero to Knowing',
        username: alice.username,
        timestamp: expect.stringMatching(ISO_UTC),
      });

      await bob.ask('message', { room: 'Zero to Knowing', msg: 'after alice left' });
      await alice.ask('join', { room: 'Code with Josh' });
      await alice.ask('message', { room: 'Code with Josh', msg: 'marker' });
      await alice.next('message', (m) => m.msg === 'marker');
      expect(alice.received('message').map((m) => (m as { msg: string }).msg)).not.toContain('after alice left');
      expect(alice.received('status').filter((s) => (s as { type: string }).type === 'leave')).toHaveLength(0);
    });

    it('refuses to leave a room one is not in', async () => {
      const alice = await server.connect();
      await expect(alice.ask('leave', { room: 'General' })).resolves.toMatchObject({ ok: false, error: { code: 'not_a_member' } });
      await expect(alice.ask('leave', { room: 'Atlantis' })).resolves.toMatchObject({ ok: false, error: { code: 'unknown_room' } });
    });
  });

  describe('message', () => {
    it('delivers a trimmed message with id and seq to every member, the sender included', async () => {
      const alice = await server.connect();
      const bob = await server.connect();
      await alice.ask('join', { room: 'Code with Josh' });
      await bob.ask('join', { room: 'Code with Josh' });
      const ack = await alice.ask<{ ok: true; message: Record<string, unknown> }>('message', { room: 'Code with Josh', msg: '  hello  ' });
      const pushed = {
        msg: 'hello',
        username: alice.username,
        room: 'Code with Josh',
        timestamp: expect.stringMatching(ISO_UTC),
        id: expect.any(String),
        seq: expect.any(Number),
        authorId: alice.session.authorId,
      };
      expect(ack).toEqual({ ok: true, message: pushed });
      // The push also carries the room's cursor at the message (a resume starts from it).
      await expect(alice.next('message')).resolves.toEqual({ ...ack.message, cursor: expect.any(Number) });
      await expect(bob.next('message')).resolves.toEqual({ ...ack.message, cursor: expect.any(Number) });
    });

    it('sends to General when no room is given', async () => {
      const alice = await server.connect();
      await alice.ask('join', { room: 'General' });
      await expect(alice.ask('message', { msg: 'no room given' })).resolves.toMatchObject({ ok: true, message: { room: 'General' } });
    });

    it('numbers messages 1, 2, 3 … per room with no gaps, even when sent at once', async () => {
      const isolated = await startApp();
      try {
        const senders = await Promise.all([isolated.connect(), isolated.connect(), isolated.connect()]);
        for (const s of senders) await s.ask('join', { room: 'General' });
        const acks = await Promise.all(
          senders.flatMap((s, i) =>
            Array.from({ length: 10 }, (_, j) => s.ask<{ message: { seq: number } }>('message', { room: 'General', msg: `${i}-${j}` })),
          ),
        );
        expect(acks.map((a) => a.message.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      } finally {
        await isolated.close();
      }
    });

    it.each([
      ['empty', { room: 'General', msg: '' }, 'empty_message'],
      ['only whitespace', { room: 'General', msg: ' \n\t ' }, 'empty_message'],
      ['2001 characters', { room: 'General', msg: 'x'.repeat(2001) }, 'message_too_long'],
      ['to a room one is not in', { room: 'The Nerd Nook', msg: 'hi' }, 'not_a_member'],
      ['to an unknown room', { room: 'Mars', msg: 'hi' }, 'unknown_room'],
    ])('rejects a message that is %s', async (_, payload, code) => {
      const alice = await server.connect();
      await alice.ask('join', { room: 'General' });
      const before = await server.store.headPosition();
      await expect(alice.ask('message', payload)).resolves.toEqual({ ok: false, error: { code, message: expect.any(String) } });
      expect(await server.store.headPosition()).toBe(before);
    });

    it('accepts exactly MAX_MESSAGE_LENGTH characters, counting an emoji as one', async () => {
      const alice = await server.connect();
      await alice.ask('join', { room: 'General' });
      await expect(alice.ask('message', { room: 'General', msg: 'x'.repeat(2000) })).resolves.toMatchObject({ ok: true });
      await expect(alice.ask('message', { room: 'General', msg: '😀'.repeat(2000) })).resolves.toMatchObject({ ok: true });
    });

    it('answers a resend with the same clientId with the original message, stored and delivered once', async () => {
      const alice = await server.connect();
      const bob = await server.connect();
      await alice.ask('join', { room: 'General' });
      await bob.ask('join', { room: 'General' });
      const first = await alice.ask<{ message: { id: string; seq: number } }>('message', {
        room: 'General',
        msg: 'once',
        clientId: 'c-42',
      });
      const again = await alice.ask<{ message: { id: string; seq: number } }>('message', {
        room: 'General',
        msg: 'once',
        clientId: 'c-42',
      });
      expect(again).toEqual(first);
      await alice.ask('message', { room: 'General', msg: 'next', clientId: 'c-43' });
      await bob.next('message', (m) => m.msg === 'next');
      expect(bob.received('message').filter((m) => (m as { msg: string }).msg === 'once')).toHaveLength(1);
    });

    it('keeps clientIds per user: the same clientId from someone else is a new message', async () => {
      const alice = await server.connect();
      const bob = await server.connect();
      await alice.ask('join', { room: 'General' });
      await bob.ask('join', { room: 'General' });
      const a = await alice.ask<{ message: { id: string } }>('message', { room: 'General', msg: 'mine', clientId: 'shared' });
      const b = await bob.ask<{ message: { id: string } }>('message', { room: 'General', msg: 'mine', clientId: 'shared' });
      expect(b.message.id).not.toBe(a.message.id);
    });
  });

  describe('without an acknowledgement', () => {
    it('sends a rejection as an error event to that socket only', async () => {
      const alice = await server.connect();
      const bob = await server.connect();
      alice.raw.emit('join', { room: 'Nowhere' });
      await expect(alice.next('error')).resolves.toEqual({ code: 'unknown_room', message: expect.any(String), event: 'join' });
      bob.raw.emit('message', { room: 'General', msg: 'not a member yet' });
      await expect(bob.next('error')).resolves.toMatchObject({ code: 'not_a_member', event: 'message' });
      expect(alice.received('error')).toHaveLength(1);
    });
  });
});
