import { appsClosedAfterEach, guestCookie, startApp, type TestApp } from '../support/test-app';

/**
 * Requests that change state come from the page itself, never from another site, whatever
 * CORS_ORIGINS allows for reads (here the default `*`).
 */
describe('cross-site requests', () => {
  let server: TestApp;
  const EVIL = 'https://evil.example';

  beforeAll(async () => {
    server = await startApp({ CORS_ORIGINS: '*' });
    await server
      .http()
      .post('/api/auth/register')
      .set('Cookie', await guestCookie(server))
      .send({ username: 'Victim', password: 'victim-password' })
      .expect(201);
  });

  afterAll(async () => {
    await server.close();
  });

  const refusedWith = (response: { status: number; body: unknown; headers: Record<string, unknown> }, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error: { code, message: expect.any(String) } });
    expect(response.headers['set-cookie']).toBeUndefined();
  };

  it('refuses a form posted from another site to sign in (login CSRF), setting no cookie', async () => {
    const response = await server
      .http()
      .post('/api/auth/login')
      .set('Origin', EVIL)
      .type('form')
      .send('username=Victim&password=victim-password');
    refusedWith(response, 403, 'origin_not_allowed');
  });

  it('refuses JSON from another site to sign in, register, sign out or upload', async () => {
    const cookie = await guestCookie(server);
    refusedWith(
      await server.http().post('/api/auth/login').set('Origin', EVIL).send({ username: 'Victim', password: 'victim-password' }),
      403,
      'origin_not_allowed',
    );
    refusedWith(
      await server
        .http()
        .post('/api/auth/register')
        .set('Origin', EVIL)
        .set('Cookie', cookie)
        .send({ username: 'Squatter', password: 'squatter-password' }),
      403,
      'origin_not_allowed',
    );
    refusedWith(await server.http().post('/api/auth/logout').set('Origin', EVIL).set('Cookie', cookie), 403, 'origin_not_allowed');
    refusedWith(
      await server.http().post('/api/files').set('Origin', EVIL).set('Cookie', cookie).attach('file', Buffer.from('hello'), 'a.txt'),
      403,
      'origin_not_allowed',
    );
  });

  it('refuses a request that carries a session cookie but no Origin', async () => {
    const cookie = await guestCookie(server);
    const response = await server.http().post('/api/auth/logout').unset('Origin').set('Cookie', cookie);
    refusedWith(response, 403, 'origin_not_allowed');
  });

  it('accepts a request without Origin or cookie, as a command-line client sends it', async () => {
    await server.http().post('/api/auth/login').unset('Origin').send({ username: 'Victim', password: 'victim-password' }).expect(200);
  });

  it('accepts only JSON bodies (and multipart for uploads), even from the page itself', async () => {
    refusedWith(
      await server.http().post('/api/auth/login').type('form').send('username=Victim&password=victim-password'),
      415,
      'unsupported_media_type',
    );
    refusedWith(
      await server
        .http()
        .post('/api/auth/login')
        .set('Content-Type', 'text/plain')
        .send('{"username":"Victim","password":"victim-password"}'),
      415,
      'unsupported_media_type',
    );
    refusedWith(await server.http().post('/api/auth/login').attach('file', Buffer.from('x'), 'x.txt'), 415, 'unsupported_media_type');
    await server.http().post('/api/auth/login').send({ username: 'Victim', password: 'victim-password' }).expect(200);
  });

  it('never grants credentials to an origin it only echoes for `*`', async () => {
    const response = await server.http().get('/api/rooms').set('Origin', EVIL).expect(200);
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });
});

describe('cross-site requests with CORS_ORIGINS listing a site', () => {
  const start = appsClosedAfterEach();

  it('lets the listed site sign in with credentials, and no other', async () => {
    const server = await start({ CORS_ORIGINS: 'https://chat.example.com' });
    const listed = await server
      .http()
      .post('/api/auth/login')
      .set('Origin', 'https://chat.example.com')
      .send({ username: 'Nobody', password: 'wrong-password' });
    expect(listed.status).toBe(401);
    expect(listed.headers['access-control-allow-credentials']).toBe('true');
    await server
      .http()
      .post('/api/auth/login')
      .set('Origin', 'https://evil.example')
      .send({ username: 'Nobody', password: 'wrong-password' })
      .expect(403);
  });
});
