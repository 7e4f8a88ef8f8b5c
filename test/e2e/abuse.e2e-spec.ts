import { eventually } from '../support/eventually';
import { send } from '../support/raw-http';
import { connect, type TestSocket } from '../support/socket';
import { startApp, type TestApp } from '../support/test-app';

type Rejection = { ok: false; error: { code: string; message: string; retryAfterMs?: number } };

const REAL_LIMITS = {
  RATE_LIMIT_MESSAGES: '5,10',
  RATE_LIMIT_JOINS: '2,10',
  RATE_LIMIT_PRIVATE_MESSAGES: '5,10',
};

describe('abuse', () => {
  describe('rate limits (5 messages/s, burst 10)', () => {
    let server: TestApp;

    beforeAll(async () => {
      server = await startApp(REAL_LIMITS);
    });

    afterAll(async () => {
      await server.close();
    });

    it('rejects messages beyond the burst with rate_limited and a retry-after, storing none of them', async () => {
      const alice = await server.connect();
      await alice.ask('join', { room: 'General' });
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => alice.ask<{ ok: boolean } | Rejection>('message', { room: 'General', msg: `m${i}` })),
      );
      expect(answers.filter((a) => a.ok)).toHaveLength(10);
      const limited = answers.filter((a): a is Rejection => !a.ok);
      expect(limited).toHaveLength(2);
      expect(limited[0]).toEqual({
        ok: false,
        error: { code: 'rate_limited', message: expect.any(String), retryAfterMs: expect.any(Number) },
      });
      expect(limited[0]!.error.retryAfterMs).toBeGreaterThan(0);
      const page = await server.http().get('/api/rooms/General/messages?limit=100').expect(200);
      expect(page.body.messages.filter((m: { username: string }) => m.username === alice.username)).toHaveLength(10);
    });

    it('shares the per-user bucket between the tabs of one user', async () => {
      const tab1 = await server.connect();
      const tab2 = await server.connect({ token: tab1.session.token });
      await tab1.ask('join', { room: 'Code with Josh' });
      await Promise.all(Array.from({ length: 10 }, (_, i) => tab1.ask('message', { room: 'Code with Josh', msg: `t${i}` })));
      await expect(tab2.ask('message', { room: 'Code with Josh', msg: 'one more' })).resolves.toMatchObject({
        error: { code: 'rate_limited' },
      });
      const other = await server.connect();
      await other.ask('join', { room: 'Code with Josh' });
      await expect(other.ask('message', { room: 'Code with Josh', msg: 'someone else' })).resolves.toMatchObject({ ok: true });
    });

    it('limits joins and private messages too', async () => {
      const alice = await server.connect();
      const bob = await server.connect();
      const joins = await Promise.all(Array.from({ length: 11 }, () => alice.ask<{ ok: boolean }>('join', { room: 'The Nerd Nook' })));
      expect(joins.filter((a) => !a.ok)).toEqual([expect.objectContaining({ error: expect.objectContaining({ code: 'rate_limited' }) })]);
      const pms = await Promise.all(
        Array.from({ length: 11 }, () => alice.ask<{ ok: boolean }>('private_message', { target: bob.username, msg: 'hi' })),
      );
      expect(pms.filter((a) => !a.ok)).toHaveLength(1);
    });

    it('disconnects a socket that keeps flooding', async () => {
      const flooder = await server.connect();
      const disconnected = new Promise<string>((resolve) => flooder.raw.once('disconnect', resolve));
      for (let i = 0; i < 60; i++) flooder.raw.emit('message', { room: 'General', msg: 'spam' });
      await expect(disconnected).resolves.toBe('io server disconnect');
      await expect(flooder.next('error', (e) => e.code === 'rate_limited')).resolves.toMatchObject({
        event: 'message',
        retryAfterMs: expect.any(Number),
      });
    });
  });

  describe('unknown events (real limits)', () => {
    let server: TestApp;

    beforeAll(async () => {
      server = await startApp(REAL_LIMITS);
    });

    afterAll(async () => {
      await server.close();
    });

    it('limits a socket that floods unknown events, and disconnects it if it keeps on', async () => {
      const flooder = await server.connect();
      const bystander = await server.connect();
      const disconnected = new Promise<string>((resolve) => flooder.raw.once('disconnect', resolve));
      const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('still connected after 5 s'), 5000).unref());
      for (let i = 0; i < 1000; i++) flooder.raw.emit('drop_tables', { table: 'events' });
      await expect(Promise.race([disconnected, timeout])).resolves.toBe('io server disconnect');
      await expect(flooder.next('error', (e) => e.code === 'rate_limited')).resolves.toMatchObject({
        event: 'drop_tables',
        retryAfterMs: expect.any(Number),
      });
      await bystander.ask('join', { room: 'General' });
      await expect(bystander.ask('message', { room: 'General', msg: 'unaffected' })).resolves.toMatchObject({ ok: true });
    }, 15_000);
  });

  describe('connections per address', () => {
    it('refuses connections beyond MAX_CONNECTIONS_PER_IP and admits again once one closes', async () => {
      const server = await startApp({ MAX_CONNECTIONS_PER_IP: '3' });
      try {
        const sockets = [await server.connect(), await server.connect(), await server.connect()];
        await expect(connect(server.url)).rejects.toMatchObject({ message: 'too_many_connections' });
        sockets[0]!.close();
        // The server frees the slot when it sees the close, which no client event tells: try again after a pause.
        let admitted: TestSocket | undefined;
        await eventually(async () => {
          admitted = await server.connect().catch((error: Error) => {
            expect(error.message).toBe('too_many_connections');
            return undefined;
          });
          return admitted !== undefined;
        });
        expect(admitted).toMatchObject({ session: expect.any(Object) });
      } finally {
        await server.close();
      }
    });
  });

  describe('half-open connections', () => {
    /** A polling session that connects and closes in one request, while the server is still identifying it. */
    const connectAndClose = async (url: string): Promise<void> => {
      const opened = await send(url, 'GET', '/socket.io/?EIO=4&transport=polling');
      const sid = /"sid":"([^"]+)"/.exec(opened.body)?.[1];
      if (sid === undefined) throw new Error(`no session: ${opened.status} ${opened.body}`);
      await send(
        url,
        'POST',
        `/socket.io/?EIO=4&transport=polling&sid=${sid}`,
        { 'Content-Type': 'text/plain;charset=UTF-8' },
        '40\u001e1',
      );
    };

    const slotsHeld = async (server: TestApp): Promise<number> => {
      const metrics = (await server.http().get('/metrics').expect(200)).text;
      return Number(/^chat_connection_slots (\d+)$/m.exec(metrics)?.[1]);
    };

    it('release every connection slot they took, so the address is never locked out', async () => {
      const server = await startApp({ MAX_CONNECTIONS_PER_IP: '50' });
      try {
        for (let batch = 0; batch < 20; batch++) await Promise.all(Array.from({ length: 50 }, () => connectAndClose(server.url)));
        await eventually(async () => (await slotsHeld(server)) === 0);
        const alice = await server.connect();
        expect(alice.session).toMatchObject({ username: expect.any(String) });
        expect(await slotsHeld(server)).toBe(1);
      } finally {
        await server.close();
      }
    }, 60_000);
  });

  describe('client addresses behind a proxy (TRUST_PROXY=true: one proxy)', () => {
    const through = (client: string, written = ''): Record<string, string> => ({
      'x-forwarded-for': written === '' ? client : `${written}, ${client}`,
    });

    it('counts connections by the address the proxy saw, whatever the client wrote to the left of it', async () => {
      const server = await startApp({ MAX_CONNECTIONS_PER_IP: '2', TRUST_PROXY: 'true' });
      try {
        await connect(server.url, { headers: through('198.51.100.1', '203.0.113.1') });
        await connect(server.url, { headers: through('198.51.100.1', '203.0.113.2') });
        await expect(connect(server.url, { headers: through('198.51.100.1', '203.0.113.3') })).rejects.toMatchObject({
          message: 'too_many_connections',
        });
        // Another client behind the same proxy is not locked out by the first one.
        await expect(connect(server.url, { headers: through('198.51.100.2', '198.51.100.1') })).resolves.toMatchObject({
          session: expect.any(Object),
        });
      } finally {
        await server.close();
      }
    });

    it('limits sign-in attempts by the address the proxy saw, over HTTP too', async () => {
      const server = await startApp({ TRUST_PROXY: 'true', RATE_LIMIT_SIGN_INS: '0.01,3' });
      try {
        const attempt = (name: string, written: string) =>
          server
            .http()
            .post('/api/auth/login')
            .set(through('198.51.100.1', written))
            .send({ username: name, password: 'not-the-password' });
        for (let i = 0; i < 3; i++) await attempt(`nobody${i}`, `203.0.113.${i}`).expect(401);
        const refused = await attempt('nobody9', '203.0.113.99').expect(429);
        expect(refused.body).toMatchObject({ error: { code: 'rate_limited' } });
        await attempt('nobody9', '198.51.100.1').set('x-forwarded-for', '198.51.100.3').expect(401);
      } finally {
        await server.close();
      }
    });
  });

  describe('origins', () => {
    let server: TestApp;

    beforeAll(async () => {
      server = await startApp({ CORS_ORIGINS: 'https://chat.example.com', TRUST_PROXY: '1' });
    });

    afterAll(async () => {
      await server.close();
    });

    it('refuses a Socket.IO handshake from a foreign origin and accepts an allowed or the same origin', async () => {
      await expect(connect(server.url, { headers: { origin: 'https://evil.example.com' } })).rejects.toBeDefined();
      await expect(connect(server.url, { headers: { origin: 'https://chat.example.com' } })).resolves.toMatchObject({
        session: expect.any(Object),
      });
      await expect(connect(server.url, { headers: { origin: server.url } })).resolves.toMatchObject({ session: expect.any(Object) });
    });

    it('answers HTTP from a foreign origin with 403 and allowed origins with CORS headers', async () => {
      const foreign = await server.http().get('/api/rooms').set('Origin', 'https://evil.example.com').expect(403);
      expect(foreign.body).toEqual({ error: { code: 'origin_not_allowed', message: expect.any(String) } });
      const allowed = await server.http().get('/api/rooms').set('Origin', 'https://chat.example.com').expect(200);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://chat.example.com');
    });

    it('sends security headers and a Content-Security-Policy without inline scripts', async () => {
      const page = await server.http().get('/').expect(200);
      expect(page.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
      expect(page.headers['content-security-policy']).not.toMatch(/unsafe-inline/);
      // Sockets to the page's own host only, not to any ws: or wss: host.
      expect(page.headers['content-security-policy']).toMatch(/connect-src 'self'(;|$)/);
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['x-frame-options']).toBeDefined();
      expect(page.headers['x-powered-by']).toBeUndefined();
    });

    it.each([
      ['GET /', 'get', '/', 200],
      ['POST /api/session', 'post', '/api/session', 201],
    ] as const)('marks the session cookie of %s Secure behind a TLS proxy (TRUST_PROXY)', async (_, method, path, status) => {
      const behindTls = await server.http()[method](path).set('X-Forwarded-Proto', 'https').expect(status);
      expect((behindTls.headers['set-cookie'] as unknown as string[])[0]).toMatch(/; Secure/);
      const plain = await server.http()[method](path).expect(status);
      expect((plain.headers['set-cookie'] as unknown as string[])[0]).not.toMatch(/Secure/);
    });
  });

  describe('identity fields', () => {
    it('never takes username or from from the client', async () => {
      const server = await startApp();
      try {
        const alice = await server.connect();
        const bob = await server.connect();
        await alice.ask('join', { room: 'General' });
        await expect(alice.ask('message', { room: 'General', msg: 'hi', username: bob.username })).resolves.toMatchObject({
          error: { code: 'invalid_payload' },
        });
        await expect(alice.ask('private_message', { target: bob.username, msg: 'hi', from: bob.username })).resolves.toMatchObject({
          error: { code: 'invalid_payload' },
        });
        await expect(alice.ask('message', { room: 'General', msg: 'me' })).resolves.toMatchObject({
          message: { username: alice.username },
        });
      } finally {
        await server.close();
      }
    });
  });
});

