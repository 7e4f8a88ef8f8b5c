import { cookieOf, startApp, type TestApp } from '../support/test-app';

// Every sign-in and registration hashes a password with scrypt on purpose (tens of milliseconds of
// CPU each): on a busy two-core machine these specs need more than the default five seconds.
jest.setTimeout(30_000);

describe('accounts', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await server.close();
  });

  const guest = async () => {
    const response = await server.http().post('/api/session').expect(201);
    return { cookie: cookieOf(response), username: response.body.username as string };
  };

  it('lets a guest claim a name with a password and keep what they wrote', async () => {
    const { cookie } = await guest();
    const socket = await server.connect({ cookie });
    const watcher = await server.connect();
    await socket.ask('join', { room: 'General' });
    const before = await socket.ask<{ message: { id: string } }>('message', { room: 'General', msg: 'as a guest' });

    const registered = await server
      .http()
      .post('/api/auth/register')
      .set('Cookie', cookie)
      .send({ username: 'Ada', password: 'correct horse battery' })
      .expect(201);
    expect(registered.body).toEqual({ username: 'Ada', account: true });
    expect(JSON.stringify(registered.body)).not.toContain('correct horse');

    await expect(socket.next('identity')).resolves.toEqual({ username: 'Ada', account: true });
    await expect(watcher.next<{ users: string[] }>('active_users', (p) => p.users.includes('Ada'))).resolves.toBeDefined();
    const after = await socket.ask<{ message: { username: string } }>('message', { room: 'General', msg: 'as Ada' });
    expect(after.message.username).toBe('Ada');
    await expect(server.http().get('/api/session').set('Cookie', cookie).expect(200)).resolves.toMatchObject({
      body: { username: 'Ada', account: true, resumed: true },
    });
    const stream = await server.store.readStream(`session-${socket.session.token.split(/[.:]/)[0]}`);
    expect(stream.map((e) => e.type)).toEqual(['SessionStarted', 'AccountRegistered']);
    expect(JSON.stringify(stream)).not.toContain('correct horse');
    const page = await server.http().get('/api/rooms/General/messages').expect(200);
    expect(page.body.messages.map((m: { id: string }) => m.id)).toContain(before.message.id);
  });

  it('reserves registered names case-insensitively and for look-alikes', async () => {
    const first = await guest();
    await server
      .http()
      .post('/api/auth/register')
      .set('Cookie', first.cookie)
      .send({ username: 'Grace', password: 'password-one' })
      .expect(201);
    for (const name of ['grace', 'GRACE', 'Ｇｒａｃｅ']) {
      const other = await guest();
      const response = await server
        .http()
        .post('/api/auth/register')
        .set('Cookie', other.cookie)
        .send({ username: name, password: 'password-two' });
      expect({ name, status: response.status, body: response.body }).toEqual({
        name,
        status: 409,
        body: { error: { code: 'name_taken', message: expect.any(String) } },
      });
    }
    const again = await server
      .http()
      .post('/api/auth/register')
      .set('Cookie', first.cookie)
      .send({ username: 'Grace2', password: 'password-one' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_registered');
  });

  it('does not let anyone register a name a guest already has', async () => {
    const holder = await guest();
    const other = await guest();
    const response = await server
      .http()
      .post('/api/auth/register')
      .set('Cookie', other.cookie)
      .send({ username: holder.username, password: 'password-three' });
    expect(response.status).toBe(409);
  });

  it('signs in on another device with a new session cookie, as the account', async () => {
    const { cookie } = await guest();
    await server.http().post('/api/auth/register').set('Cookie', cookie).send({ username: 'Linus', password: 'penguins-rule' }).expect(201);
    const login = await server.http().post('/api/auth/login').send({ username: 'linus', password: 'penguins-rule' }).expect(200);
    expect(login.body).toEqual({ username: 'Linus', account: true });
    const deviceCookie = cookieOf(login);
    expect(login.headers['set-cookie']![0]).toMatch(/HttpOnly/);
    const socket = await server.connect({ cookie: deviceCookie });
    expect(socket.session).toMatchObject({ username: 'Linus', account: true, resumed: true });
  });

  it('answers a wrong password and an unknown user the same way', async () => {
    const { cookie } = await guest();
    await server
      .http()
      .post('/api/auth/register')
      .set('Cookie', cookie)
      .send({ username: 'Margaret', password: 'apollo-eleven' })
      .expect(201);
    const wrong = await server.http().post('/api/auth/login').send({ username: 'Margaret', password: 'apollo-twelve' });
    const unknown = await server.http().post('/api/auth/login').send({ username: 'Nobody', password: 'apollo-twelve' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body).toEqual({ error: { code: 'invalid_credentials', message: expect.any(String) } });
  });

  it('slows down repeated sign-in attempts, per name and per address', async () => {
    // A refill too slow to matter while the spec runs, however loaded the machine.
    const fresh = await startApp({ RATE_LIMIT_SIGN_INS: '0.001,10' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        statuses.push(
          (
            await fresh
              .http()
              .post('/api/auth/login')
              .send({ username: 'Target', password: `guess-${i}-xx` })
          ).status,
        );
      }
      expect(statuses).toEqual([...Array<number>(10).fill(401), 429, 429]);
      const limited = await fresh.http().post('/api/auth/login').send({ username: 'Target', password: 'guess-again' });
      expect(limited.headers['retry-after']).toBeDefined();
      expect(limited.body.error).toEqual({ code: 'rate_limited', message: expect.any(String), retryAfterMs: expect.any(Number) });
      // The address is spent too: another name from the same address waits as well.
      await fresh.http().post('/api/auth/login').send({ username: 'Someone', password: 'guess-again' }).expect(429);
    } finally {
      await fresh.close();
    }
  });

  it.each([
    [{ username: 'ab', password: 'long-enough' }, 'username'],
    [{ username: 'has space', password: 'long-enough' }, 'username'],
    [{ username: 'Valid', password: 'short' }, 'password'],
    [{ username: 'Valid', password: 42 }, 'password'],
    [{ username: 'Valid', password: 'long-enough', admin: true }, 'admin'],
    [[], 'body'],
  ])('names the field of a bad registration %j', async (body, field) => {
    const response = await server
      .http()
      .post('/api/auth/register')
      .send(body as object)
      .expect(400);
    expect(response.body).toEqual({ error: { code: 'invalid_payload', field, message: expect.any(String) } });
  });

  it('signs out to a fresh guest; the old token is refused afterwards, and its sockets are ended', async () => {
    const { cookie } = await guest();
    await server
      .http()
      .post('/api/auth/register')
      .set('Cookie', cookie)
      .send({ username: 'Barbara', password: 'liskov-substitution' })
      .expect(201);
    const socket = await server.connect({ cookie });
    const ended = socket.next('session_ended');
    const logout = await server.http().post('/api/auth/logout').set('Cookie', cookie).expect(200);
    expect(logout.body).toEqual({ username: expect.stringMatching(/^Guest\d+$/), account: false });
    await expect(ended).resolves.toEqual({ reason: 'signed_out' });

    await expect(server.http().get('/api/session').set('Cookie', cookie).expect(401)).resolves.toMatchObject({
      body: { error: { code: 'session_required' } },
    });
    const replay = await server.http().post('/api/session').set('Cookie', cookie).expect(201);
    expect(replay.body).toMatchObject({ resumed: false, account: false });
    expect(replay.body.username).not.toBe('Barbara');
    const replaySocket = await server.connect({ cookie });
    expect(replaySocket.session).toMatchObject({ resumed: false, account: false, refused: 'signed_out' });
    expect(replaySocket.username).not.toBe('Barbara');

    const fresh = await server.connect({ cookie: cookieOf(logout) });
    expect(fresh.session).toMatchObject({ username: logout.body.username, resumed: true, account: false });
    await server.http().post('/api/auth/login').send({ username: 'Barbara', password: 'liskov-substitution' }).expect(200);
  });
});
