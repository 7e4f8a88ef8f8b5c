import { connect } from '../support/socket';
import { appsClosedAfterEach, cookieOf, startApp, type TestApp } from '../support/test-app';

/** The `name=value` of the session cookie a response sets, or undefined when it sets none. */
const setCookie = (response: { headers: Record<string, unknown> }): string | undefined =>
  response.headers['set-cookie'] === undefined ? undefined : cookieOf(response);

const eventTypes = async (server: TestApp): Promise<string[]> => (await server.store.readAll(0, 100_000)).map((event) => event.type);

describe('guests from thin air', () => {
  describe('reads and the page', () => {
    let server: TestApp;

    beforeAll(async () => {
      server = await startApp();
    });

    afterAll(async () => {
      await server.close();
    });

    it('writes nothing to the log for 10,000 cookie-less GETs of the page and every read', async () => {
      const paths = [
        '/',
        '/api/session',
        '/api/rooms',
        '/api/rooms/General',
        '/api/users',
        '/api/rooms/General/messages',
        '/api/private/Guest1234/messages',
        '/api/files/no-such-file',
        '/health',
        '/ready',
      ];
      const head = await server.store.headPosition();
      let sent = 0;
      const statuses = new Map<number, number>();
      const worker = async (): Promise<void> => {
        while (sent < 10_000) {
          const path = paths[sent++ % paths.length]!;
          // fetch keeps connections alive and sends no cookies.
          const response = await fetch(`${server.url}${path}`);
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: 50 }, worker));
      expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
      expect(await server.store.headPosition()).toBe(head);
    }, 120_000);

    it('answers GET /api/session without a session 401 session_required, writing nothing, and sets a pending cookie', async () => {
      const head = await server.store.headPosition();
      const response = await server.http().get('/api/session').expect(401);
      expect(response.body).toEqual({ error: { code: 'session_required', message: expect.any(String) } });
      expect(setCookie(response)).toMatch(/^chat_session=/);
      expect(await server.store.headPosition()).toBe(head);
    });

    it('answers a private conversation without a session 401 session_required, starting no guest', async () => {
      const head = await server.store.headPosition();
      const response = await server.http().get('/api/private/Guest1234/messages').expect(401);
      expect(response.body).toEqual({ error: { code: 'session_required', message: expect.any(String) } });
      expect(await server.store.headPosition()).toBe(head);
    });

    it('starts a guest on POST /api/session (201, cookie), which GET /api/session then answers as before', async () => {
      const created = await server.http().post('/api/session').expect(201);
      expect(created.body).toEqual({
        username: expect.stringMatching(/^Guest\d+$/),
        resumed: false,
        account: false,
        rooms: [],
        maxUploadBytes: expect.any(Number),
      });
      const cookie = cookieOf(created);
      const again = await server.http().get('/api/session').set('Cookie', cookie).expect(200);
      expect(again.body).toEqual({ ...created.body, resumed: true });
      expect(setCookie(again)).toBeUndefined();
      const resumed = await server.http().post('/api/session').set('Cookie', cookie).expect(200);
      expect(resumed.body).toEqual({ ...created.body, resumed: true });
    });

    it('starts the guest of a pending cookie under its id on POST /api/session', async () => {
      const pending = cookieOf(await server.http().get('/').expect(200));
      const created = await server.http().post('/api/session').set('Cookie', pending).expect(201);
      expect(cookieOf(created)).toBe(pending);
      const socket = await server.connect({ cookie: pending });
      expect(socket.session).toMatchObject({ username: created.body.username, resumed: true });
    });

    it('keeps the name of the original client across reloads: GET /, connect with the cookie, reload, connect', async () => {
      const head = await server.store.headPosition();
      const page = await server.http().get('/').expect(200);
      const cookie = cookieOf(page);
      const reload = await server.http().get('/').set('Cookie', cookie).expect(200);
      // A reload before any socket connected keeps the one pending session.
      expect(setCookie(reload) ?? cookie).toBe(cookie);
      expect(await server.store.headPosition()).toBe(head);

      const first = await server.connect({ cookie });
      expect(first.session).toMatchObject({ username: expect.stringMatching(/^Guest\d+$/), resumed: false, account: false });
      expect(first.session.refused).toBeUndefined();
      expect(first.session.token).toBe(decodeURIComponent(cookie.slice('chat_session='.length)));
      const started = (await server.store.readAll(head, 100)).filter((event) => event.type === 'SessionStarted');
      expect(started).toHaveLength(1);
      first.close();

      const later = await server.http().get('/').set('Cookie', cookie).expect(200);
      expect(setCookie(later) ?? cookie).toBe(cookie);
      const second = await server.connect({ cookie });
      expect(second.session).toMatchObject({ username: first.username, resumed: true });
      await expect(server.http().get('/api/session').set('Cookie', cookie).expect(200)).resolves.toMatchObject({
        body: { username: first.username, resumed: true },
      });
    });

    it('starts one guest with one name when two tabs connect at once with one pending cookie', async () => {
      const cookie = cookieOf(await server.http().get('/').expect(200));
      const head = await server.store.headPosition();
      const [a, b] = await Promise.all([server.connect({ cookie }), server.connect({ cookie })]);
      expect(a.username).toBe(b.username);
      const started = (await server.store.readAll(head, 100)).filter((event) => event.type === 'SessionStarted');
      expect(started).toHaveLength(1);
      const claimed = (await server.store.readAll(head, 100)).filter((event) => event.type === 'UsernameClaimed');
      expect(claimed).toHaveLength(1);
    });

    it('starts a fresh guest for a socket with a forged token or none', async () => {
      const none = await server.connect();
      expect(none.session).toMatchObject({ resumed: false });
      const forged = await server.connect({ cookie: 'chat_session=forged.token' });
      expect(forged.session).toMatchObject({ resumed: false, refused: 'invalid_token' });
      expect(forged.username).not.toBe(none.username);
    });
  });

  describe('GUESTS_PER_IP', () => {
    const start = appsClosedAfterEach();

    it('refuses the guest beyond the limit on a socket (too_many_guests) and over HTTP (429), writing nothing', async () => {
      const server = await start({ GUESTS_PER_IP: '3' });
      const guests = [await server.connect(), await server.connect(), await server.connect()];
      const head = await server.store.headPosition();

      const refused = await connect(server.url).then(
        () => undefined,
        (error: Error & { data?: unknown }) => error,
      );
      expect(refused?.message).toBe('too_many_guests');
      expect(refused?.data).toEqual({ code: 'too_many_guests', message: expect.any(String), retryAfterMs: expect.any(Number) });

      const pending = cookieOf(await server.http().get('/').expect(200));
      await expect(connect(server.url, { cookie: pending })).rejects.toMatchObject({ message: 'too_many_guests' });

      const limited = await server.http().post('/api/session').expect(429);
      expect(limited.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String), retryAfterMs: expect.any(Number) } });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      await server.http().post('/api/auth/register').send({ username: 'newcomer', password: 'long enough password' }).expect(429);
      expect(await server.store.headPosition()).toBe(head);

      // A resumed session never counts.
      const back = await server.connect({ token: guests[0]!.session.token });
      expect(back.session).toMatchObject({ username: guests[0]!.username, resumed: true });
      expect(await eventTypes(server)).not.toContain('AccountRegistered');
    });

    it('frees the connection slot of a refused guest', async () => {
      const server = await start({ GUESTS_PER_IP: '1', MAX_CONNECTIONS_PER_IP: '2' });
      const guest = await server.connect();
      // Still open after their refusal: if they held slots, the resume below would be too_many_connections.
      const refused = Array.from({ length: 3 }, () => connect(server.url));
      for (const attempt of refused) await expect(attempt).rejects.toMatchObject({ message: 'too_many_guests' });
      const tab = await server.connect({ token: guest.session.token });
      expect(tab.session).toMatchObject({ username: guest.username, resumed: true });
    });

    it('counts the guests that POST /api/session starts', async () => {
      const server = await start({ GUESTS_PER_IP: '2' });
      const first = await server.http().post('/api/session').expect(201);
      await server.http().post('/api/session').expect(201);
      await server.http().post('/api/session').expect(429);
      await server.http().post('/api/session').set('Cookie', cookieOf(first)).expect(200);
      await expect(connect(server.url)).rejects.toMatchObject({ message: 'too_many_guests' });
    });
  });
});
