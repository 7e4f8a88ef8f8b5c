import { startApp, type TestApp } from '../support/test-app';
import type { TestSocket } from '../support/socket';

type Users = { users: string[] };
type Diff = { joined: string[]; left: string[] };

const DIFFS = { auth: { presence: 'diff' } };

/** Who a diff client thinks is online: its `presence_state`, then every `presence_diff` in order. */
const onlineSeenBy = (socket: TestSocket): Set<string> => {
  const [state] = socket.received('presence_state') as Users[];
  const online = new Set(state?.users ?? []);
  for (const diff of socket.received('presence_diff') as Diff[]) {
    for (const name of diff.left) online.delete(name);
    for (const name of diff.joined) online.add(name);
  }
  return online;
};

/** After its `presence_state`: waits for diff after diff until the diff client's view of who is online satisfies `holds`. */
const until = async (socket: TestSocket, holds: (online: Set<string>) => boolean): Promise<void> => {
  expect(socket.received('presence_state')).toHaveLength(1);
  while (!holds(onlineSeenBy(socket))) await socket.next('presence_diff');
};

/** A round-trip: whatever the server sent this socket before answering has arrived. */
const roundTrip = (socket: TestSocket): Promise<unknown> => socket.ask('join', { room: 'General' });

describe('presence diffs (auth.presence = "diff")', () => {
  let server: TestApp;

  beforeEach(async () => {
    server = await startApp({ PRESENCE_GRACE_MS: '100' });
  });

  afterEach(async () => {
    await server.close();
  });

  it('sends presence_state once, then presence_diff as others come and go, and never active_users', async () => {
    const bob = await server.connect();
    const alice = await server.connect(DIFFS);
    const state = await alice.next<Users>('presence_state');
    expect(state).toEqual({ users: expect.any(Array) });
    expect(new Set(state.users)).toEqual(new Set([bob.username, alice.username]));

    const carol = await server.connect();
    await until(alice, (online) => online.has(carol.username));
    carol.close();
    await until(alice, (online) => !online.has(carol.username));
    expect(onlineSeenBy(alice)).toEqual(new Set([bob.username, alice.username]));

    await roundTrip(alice);
    expect(alice.received('presence_state')).toHaveLength(1);
    for (const diff of alice.received('presence_diff')) expect(diff).toEqual({ joined: expect.any(Array), left: expect.any(Array) });
    expect(alice.received('active_users')).toEqual([]);
  });

  it('keeps sending active_users, and nothing else about presence, to a client that did not ask for diffs', async () => {
    const seed = await server.connect();
    const diff = await server.connect(DIFFS);
    await diff.next('presence_state');
    await expect(seed.next<Users>('active_users')).resolves.toEqual({ users: [seed.username] });
    await expect(seed.next<Users>('active_users', (p) => p.users.includes(diff.username))).resolves.toEqual({
      users: [seed.username, diff.username],
    });

    const carol = await server.connect();
    await expect(seed.next<Users>('active_users', (p) => p.users.includes(carol.username))).resolves.toEqual({
      users: [seed.username, diff.username, carol.username],
    });
    carol.close();
    await expect(seed.next<Users>('active_users', (p) => !p.users.includes(carol.username))).resolves.toEqual({
      users: [seed.username, diff.username],
    });
    await until(diff, (online) => !online.has(carol.username));
    expect(onlineSeenBy(diff)).toEqual(new Set((seed.received('active_users').at(-1) as Users).users));

    await roundTrip(seed);
    expect(seed.received('presence_state')).toEqual([]);
    expect(seed.received('presence_diff')).toEqual([]);
    for (const payload of seed.received('active_users')) expect(Object.keys(payload as object)).toEqual(['users']);
  });

  it('coalesces a burst of arrivals into fewer diffs that together name every arrival once', async () => {
    const watcher = await server.connect(DIFFS);
    await watcher.next('presence_state');
    const burst = await Promise.all(Array.from({ length: 30 }, () => server.connect()));
    const names = burst.map((socket) => socket.username);
    await until(watcher, (online) => names.every((name) => online.has(name)));

    const diffs = watcher.received('presence_diff') as Diff[];
    const joined = diffs.flatMap((diff) => diff.joined).filter((name) => name !== watcher.username);
    expect(joined.sort()).toEqual([...names].sort());
    expect(diffs.flatMap((diff) => diff.left)).toEqual([]);
    expect(diffs.length).toBeLessThan(names.length);
  });

  it('gives each of many diff clients arriving at once one presence_state, which with the diffs after it is exactly who is online', async () => {
    const seed = await server.connect();
    const crowd = await Promise.all(Array.from({ length: 30 }, () => server.connect(DIFFS)));
    const everyone = new Set([seed.username, ...crowd.map((socket) => socket.username)]);
    await Promise.all(crowd.map((socket) => socket.next('presence_state')));
    for (const socket of crowd) await until(socket, (online) => online.size === everyone.size);
    for (const socket of crowd) expect(onlineSeenBy(socket)).toEqual(everyone);

    crowd[0]!.close();
    everyone.delete(crowd[0]!.username);
    for (const socket of crowd.slice(1)) await until(socket, (online) => !online.has(crowd[0]!.username));
    await Promise.all(crowd.slice(1).map(roundTrip));
    for (const socket of crowd.slice(1)) {
      expect(onlineSeenBy(socket)).toEqual(everyone);
      expect(socket.received('presence_state')).toHaveLength(1);
      expect(socket.received('active_users')).toEqual([]);
    }
  });

  it('shows a guest who registers an account as leaving under the old name and joining under the new one, then leaving under it', async () => {
    const watcher = await server.connect(DIFFS);
    await watcher.next('presence_state');
    const seed = await server.connect();
    const session = await server.http().post('/api/session').expect(201);
    const cookie = (session.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    const guest = await server.connect({ cookie });
    await until(watcher, (online) => online.has(guest.username));

    await server
      .http()
      .post('/api/auth/register')
      .set('Cookie', cookie)
      .send({ username: 'Ada', password: 'correct horse battery' })
      .expect(201);
    await expect(watcher.next<Diff>('presence_diff')).resolves.toEqual({ joined: ['Ada'], left: [guest.username] });
    await expect(seed.next<Users>('active_users', (p) => p.users.includes('Ada'))).resolves.toEqual({
      users: [watcher.username, seed.username, 'Ada'],
    });

    guest.close();
    await expect(watcher.next<Diff>('presence_diff')).resolves.toEqual({ joined: [], left: ['Ada'] });
    await expect(seed.next<Users>('active_users', (p) => !p.users.includes('Ada'))).resolves.toEqual({
      users: [watcher.username, seed.username],
    });
  });

  it('sends a fresh presence_state on every connection', async () => {
    const first = await server.connect(DIFFS);
    await expect(first.next<Users>('presence_state')).resolves.toEqual({ users: [first.username] });
    first.close();
    const again = await server.connect({ ...DIFFS, token: first.session.token });
    expect(again.username).toBe(first.username);
    await expect(again.next<Users>('presence_state')).resolves.toEqual({ users: [first.username] });
  });

  it.each([
    ['a number', 42],
    ['true', true],
    ['null', null],
    ['an object', { mode: 'diff' }],
    ['an array', ['diff']],
    ['another case', 'DIFF'],
    ['an unknown word', 'diffs'],
    ['an empty string', ''],
  ])('treats presence set to %s as absent: the seed active_users, and the connection works', async (_, presence) => {
    const other = await server.connect();
    const client = await server.connect({ auth: { presence } });
    await expect(client.next<Users>('active_users')).resolves.toEqual({ users: [other.username, client.username] });
    const later = await server.connect();
    await expect(client.next<Users>('active_users', (p) => p.users.includes(later.username))).resolves.toBeDefined();
    await expect(client.ask('join', { room: 'General' })).resolves.toMatchObject({ ok: true });
    expect(client.received('presence_state')).toEqual([]);
    expect(client.received('presence_diff')).toEqual([]);
  });
});
