import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../src/application/ports/event-store.port';
import { NameKey } from '../../src/application/ports/name-key.port';
import { PasswordHasher } from '../../src/application/ports/password-hasher.port';
import { UsersReadModel } from '../../src/application/read-models/users.read-model';
import { decodeState } from '../../src/application/state-codec';
import type { DomainEvent } from '../../src/domain/events';
import { eventually } from '../support/eventually';
import { appsClosedAfterEach, cookieOf, tempDataDir, type TestApp } from '../support/test-app';

const GUESTS = 2000;
const BATCH = 50;

/** Runs `work` for 0 … count-1, `BATCH` at a time, and returns the results in order. */
const inBatches = async <T>(count: number, work: (i: number) => Promise<T>): Promise<T[]> => {
  const results: T[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const size = Math.min(BATCH, count - start);
    results.push(...(await Promise.all(Array.from({ length: size }, (_, i) => work(start + i)))));
  }
  return results;
};

/** The users read model as saved in the read-models snapshot (written at the last clean stop). */
const savedUsers = async (server: TestApp) => {
  const snapshot = await server.store.readSnapshot('read-models');
  if (snapshot === undefined) throw new Error('no read-models snapshot');
  return { bytes: snapshot.data.length, users: (decodeState(snapshot.data) as { users: Record<string, Map<unknown, unknown>> }).users };
};

const sizes = (state: unknown): Record<string, number> =>
  Object.fromEntries(Object.entries(state as Record<string, Map<unknown, unknown>>).map(([name, map]) => [name, map.size]));

const nobody = { online: 0, legacy: 0, registered: 0, conversations: 0 };

