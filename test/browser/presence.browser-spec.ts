import { SocketIoNotifier } from '../../src/interface/ws/socket-io.notifier';
import type { TestApp } from '../support/test-app';
import type { Page } from 'playwright-core';
import { expectTexts, waitConnected, type PageGlobals, pageSuite } from '../support/browser';

jest.setTimeout(30_000);

type Users = { users: string[] };

/** The names of the users whose sockets are in a Socket.IO room of the server. */
const namesIn = async (server: TestApp, room: string): Promise<string[]> => {
  const io = server.app.get(SocketIoNotifier).io;
  if (io === undefined) throw new Error('The Socket.IO server is not up');
  return (await io.in(room).fetchSockets()).map(
    (socket) => (socket.data as { identity?: { actor?: { username?: string } } }).identity?.actor?.username ?? '',
  );
};

/** The entry of `name` in the page's online list. */
const online = (page: Page, name: string) => page.locator('#user-list .user-name').getByText(name, { exact: true });

describe('the chat page: who is online, from presence diffs', () => {
  const suite = pageSuite();
  const { open } = suite;
  let server: TestApp;

  beforeAll(() => {
    server = suite.server;
  });

  it('asks for diffs, and follows arrivals, a new account name and departures in the online list', async () => {
    const alice = await open();
    expect(await namesIn(server, 'presence:diff')).toContain(alice.username);
    expect(await namesIn(server, 'presence:list')).not.toContain(alice.username);

    const session = await server.http().post('/api/session').expect(201);
    const cookie = (session.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    const dave = await server.connect({ cookie });
    await online(alice.page, dave.username).waitFor();

    await server
      .http()
      .post('/api/auth/register')
      .set('Cookie', cookie)
      .send({ username: 'Hopper', password: 'correct horse battery' })
      .expect(201);
    await online(alice.page, 'Hopper').waitFor();
    await online(alice.page, dave.username).waitFor({ state: 'detached' });

    dave.close();
    await online(alice.page, 'Hopper').waitFor({ state: 'detached' });
    await expectTexts(alice.page, '#user-list .user-name', [alice.username]);
  });

  it('after a reconnect, shows who is online now: gone whoever left meanwhile, there whoever came', async () => {
    const alice = await open();
    const watcher = await server.connect();
    const erin = await server.connect();
    await online(alice.page, erin.username).waitFor();

    await alice.context.setOffline(true);
    await alice.page.evaluate(() => (globalThis as unknown as PageGlobals).__chat?.socket.io.engine.close());
    await alice.page.locator('#conn[data-state="reconnecting"]').waitFor();
    erin.close();
    const frank = await server.connect();
    // Both changes have gone out (to the others) while the page was away.
    await watcher.next<Users>('active_users', (p) => p.users.includes(frank.username) && !p.users.includes(erin.username));

    await alice.context.setOffline(false);
    await waitConnected(alice.page);
    await online(alice.page, frank.username).waitFor();
    await online(alice.page, erin.username).waitFor({ state: 'detached' });
    watcher.close();
    frank.close();
  });
});
