import { appsClosedAfterEach, startApp, TEST_SECRET, type TestApp } from '../support/test-app';
import { tokenSubject } from '../../src/application/ports/token-signer.port';
import { HmacTokenSigner } from '../../src/infrastructure/hmac-token-signer';

type Users = { users: string[] };

describe('sessions and presence', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp({ PRESENCE_GRACE_MS: '300' });
  });

  afterAll(async () => {
    await server.close();
  });

  describe('identity', () => {
    it('gives a new socket a guest name and a signed token, then the online users', async () => {
      const alice = await server.connect();
      expect(alice.session).toEqual({
        username: expect.stringMatching(/^Guest\d+$/),
        token: expect.any(String),
        resumed: false,
        account: false,
        rooms: [],
        authorId: expect.stringMatching(/^[\w-]{22}$/),
      });
      await expect(alice.next<Users>('active_users')).resolves.toEqual({ users: expect.arrayContaining([alice.username]) });
    });

    it('never hands out a guest name twice', async () => {
      const sockets = await Promise.all(Array.from({ length: 30 }, () => server.connect()));
      const names = sockets.map((s) => s.username);
      expect(new Set(names).size).toBe(names.length);
      for (const socket of sockets) socket.close();
    });

    it('resumes the same identity from auth.token', async () => {
      const alice = await server.connect();
      const again = await server.connect({ token: alice.session.token });
      expect(again.session).toEqual({
        username: alice.username,
        token: alice.session.token,
        resumed: true,
        account: false,
        rooms: [],
        authorId: alice.session.authorId,
      });
      await alice.ask('join', { room: 'General' });
      const third = await server.connect({ token: alice.session.token });
      expect(third.session.rooms).toEqual(['General']);
    });

    it('sets a signed HttpOnly SameSite=Lax cookie on GET /, GET /api/session (401) and POST /api/session, which the socket starts or resumes', async () => {
      for (const [method, path, status] of [
        ['get', '/', 200],
        ['get', '/api/session', 401],
        ['post', '/api/session', 201],
      ] as const) {
        const response = await server.http()[method](path).expect(status);
        const cookie = (response.headers['set-cookie'] as unknown as string[])[0]!;
        expect(cookie).toMatch(/^chat_session=[^;]+;/);
        expect(cookie).toMatch(/HttpOnly/);
        expect(cookie).toMatch(/SameSite=Lax/);
        const pair = cookie.split(';')[0]!;
        // The page's cookie names a session to come: the first socket with it starts that guest.
        if (method === 'get') await server.connect({ cookie: pair });
        const who = await server.http().get('/api/session').set('Cookie', pair).expect(200);
        expect(who.body).toEqual({
          username: expect.stringMatching(/^Guest\d+$/),
          resumed: true,
          account: false,
          rooms: [],
          maxUploadBytes: 10485760,
        });
        expect(who.headers['set-cookie']).toBeUndefined();
        const socket = await server.connect({ cookie: pair });
        expect(socket.session).toMatchObject({ username: who.body.username, resumed: true });
      }
    });

    it.each([
      ['a tampered signature', (token: string) => `${token.slice(0, -2)}xx`],
      ['a tampered session id', (token: string) => `${token.startsWith('0') ? '1' : '0'}${token.slice(1)}`],
      ['another secret', (token: string) => new HmacTokenSigner('another-secret-0123456789').sign(token.split('.')[0]!)],
      ['garbage', () => 'not-a-token'],
    ])('refuses a token with %s and gives a fresh guest identity', async (_, forge) => {
      const alice = await server.connect();
      const forged = forge(alice.session.token);
      const intruder = await server.connect({ token: forged });
      expect(intruder.session.resumed).toBe(false);
      expect(intruder.username).not.toBe(alice.username);
      const cookieIntruder = await server.connect({ cookie: `chat_session=${forged}` });
      expect(cookieIntruder.username).not.toBe(alice.username);
    });

    it('says why a token was refused: forged or expired; a signed token of a session not started yet starts it', async () => {
      const alice = await server.connect();
      const [sessionId, tokenId] = alice.session.token.split(/[.:]/);
      const signer = new HmacTokenSigner(TEST_SECRET);
      const longAgo = new Date(Date.now() - 400 * 86_400_000);
      const expired = await server.connect({ token: signer.sign(tokenSubject(sessionId!, tokenId!, longAgo)) });
      expect(expired.session).toMatchObject({ resumed: false, refused: 'expired_token' });
      expect(expired.username).not.toBe(alice.username);
      const forged = await server.connect({ token: `${alice.session.token.slice(0, -3)}abc` });
      expect(forged.session).toMatchObject({ resumed: false, refused: 'invalid_token' });
      // A session to come (what GET / hands out): its guest is started under that id, with that token.
      const pendingToken = signer.sign(tokenSubject('00000000-0000-4000-8000-000000000000', tokenId!, new Date()));
      const unknown = await server.connect({ token: pendingToken });
      expect(unknown.session).toMatchObject({ resumed: false, token: pendingToken });
      expect(unknown.session).not.toHaveProperty('refused');
      expect(unknown.username).not.toBe(alice.username);
      await expect(server.connect({ token: pendingToken })).resolves.toMatchObject({
        session: { username: unknown.username, resumed: true },
      });
      const fine = await server.connect({ token: alice.session.token });
      expect(fine.session).not.toHaveProperty('refused');
    });

    it('signs tokens with SECRET_KEY', async () => {
      const alice = await server.connect();
      const sessionId = alice.session.token.split('.')[0]!;
      expect(new HmacTokenSigner(TEST_SECRET).verify(alice.session.token)).toBe(sessionId);
    });
  });

  describe('several tabs', () => {
    it('counts a user with several tabs once, and keeps them online until the last tab closes', async () => {
      const watcher = await server.connect();
      const tab1 = await server.connect();
      const tab2 = await server.connect({ token: tab1.session.token });
      const name = tab1.username;
      const users = await watcher.next<Users>('active_users', (p) => p.users.includes(name));
      expect(users.users.filter((u) => u === name)).toHaveLength(1);
      expect((await server.http().get('/api/users')).body.users.filter((u: { username: string }) => u.username === name)).toHaveLength(1);

      tab1.close();
      await tab2.ask('join', { room: 'General' });
      tab2.close();
      await watcher.next<Users>('active_users', (p) => !p.users.includes(name));
      const statuses = watcher.received('status') as { msg: string }[];
      expect(statuses.filter((s) => s.msg.startsWith(name))).toEqual([]);
      expect(watcher.received('active_users').slice(-1)).toEqual([{ users: expect.not.arrayContaining([name]) }]);
    });

    it("tells every tab of a user about the user's joins and leaves", async () => {
      const tab1 = await server.connect();
      const tab2 = await server.connect({ token: tab1.session.token });
      await tab1.ask('join', { room: 'The Nerd Nook' });
      await expect(tab2.next('membership')).resolves.toEqual({ room: 'The Nerd Nook', joined: true });
      await tab1.ask('leave', { room: 'The Nerd Nook' });
      await expect(tab2.next('membership')).resolves.toEqual({ room: 'The Nerd Nook', joined: false, reason: 'left' });
    });

    it('delivers room messages to every tab of a member, even one that never joined', async () => {
      const tab1 = await server.connect();
      const tab2 = await server.connect({ token: tab1.session.token });
      await tab1.ask('join', { room: 'Code with Josh' });
      const tab3 = await server.connect({ token: tab1.session.token });
      await tab1.ask('message', { room: 'Code with Josh', msg: 'to all my tabs' });
      await expect(tab2.next('message')).resolves.toMatchObject({ msg: 'to all my tabs' });
      await expect(tab3.next('message')).resolves.toMatchObject({ msg: 'to all my tabs' });
    });
  });

  describe('leaving by disconnecting', () => {
    const startOwnApp = appsClosedAfterEach();

    it('announces neither a leave nor a join when a page reloads within the grace period', async () => {
      // A grace period long enough for a reload even on a loaded machine.
      const server = await startOwnApp({ PRESENCE_GRACE_MS: '1500' });
      const watcher = await server.connect();
      await watcher.ask('join', { room: 'The Nerd Nook' });
      const alice = await server.connect();
      await alice.ask('join', { room: 'The Nerd Nook' });
      await watcher.next('status', (s) => s.msg === `${alice.username} has joined the room.`);

      alice.close();
      const reloaded = await server.connect({ token: alice.session.token });
      await expect(reloaded.ask('join', { room: 'The Nerd Nook' })).resolves.toMatchObject({ joined: false });
      await reloaded.ask('message', { room: 'The Nerd Nook', msg: 'still here' });
      await watcher.next('message', (m) => m.msg === 'still here');

      // Outlast the grace period by waiting for someone else's leave to be announced.
      const other = await server.connect();
      await other.ask('join', { room: 'The Nerd Nook' });
      other.close();
      await watcher.next('status', (s) => s.msg === `${other.username} has left the room.`);
      const aboutAlice = (watcher.received('status') as { msg: string }[]).filter((s) => s.msg.startsWith(`${alice.username} `));
      expect(aboutAlice.map((s) => s.msg)).toEqual([`${alice.username} has joined the room.`]);
    });

    it('announces the leave after the grace period once the last connection closes', async () => {
      const watcher = await server.connect();
      await watcher.ask('join', { room: 'Zero to Knowing' });
      const alice = await server.connect();
      await alice.ask('join', { room: 'Zero to Knowing' });
      alice.close();
      await expect(watcher.next('status', (s) => s.type === 'leave')).resolves.toMatchObject({
        msg: `${alice.username} has left the room.`,
        room: 'Zero to Knowing',
      });
      await watcher.next<Users>('active_users', (p) => !p.users.includes(alice.username));
      expect((await server.http().get('/api/rooms/Zero%20to%20Knowing')).body.members).not.toContain(alice.username);
    });
  });
});
