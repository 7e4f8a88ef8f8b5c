import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DomainEvent } from '../../src/domain/events';
import type { EventStore, NewEvent } from '../../src/application/ports/event-store.port';
import { ConnectionRegistry } from '../../src/application/ports/connection-registry.port';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { eventually } from '../support/eventually';
import { appsClosedAfterEach, tempDataDir, type TestApp } from '../support/test-app';

type Users = { users: string[] };

/** Connections are not history: only going online and offline is logged. */
describe('connections', () => {
  const startApp = appsClosedAfterEach();

  const types = async (store: EventStore, fromPosition = 0): Promise<string[]> =>
    (await store.readAll(fromPosition, 1_000_000)).map((event) => event.type);
  const userIdOf = (token: string): string => token.split(/[.:]/)[0]!;
  const onlineNames = async (server: TestApp): Promise<string[]> =>
    ((await server.http().get('/api/users')).body as { users: { username: string }[] }).users.map((u) => u.username);

  it('appends nothing for 50 reconnects of one user within the grace period', async () => {
    const server = await startApp({ PRESENCE_GRACE_MS: '60000' });
    const first = await server.connect();
    const { token } = first.session;
    await first.ask('join', { room: 'General' });
    const head = await server.store.headPosition();

    for (let i = 0; i < 50; i++) {
      const tab = await server.connect({ token });
      tab.close();
    }
    first.close();
    const last = await server.connect({ token });
    await last.ask('message', { room: 'General', msg: 'still here' });
    // Every closed socket has left the registry: only the last one is registered.
    await eventually(() => Promise.resolve(server.app.get(ConnectionRegistry).localCount() === 1));

    expect(await types(server.store, head)).toEqual(['MessageSent']);
    expect(await types(server.store)).not.toEqual(expect.arrayContaining(['ConnectionOpened']));
    expect(await types(server.store)).not.toEqual(expect.arrayContaining(['ConnectionClosed']));
  });

  it('logs one UserWentOffline after the grace period and one UserWentOnline on return', async () => {
    const server = await startApp({ PRESENCE_GRACE_MS: '150' });
    const watcher = await server.connect();
    const alice = await server.connect();
    const { token } = alice.session;
    await watcher.next<Users>('active_users', (p) => p.users.includes(alice.username));
    const tab = await server.connect({ token });
    tab.close();
    alice.close();
    await watcher.next<Users>('active_users', (p) => !p.users.includes(alice.username));
    const back = await server.connect({ token });
    await watcher.next<Users>('active_users', (p) => p.users.includes(back.username));

    const presence = await server.store.readStream(`presence-${userIdOf(token)}`);
    expect(presence.map((event) => event.type)).toEqual(['UserWentOnline', 'UserWentOffline', 'UserWentOnline']);
    expect(await types(server.store)).not.toEqual(expect.arrayContaining(['ConnectionOpened']));
    expect(await types(server.store)).not.toEqual(expect.arrayContaining(['ConnectionClosed']));
  });

  it('keeps a user with a tab left online when another closes, past the grace period', async () => {
    const server = await startApp({ PRESENCE_GRACE_MS: '50' });
    const watcher = await server.connect();
    const tab1 = await server.connect();
    const tab2 = await server.connect({ token: tab1.session.token });
    await watcher.next<Users>('active_users', (p) => p.users.includes(tab2.username));
    tab1.close();
    // A user who goes away takes longer than this to go offline; tab2's owner must not.
    const gone = await server.connect();
    await watcher.next<Users>('active_users', (p) => p.users.includes(gone.username));
    gone.close();
    await watcher.next<Users>('active_users', (p) => !p.users.includes(gone.username));
    expect(await onlineNames(server)).toContain(tab2.username);
    await expect(tab2.ask('join', { room: 'General' })).resolves.toMatchObject({ ok: true });
  });

  describe('a log written by a server that logged every connection', () => {
    const metadata = () => ({
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      correlationId: randomUUID(),
      causationId: randomUUID(),
      node: 'old-node',
    });
    const event = (type: string, data: Record<string, unknown>): NewEvent =>
      ({ type, data, metadata: metadata() }) as unknown as NewEvent<DomainEvent>;

    /** Oldie was online with a connection open when the old server stopped; Gone came and went. */
    const oldLog = async (): Promise<string> => {
      const dir = tempDataDir();
      const store = new SqliteEventStore(join(dir, 'events.sqlite'));
      await store.append('session-u-oldie', [event('SessionStarted', { sessionId: 'u-oldie', username: 'Oldie', kind: 'guest' })], 0);
      await store.append('session-u-gone', [event('SessionStarted', { sessionId: 'u-gone', username: 'Gone', kind: 'guest' })], 0);
      await store.append(
        'presence-u-oldie',
        [
          event('ConnectionOpened', { userId: 'u-oldie', username: 'Oldie', connectionId: 'c1', node: 'old-node' }),
          event('UserWentOnline', { userId: 'u-oldie', username: 'Oldie' }),
          event('ConnectionOpened', { userId: 'u-oldie', username: 'Oldie', connectionId: 'c2', node: 'old-node' }),
          event('ConnectionClosed', { userId: 'u-oldie', connectionId: 'c1', remaining: 1 }),
        ],
        0,
      );
      await store.append(
        'presence-u-gone',
        [
          event('ConnectionOpened', { userId: 'u-gone', username: 'Gone', connectionId: 'c3', node: 'old-node' }),
          event('UserWentOnline', { userId: 'u-gone', username: 'Gone' }),
          // The first shape, without `remaining`.
          event('ConnectionClosed', { userId: 'u-gone', connectionId: 'c3' }),
          event('UserWentOffline', { userId: 'u-gone', username: 'Gone' }),
        ],
        0,
      );
      await store.close();
      return dir;
    };

    it('still starts, and shows who was online', async () => {
      const server = await startApp({ PRESENCE_GRACE_MS: '60000' }, await oldLog());
      const names = await onlineNames(server);
      expect(names).toContain('Oldie');
      expect(names).not.toContain('Gone');
    });

    it('takes users whose connections died with the old server offline after the grace period, once', async () => {
      const server = await startApp({ PRESENCE_GRACE_MS: '100' }, await oldLog());
      const watcher = await server.connect();
      await watcher.next<Users>('active_users', (p) => !p.users.includes('Oldie'));
      const presence = await server.store.readStream('presence-u-oldie');
      expect(presence.map((e) => e.type)).toEqual([
        'ConnectionOpened',
        'UserWentOnline',
        'ConnectionOpened',
        'ConnectionClosed',
        'UserWentOffline',
      ]);
      expect((await server.store.readStream('presence-u-gone')).map((e) => e.type)).toHaveLength(4);
    });
  });
});
