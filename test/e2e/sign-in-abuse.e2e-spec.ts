import { appsClosedAfterEach, guestCookie } from '../support/test-app';

/** Behind one proxy (TRUST_PROXY=1), so each request can come from an address of the spec's choosing. */
const from = (address: string): Record<string, string> => ({ 'x-forwarded-for': address });

// Every sign-in and registration hashes a password with scrypt on purpose (tens of milliseconds of
// CPU each): on a busy two-core machine these specs need more than the default five seconds.
jest.setTimeout(30_000);

describe('sign-in and registration under attack', () => {
  const start = appsClosedAfterEach();

  it('lets the owner sign in while others hammer their name from other addresses', async () => {
    const server = await start({ TRUST_PROXY: '1', RATE_LIMIT_SIGN_INS: '0.001,3' });
    await server
      .http()
      .post('/api/auth/register')
      .set('Cookie', await guestCookie(server))
      .send({ username: 'Victim', password: 'the-right-password' })
      .expect(201);

    for (const attacker of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (
            await server
              .http()
              .post('/api/auth/login')
              .set(from(attacker))
              .send({ username: 'Victim', password: `guess-${i}-xxxx` })
          ).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    }

    const owner = await server
      .http()
      .post('/api/auth/login')
      .set(from('198.51.100.7'))
      .send({ username: 'Victim', password: 'the-right-password' });
    expect(owner.status).toBe(200);
    expect(owner.body).toEqual({ username: 'Victim', account: true });
  });

  it('answers rate_limited, without hashing, when more passwords arrive at once than it hashes', async () => {
    const server = await start({ RATE_LIMIT_SIGN_INS: '1000,1000' });
    const cookies = await Promise.all(Array.from({ length: 40 }, () => guestCookie(server)));
    const answers = await Promise.all(
      cookies.map((cookie, i) =>
        server
          .http()
          .post('/api/auth/register')
          .set('Cookie', cookie)
          .send({ username: `Crowd${i}`, password: 'a-long-password' }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThan(0);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 201 || status === 429)).toBe(true);
    for (const answer of refused)
      expect(answer.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String), retryAfterMs: expect.any(Number) } });
    // A refused registration claimed nothing: the name is still free for its owner.
    const index = answers.findIndex((answer) => answer.status === 429);
    await server
      .http()
      .post('/api/auth/register')
      .set('Cookie', await guestCookie(server))
      .send({ username: `Crowd${index}`, password: 'a-long-password' })
      .expect(201);
  }, 60_000);

  it('limits registrations per address, so one address cannot squat names by the hundred', async () => {
    const server = await start({ TRUST_PROXY: '1', RATE_LIMIT_REGISTRATIONS: '0.001,3' });
    const register = async (name: string, address: string) =>
      server
        .http()
        .post('/api/auth/register')
        .set(from(address))
        .set('Cookie', await guestCookie(server))
        .send({ username: name, password: 'a-long-password' });

    for (const name of ['Squat1', 'Squat2', 'Squat3']) expect((await register(name, '203.0.113.5')).status).toBe(201);
    const refused = await register('Squat4', '203.0.113.5');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String), retryAfterMs: expect.any(Number) } });
    // Nothing was claimed by the refused request, and another address registers as usual.
    expect((await register('Squat4', '198.51.100.9')).status).toBe(201);
  });

  it('leaves no claim behind a registration that fails, so the name stays free for someone else', async () => {
    const server = await start();
    const cookie = await guestCookie(server);
    const register = (name: string, sessionCookie: string) =>
      server.http().post('/api/auth/register').set('Cookie', sessionCookie).send({ username: name, password: 'a-long-password' });

    expect((await register('FirstName', cookie)).status).toBe(201);
    const again = await register('SecondName', cookie);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'already_registered' } });
    expect((await register('SecondName', await guestCookie(server))).status).toBe(201);
  });
});
