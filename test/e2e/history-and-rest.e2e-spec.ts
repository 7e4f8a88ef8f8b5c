import type { TestSocket } from '../support/socket';
import { startApp, type TestApp } from '../support/test-app';

type Message = { id: string; seq: number; msg: string };
type History = { room: string; messages: Message[]; hasMore: boolean };

const send = async (socket: TestSocket, room: string, count: number, prefix = 'm'): Promise<void> => {
  for (let i = 1; i <= count; i++) await socket.ask('message', { room, msg: `${prefix}${i}` });
};

describe('history and REST', () => {
  let server: TestApp;
  let alice: TestSocket;

  beforeAll(async () => {
    server = await startApp();
    alice = await server.connect();
    await alice.ask('join', { room: 'General' });
    await send(alice, 'General', 55);
  });

  afterAll(async () => {
    await server.close();
  });

  describe('on join', () => {
    it('sends the joining socket the last 50 messages, oldest first', async () => {
      const bob = await server.connect();
      await bob.ask('join', { room: 'General' });
      const history = await bob.next<History>('history');
      expect(history.room).toBe('General');
      expect(history.hasMore).toBe(true);
      expect(history.messages.map((m) => m.msg)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i + 6}`));
      expect(history.messages[0]).toEqual({
        msg: 'm6',
        username: alice.username,
        room: 'General',
        timestamp: expect.any(String),
        id: expect.any(String),
        seq: 6,
        authorId: alice.session.authorId,
      });
    });

    it('sends an empty history for a quiet room', async () => {
      const bob = await server.connect();
      await bob.ask('join', { room: 'The Nerd Nook' });
      await expect(bob.next('history')).resolves.toEqual({ room: 'The Nerd Nook', messages: [], hasMore: false, cursor: 1 });
    });

    it('with since, sends exactly the messages after that seq', async () => {
      const bob = await server.connect();
      await bob.ask('join', { room: 'General', since: 52 });
      const history = await bob.next<History>('history');
      expect(history.messages.map((m) => m.seq)).toEqual([53, 54, 55]);
      expect(history.hasMore).toBe(false);
    });

    it('with since, caps a long gap at 500 messages and says there is more', async () => {
      const busy = await startApp();
      try {
        const carol = await busy.connect();
        await carol.ask('join', { room: 'Code with Josh' });
        // In bursts of 51, so that a busy test machine answers each within the ack timeout.
        for (let burst = 0; burst < 10; burst++) {
          await Promise.all(
            Array.from({ length: 51 }, (_, i) => carol.ask('message', { room: 'Code with Josh', msg: `n${burst * 51 + i}` })),
          );
        }
        const dave = await busy.connect();
        await dave.ask('join', { room: 'Code with Josh', since: 0 });
        const history = await dave.next<History>('history');
        expect(history.messages.map((m) => m.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
        expect(history.hasMore).toBe(true);
        await dave.ask('join', { room: 'Code with Josh', since: 500 });
        const rest = await dave.next<History>('history');
        expect(rest.messages.map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 501 + i));
        expect(rest.hasMore).toBe(false);
      } finally {
        await busy.close();
      }
    });
  });

  describe('GET /api/rooms', () => {
    /** A default room: public, owned by nobody, no topic. */
    const DEFAULT_ROOM = { visibility: 'public', topic: '', archived: false };

    it('lists every configured room with its member count', async () => {
      const response = await server.http().get('/api/rooms').expect(200).expect('Content-Type', /json/);
      expect(response.body).toEqual({
        rooms: [
          { name: 'General', members: expect.any(Number), ...DEFAULT_ROOM },
          { name: 'Zero to Knowing', members: 0, ...DEFAULT_ROOM },
          { name: 'Code with Josh', members: expect.any(Number), ...DEFAULT_ROOM },
          { name: 'The Nerd Nook', members: expect.any(Number), ...DEFAULT_ROOM },
        ],
      });
      expect(response.body.rooms[0].members).toBeGreaterThanOrEqual(1);
    });

    it('shows a room with its members', async () => {
      const response = await server.http().get('/api/rooms/General').expect(200);
      expect(response.body).toEqual({
        name: 'General',
        members: expect.arrayContaining([alice.username]),
        ...DEFAULT_ROOM,
        roles: [],
        slowMode: 0,
      });
    });

    it('answers an unknown room with 404 and a JSON body', async () => {
      const response = await server.http().get('/api/rooms/Atlantis').expect(404).expect('Content-Type', /json/);
      expect(response.body).toEqual({ error: { code: 'unknown_room', message: expect.any(String) } });
      await server.http().get('/api/rooms/Atlantis/messages').expect(404);
    });
  });

  describe('GET /api/rooms/:room/messages', () => {
    it('pages backwards from the newest message', async () => {
      const first = await server.http().get('/api/rooms/General/messages?limit=20').expect(200);
      expect(first.body.room).toBe('General');
      expect(first.body.messages.map((m: Message) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => 55 - i));
      expect(first.body.hasMore).toBe(true);
      const last = first.body.messages[19] as Message;
      const second = await server.http().get(`/api/rooms/General/messages?limit=100&before=${last.id}`).expect(200);
      expect(second.body.messages.map((m: Message) => m.seq)).toEqual(Array.from({ length: 35 }, (_, i) => 35 - i));
      expect(second.body.hasMore).toBe(false);
    });

    it('defaults to 50 messages', async () => {
      const response = await server.http().get('/api/rooms/General/messages').expect(200);
      expect(response.body.messages).toHaveLength(50);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=5&limit=6', 'limit'],
      ['before=no-such-id', 'before'],
      [`before=${'x'.repeat(101)}`, 'before'],
    ])('answers ?%s with 400 naming the field', async (query, field) => {
      const response = await server.http().get(`/api/rooms/General/messages?${query}`).expect(400).expect('Content-Type', /json/);
      expect(response.body).toEqual({ error: { code: 'invalid_query', field, message: expect.any(String) } });
    });
  });

  describe('GET /api/users', () => {
    it('lists online users with their rooms', async () => {
      const response = await server.http().get('/api/users').expect(200);
      expect(response.body.users).toEqual(expect.arrayContaining([{ username: alice.username, rooms: ['General'] }]));
    });
  });

  describe('health', () => {
    it('answers /health and /ready', async () => {
      await expect(server.http().get('/health').expect(200)).resolves.toMatchObject({ body: { status: 'ok' } });
      const ready = await server.http().get('/ready').expect(200);
      expect(ready.body).toEqual({ status: 'ready', ready: true, head: expect.any(Number), projected: ready.body.head });
    });
  });
});