describe('metrics', () => {
  it('exposes Prometheus metrics for sockets, users, events, latency, rejections, lag and the event loop', async () => {
    const server = await startApp(REAL_LIMITS);
    try {
      const alice = await server.connect();
      await alice.ask('join', { room: 'General' });
      await alice.ask('message', { room: 'General', msg: 'counted' });
      await alice.ask('join', { room: 'Nowhere' });
      const response = await server
        .http()
        .get('/metrics')
        .expect(200)
        .expect('Content-Type', /text\/plain/);
      const text = response.text;
      expect(text).toMatch(/^chat_connected_sockets 1$/m);
      expect(text).toMatch(/^chat_online_users 1$/m);
      expect(text).toMatch(/^chat_events_appended_total\{type="MessageSent"\} 1$/m);
      expect(text).toMatch(/^chat_rejections_total\{code="unknown_room"\} 1$/m);
      expect(text).toMatch(/^chat_command_duration_seconds_count\{event="message",outcome="ok"\} 1$/m);
      expect(text).toMatch(/^chat_projection_lag_events 0$/m);
      expect(text).toMatch(/^chat_nodejs_eventloop_lag_seconds /m);
    } finally {
      await server.close();
    }
  });
});

describe('metrics behind a token (METRICS_TOKEN)', () => {
  it('answers /metrics only to the bearer of the token, with a JSON 401 otherwise', async () => {
    const server = await startApp({ METRICS_TOKEN: 'scrape-token-0123456789abcdef' });
    try {
      const anonymous = await server.http().get('/metrics').expect(401);
      expect(anonymous.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect(anonymous.headers['www-authenticate']).toBe('Bearer');
      await server.http().get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789abcdef').expect(401);
      await server.http().get('/metrics').set('Authorization', 'scrape-token-0123456789abcdef').expect(401);
      const scraped = await server.http().get('/metrics').set('Authorization', 'Bearer scrape-token-0123456789abcdef').expect(200);
      expect(scraped.text).toMatch(/^chat_connected_sockets 0$/m);
    } finally {
      await server.close();
    }
  });
});
