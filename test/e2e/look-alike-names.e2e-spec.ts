import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../src/application/ports/event-store.port';
import type { DomainEvent } from '../../src/domain/events';
import { cookieOf, removeDataDir, startApp, tempDataDir, type TestApp } from '../support/test-app';

const register = (server: TestApp, cookie: string, username: string) =>
  server.http().post('/api/auth/register').set('Cookie', cookie).send({ username, password: 'look-alike-password' });

const guest = async (server: TestApp) => {
  const response = await server.http().post('/api/session').expect(201);
  return { cookie: cookieOf(response), username: response.body.username as string };
};

/** What registering a fresh guest under this name answers, for a readable failure. */
const attempt = async (server: TestApp, name: string) => {
  const response = await register(server, (await guest(server)).cookie, name);
  return { name, status: response.status, body: response.body as unknown };
};

const refused = (status: number, code: string) => (name: string) => ({
  name,
  status,
  body: { error: { code, message: expect.any(String) } },
});

const accepted = (name: string) => ({ name, status: 201, body: { username: name, account: true } });

// Each registration hashes a password (scrypt): one or two per test, so a loaded machine stays within the timeout.
describe('look-alike names', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
    await register(server, (await guest(server)).cookie, 'alice').expect(201);
  });

  afterAll(async () => {
    await server.close();
  });

  it.each(['Alice', 'ALICE', '\u0430lice', 'ａｌｉｃｅ', '\u0430l\u0456\u0441\u0435'])(
    'refuses %j beside alice (other case, other script, fullwidth)',
    async (name) => {
      expect(await attempt(server, name)).toEqual(refused(409, 'name_taken')(name));
    },
  );

  it.each(['alice\u3164', 'al\u200Bice', '\uFEFFbob', 'bo\u00ADb', 'bob\uFE0F', '\u202Ebob', 'bob\u0007'])(
    'refuses %j as invalid_name, naming the character',
    async (name) => {
      const answer = await attempt(server, name);
      expect(answer).toEqual(refused(400, 'invalid_name')(name));
      expect((answer.body as { error: { message: string } }).error.message).toMatch(/invisible or control characters \(U\+[0-9A-F]{4}\)/);
    },
  );

  it.each(['alicia', 'Zoë', 'Алиса'])('still lets %j, which only resembles alice loosely, register', async (name) => {
    expect(await attempt(server, name)).toEqual(accepted(name));
  });

  it('refuses a look-alike of an existing guest name', async () => {
    const holder = await guest(server);
    expect(holder.username).toMatch(/^Guest\d+$/);
    const lookAlike = holder.username.replace('e', '\u0435');
    expect(await attempt(server, lookAlike)).toEqual(refused(409, 'name_taken')(lookAlike));
    expect(await attempt(server, holder.username.toUpperCase())).toEqual(refused(409, 'name_taken')(holder.username.toUpperCase()));
  });
});

describe('look-alike names in a log written before names compared by their skeleton', () => {
  let server: TestApp;

  const metadata = () => ({
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    correlationId: 'legacy',
    causationId: 'legacy',
    node: 'legacy-node',
  });
  const event = (e: DomainEvent): NewEvent => ({ ...e, metadata: metadata() }) as NewEvent;

  beforeAll(async () => {
    const dataDir = tempDataDir();
    const seeding = await startApp({}, dataDir);
    // As the server wrote them then: the lock stream named after the NFKC-lowercased name.
    const claims = [
      { userId: 'legacy-guest', username: 'Guest1234', stream: 'username-guest1234' },
      { userId: 'legacy-mallory', username: 'Mallory', stream: 'username-mallory' },
    ];
    for (const { userId, username, stream } of claims) {
      await seeding.store.append(stream, [event({ type: 'UsernameClaimed', data: { username, userId } })], 0);
      await seeding.store.append(
        `session-${userId}`,
        [event({ type: 'SessionStarted', data: { sessionId: userId, username, kind: 'guest' } })],
        0,
      );
    }
    await seeding.close();
    server = await startApp({}, dataDir);
  }, 20_000);

  afterAll(async () => {
    await server.close();
    removeDataDir(server.dataDir);
  });

  // guest1234 and Guеst1234 have the key guestl234, whose stream is not the old lock username-guest1234.
  it.each(['guest1234', 'Gu\u0435st1234', 'Guestl234', 'MALLORY', 'M\u0430ll\u043ery'])(
    'refuses %j, a look-alike of a name claimed then',
    async (name) => {
      expect(await attempt(server, name)).toEqual(refused(409, 'name_taken')(name));
    },
  );

  it.each(['Guest1235', 'Mallorie'])('lets %j, a different name, register', async (name) => {
    expect(await attempt(server, name)).toEqual(accepted(name));
  });
});