describe('sessions and accounts on demand: nothing in memory for the guests who ever visited', () => {
  const startApp = appsClosedAfterEach();

  it('holds none of 2,000 guests who came and went, and after a restart each comes back under their name, read from the store', async () => {
    const dataDir = tempDataDir();
    const server = await startApp({}, dataDir);
    const guests = await inBatches(GUESTS, async () => {
      const socket = await server.connect();
      const guest = { token: socket.session.token, username: socket.username };
      socket.close();
      return guest;
    });
    expect(new Set(guests.map((guest) => guest.username)).size).toBe(GUESTS);
    const users = server.app.get(UsersReadModel);
    await eventually(() => Promise.resolve(users.onlineUsers().length === 0), 20_000);
    expect(sizes(users.exportState())).toEqual(nobody);
    expect(users.snapshot()).toEqual({ online: [], legacy: [], conversations: [] });
    await server.close();

    // The cache holds 10 streams: every session below is read from its stream in the store.
    const restarted = await startApp({ AGGREGATE_CACHE_SIZE: '10' }, dataDir);
    const saved = await savedUsers(restarted);
    expect(sizes(saved.users)).toEqual(nobody);
    // The whole read-models snapshot (rooms' windows included) stays small, whatever the number of guests.
    expect(saved.bytes).toBeLessThan(64 * 1024);
    const back = await inBatches(GUESTS, async (i) => {
      const response = await restarted.http().get('/api/session').set('Cookie', `chat_session=${guests[i]!.token}`).expect(200);
      return { token: guests[i]!.token, username: response.body.username as string, resumed: response.body.resumed as boolean };
    });
    expect(back).toEqual(guests.map((guest) => ({ ...guest, resumed: true })));
    for (const guest of [guests[0]!, guests[GUESTS - 1]!]) {
      const socket = await restarted.connect({ token: guest.token });
      expect(socket.session).toMatchObject({ username: guest.username, resumed: true, account: false });
      socket.close();
    }
  }, 120_000);

  it('signs an account in after a restart, keeps a signed-out token refused, and finds an offline user by name', async () => {
    const dataDir = tempDataDir();
    const server = await startApp({}, dataDir);
    const guest = await server.http().post('/api/session').expect(201);
    const cookie = cookieOf(guest);
    await server
      .http()
      .post('/api/auth/register')
      .set('Cookie', cookie)
      .send({ username: 'Ada', password: 'analytical-engine' })
      .expect(201);
    const ada = await server.connect({ cookie });
    const bob = await server.connect();
    await ada.ask('private_message', { target: bob.username, msg: 'hello Bob' });
    const bobToken = bob.session.token;
    const bobName = bob.username;
    const leaving = await server.http().post('/api/session').expect(201);
    const leavingCookie = cookieOf(leaving);
    await server.http().post('/api/auth/logout').set('Cookie', leavingCookie).expect(200);
    ada.close();
    bob.close();
    await server.close();

    const restarted = await startApp({ AGGREGATE_CACHE_SIZE: '10' }, dataDir);
    // More streams read than the cache holds, so nothing below comes from memory.
    await inBatches(20, async () => (await restarted.connect()).close());

    const login = await restarted.http().post('/api/auth/login').send({ username: 'ada', password: 'analytical-engine' }).expect(200);
    expect(login.body).toEqual({ username: 'Ada', account: true });
    await restarted.http().post('/api/auth/login').send({ username: 'Ada', password: 'wrong-password' }).expect(401);
    await restarted.http().post('/api/auth/login').send({ username: 'Nobody', password: 'analytical-engine' }).expect(401);

    await expect(restarted.http().get('/api/session').set('Cookie', leavingCookie).expect(401)).resolves.toMatchObject({
      body: { error: { code: 'session_required' } },
    });
    const replay = await restarted.connect({ cookie: leavingCookie });
    expect(replay.session).toMatchObject({ resumed: false, refused: 'signed_out' });
    expect(replay.username).not.toBe(leaving.body.username);

    // Bob is offline: Ada's conversation with him is found by his name, and he is still himself.
    const page = await restarted.http().get(`/api/private/${bobName}/messages`).set('Cookie', cookieOf(login)).expect(200);
    expect(page.body.messages.map((m: { msg: string }) => m.msg)).toEqual(['hello Bob']);
    const bobAgain = await restarted.connect({ token: bobToken });
    expect(bobAgain.session).toMatchObject({ resumed: true, account: false });
  }, 60_000);

  describe('claims written before names compared by their skeleton', () => {
    const metadata = () => ({
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      correlationId: 'legacy',
      causationId: 'legacy',
      node: 'legacy-node',
    });
    const event = (e: DomainEvent): NewEvent => ({ ...e, metadata: metadata() }) as NewEvent;

    it('are carried over to their skeleton stream once, and a look-alike of one is refused after a restart with a small cache', async () => {
      const dataDir = tempDataDir();
      const seeding = await startApp({}, dataDir);
      await seeding.store.append(
        'username-guest4321',
        [event({ type: 'UsernameClaimed', data: { username: 'Guest4321', userId: 'old-guest' } })],
        0,
      );
      await seeding.store.append(
        'session-old-guest',
        [event({ type: 'SessionStarted', data: { sessionId: 'old-guest', username: 'Guest4321', kind: 'guest' } })],
        0,
      );
      await seeding.close();

      const first = await startApp({ AGGREGATE_CACHE_SIZE: '10' }, dataDir);
      expect(first.app.get(UsersReadModel).legacyClaims()).toEqual([]);
      const key = first.app.get(NameKey).key('Guest4321');
      expect(key).not.toBe('guest4321');
      const carried = await first.store.readStream(`username-${key}`);
      expect(carried.map((e) => [e.type, e.data])).toEqual([['UsernameClaimed', { username: 'Guest4321', userId: 'old-guest' }]]);
      await first.close();

      const second = await startApp({ AGGREGATE_CACHE_SIZE: '10' }, dataDir);
      expect(await second.store.readStream(`username-${key}`)).toHaveLength(1);
      await inBatches(20, async () => (await second.connect()).close());
      const holder = await second.http().post('/api/session').expect(201);
      for (const name of ['guest4321', 'Guest432l', 'Gu\u0435st4321']) {
        const response = await second
          .http()
          .post('/api/auth/register')
          .set('Cookie', cookieOf(holder))
          .send({ username: name, password: 'look-alike-pass' });
        expect({ name, status: response.status, code: response.body?.error?.code }).toEqual({ name, status: 409, code: 'name_taken' });
      }
    }, 60_000);

    it('lets both of two old accounts whose names share a key sign in, each under its own name', async () => {
      const dataDir = tempDataDir();
      const seeding = await startApp({}, dataDir);
      const passwordHash = await seeding.app.get(PasswordHasher).hash('old-account-password');
      // Mallory's key is rnallory, the NFKC-lowercased name of the second account: both were allowed then.
      const accounts = [
        { userId: 'old-mallory', username: 'Mallory', stream: 'username-mallory' },
        { userId: 'old-rnallory', username: 'Rnallory', stream: 'username-rnallory' },
      ];
      for (const { userId, username, stream } of accounts) {
        await seeding.store.append(stream, [event({ type: 'UsernameClaimed', data: { username, userId } })], 0);
        await seeding.store.append(
          `session-${userId}`,
          [
            event({ type: 'SessionStarted', data: { sessionId: userId, username: `Guest-${userId}`, kind: 'guest' } }),
            event({ type: 'AccountRegistered', data: { sessionId: userId, username, previousUsername: `Guest-${userId}`, passwordHash } }),
          ],
          0,
        );
      }
      await seeding.close();

      const server = await startApp({ AGGREGATE_CACHE_SIZE: '10' }, dataDir);
      expect(server.app.get(NameKey).key('Mallory')).toBe('rnallory');
      for (const { username } of accounts) {
        const login = await server.http().post('/api/auth/login').send({ username, password: 'old-account-password' });
        expect({ username, status: login.status, body: login.body }).toEqual({ username, status: 200, body: { username, account: true } });
      }
      const newcomer = await server.http().post('/api/session').expect(201);
      const taken = await server
        .http()
        .post('/api/auth/register')
        .set('Cookie', cookieOf(newcomer))
        .send({ username: 'MALLORY', password: 'look-alike-pass' });
      expect(taken.status).toBe(409);
    }, 30_000);
  });
});
