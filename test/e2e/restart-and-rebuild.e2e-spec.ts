import { RoomsReadModel } from '../../src/application/read-models/rooms.read-model';
import { UsersReadModel } from '../../src/application/read-models/users.read-model';
import { NameKey } from '../../src/application/ports/name-key.port';
import { AppConfig } from '../../src/application/ports/app-config';
import { appsClosedAfterEach, tempDataDir } from '../support/test-app';

type Message = { id: string; seq: number; msg: string; username: string };

describe('restart on the same DATA_DIR', () => {
  const startApp = appsClosedAfterEach();

  it('brings back history, sessions and idempotency, and continues the numbering', async () => {
    const dataDir = tempDataDir();
    const first = await startApp({}, dataDir);
    const alice = await first.connect();
    const bob = await first.connect();
    await alice.ask('join', { room: 'General' });
    await bob.ask('join', { room: 'General' });
    const hello = await alice.ask<{ message: Message }>('message', { room: 'General', msg: 'before the restart', clientId: 'r-1' });
    await bob.ask('message', { room: 'General', msg: 'me too' });
    await alice.ask('private_message', { target: bob.username, msg: 'secret' });
    await first.close();

    const second = await startApp({}, dataDir);
    const aliceAgain = await second.connect({ token: alice.session.token });
    expect(aliceAgain.session).toMatchObject({ username: alice.username, resumed: true });
    const bobAgain = await second.connect({ token: bob.session.token });
    expect(bobAgain.username).toBe(bob.username);

    const page = await second.http().get('/api/rooms/General/messages').expect(200);
    expect(page.body.messages.map((m: Message) => [m.seq, m.msg, m.username])).toEqual([
      [2, 'me too', bob.username],
      [1, 'before the restart', alice.username],
    ]);

    await aliceAgain.ask('join', { room: 'General' });
    await expect(aliceAgain.next<{ messages: Message[] }>('history')).resolves.toMatchObject({
      messages: [{ msg: 'before the restart' }, { msg: 'me too' }],
    });
    const resend = await aliceAgain.ask<{ message: Message }>('message', { room: 'General', msg: 'before the restart', clientId: 'r-1' });
    expect(resend.message).toEqual(hello.message);
    const next = await aliceAgain.ask<{ message: Message }>('message', { room: 'General', msg: 'after the restart' });
    expect(next.message.seq).toBe(3);

    const guest = await second.connect();
    expect([alice.username, bob.username]).not.toContain(guest.username);
  });

  it('closes connections left open by the previous run, announcing the leave after the grace period', async () => {
    const dir = tempDataDir();
    const first = await startApp({}, dir);
    const ghost = await first.connect();
    await ghost.ask('join', { room: 'The Nerd Nook' });
    // Stopping records no disconnects (as after a crash): the log still holds the connection open.
    await first.close();

    const second = await startApp({ PRESENCE_GRACE_MS: '100' }, dir);
    const watcher = await second.connect();
    await watcher.ask('join', { room: 'The Nerd Nook' });
    await expect(watcher.next('status', (s) => s.type === 'leave')).resolves.toMatchObject({
      msg: `${ghost.username} has left the room.`,
    });
    await watcher.next<{ users: string[] }>('active_users', (p) => !p.users.includes(ghost.username));
  });
});

describe('read models', () => {
  const startApp = appsClosedAfterEach();

  it('rebuilt from zero equal the live state after a scripted conversation', async () => {
    const server = await startApp({ PRESENCE_GRACE_MS: '50' });
    const alice = await server.connect();
    const bob = await server.connect();
    const carol = await server.connect();
    await alice.ask('join', { room: 'General' });
    await bob.ask('join', { room: 'General' });
    await bob.ask('join', { room: 'Code with Josh' });
    await carol.ask('join', { room: 'Code with Josh' });
    await alice.ask('message', { room: 'General', msg: 'hi all', clientId: 'x1' });
    await bob.ask('message', { room: 'Code with Josh', msg: 'code?' });
    await alice.ask('private_message', { target: carol.username, msg: 'psst', clientId: 'p1' });
    await bob.ask('leave', { room: 'General' });
    carol.close();
    await alice.next<{ users: string[] }>('active_users', (p) => p.users.includes(carol.username));
    await alice.next<{ users: string[] }>('active_users', (p) => !p.users.includes(carol.username));

    const config = server.app.get(AppConfig);
    const rooms = new RoomsReadModel(config);
    const users = new UsersReadModel(server.app.get(NameKey), config);
    for (const event of await server.store.readAll(0, 1_000_000)) {
      rooms.apply(event);
      users.apply(event);
    }
    expect(rooms.snapshot()).toEqual(server.app.get(RoomsReadModel).snapshot());
    expect(users.snapshot()).toEqual(server.app.get(UsersReadModel).snapshot());
    expect(rooms.members('Code with Josh')).toEqual([bob.username]);
  });
});
