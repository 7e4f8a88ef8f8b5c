import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../src/application/ports/event-store.port';
import type { DomainEvent } from '../../src/domain/events';
import { appsClosedAfterEach, cookieOf, startApp, tempDataDir, type TestApp } from '../support/test-app';

const register = (server: TestApp, cookie: string, username: string) =>
  server.http().post('/api/auth/register').set('Cookie', cookie).send({ username, password: 'look-alike-password' });

const guest = async (server: TestApp) => {
  const response = await server.http().get('/api/session').expect(200);
  return { cookie: cookieOf(response), username: response.body.username as string };
};

/** What each registration of a fresh guest answers, for a readable failure. */
const attempts = async (server: TestApp, names: readonly string[]) => {
  const answers = [];
  for (const name of names) {
    const response = await register(server, (await guest(server)).cookie, name);
    answers.push({ name, status: response.status, body: response.body as unknown });
  }
  return answers;
};

const refused = (status: number, code: string) => (name: string) => ({
  name,
  status,
  body: { error: { code, message: expect.any(String) } },
});

describe('look-alike names', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
    await register(server, (await guest(server)).cookie, 'alice').expect(201);
  });

  afterAll(async () => {
    await server.close();
  });

  it('refuses names that look like a registered one: other case, other script, fullwidth', async () => {
    const names = ['Alice', 'ALICE', '\u0430lice', 'ａｌｉｃｅ', '\u0430l\u0456\u0441\u0435'];
    expect(await attempts(server, names)).toEqual(names.map(refused(409, 'name_taken')));
  });

  it('refuses invisible and control characters as invalid_name, naming the problem', async () => {
    const names = ['alice\u3164', 'al\u200Bice', '\uFEFFbob', 'bo\u00ADb', 'bob\uFE0F', '\u202Ebob', 'bob\u0007'];
    const answers = await attempts(server, names);
    expect(answers).toEqual(names.map(refused(400, 'invalid_name')));
    expect((answers[0]!.body as { error: { message: string } }).error.message).toMatch(/invisible or control characters \(U\+3164\)/);
  });

  it('still lets names that only resemble each other loosely register', async () => {
    const names = ['alicia', 'Zoë', 'Алиса'];
    expect(await attempts(server, names)).toEqual(names.map((name) => ({ name, status: 201, body: { username: name, account: true } })));
  });

  it('refuses a look-alike of an existing guest name', async () => {
    const holder = await guest(server);
    expect(holder.username).toMatch(/^Guest\d+$/);
    const lookAlikes = [holder.username.replace('e', '\u0435'), holder.username.toUpperCase()];
    expect(await attempts(server, lookAlikes)).toEqual(lookAlikes.map(refused(409, 'name_taken')));
  });
});

describe('look-alike names in a log written before names compared by their skeleton', () => {
  const start = appsClosedAfterEach();

  const metadata = () => ({
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    correlationId: 'legacy',
    causationId: 'legacy',
    node: 'legacy-node',
  });
  const event = (e: DomainEvent): NewEvent => ({ ...e, metadata: metadata() }) as NewEvent;

  it('keeps old claims and refuses look-alikes of them, even where the old stream is not the new lock', async () => {
    const dataDir = tempDataDir();
    const seeding = await start({}, dataDir);
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

    const server = await start({}, dataDir);
    const names = ['guest1234', 'Gu\u0435st1234', 'Guestl234', 'MALLORY', 'M\u0430ll\u043ery'];
    expect(await attempts(server, names)).toEqual(names.map(refused(409, 'name_taken')));
    const fresh = ['Guest1235', 'Mallorie'];
    expect(await attempts(server, fresh)).toEqual(fresh.map((name) => ({ name, status: 201, body: { username: name, account: true } })));
  });
});
