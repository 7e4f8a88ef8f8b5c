import { asGuest, outcome, streamTypes, withAccount, type Ack, type Member } from '../support/community';
import { RoomsReadModel } from '../../src/application/read-models/rooms.read-model';
import { startApp, type TestApp } from '../support/test-app';

/**
 * Rooms people create: public ones anyone may join, private ones for those an invite let in; names
 * unique by the same look-alike-aware comparison as usernames; topics, archiving, and replies.
 */
jest.setTimeout(30_000);

type Listed = { name: string; visibility: string; topic: string; owner?: string; archived: boolean; members: number };
type Sent = {
  id: string;
  seq: number;
  msg: string;
  replyTo?: { id: string; seq?: number; username?: string; msg?: string; deleted?: true };
};

describe('rooms people create', () => {
  let server: TestApp;
  let olga: Member;
  let max: Member;

  beforeAll(async () => {
    server = await startApp({ HISTORY_WINDOW: '5', ROOMS_PER_ACCOUNT: '5' });
    [olga, max] = await Promise.all([withAccount(server, 'olga'), withAccount(server, 'max')]);
  });

  afterAll(async () => {
    await server.close();
  });

  const listed = async (cookie?: string): Promise<Listed[]> => {
    const request = server.http().get('/api/rooms');
    return (await (cookie === undefined ? request : request.set('Cookie', cookie)).expect(200)).body.rooms as Listed[];
  };

  it('lets an account holder create a public room that everyone sees and may join', async () => {
    const created = await olga.socket.ask<Ack>('create_room', { name: ' Book club ', visibility: 'public', topic: 'Novels' });
    expect(created).toEqual({ ok: true, room: 'Book club', visibility: 'public', topic: 'Novels' });
    expect(await listed()).toContainEqual({
      name: 'Book club',
      visibility: 'public',
      topic: 'Novels',
      owner: 'olga',
      archived: false,
      members: 0,
    });
    expect(await listed()).toContainEqual(expect.objectContaining({ name: 'General', visibility: 'public', archived: false }));
    const guest = await asGuest(server);
    await expect(guest.socket.ask<Ack>('join', { room: 'Book club' })).resolves.toMatchObject({ ok: true, joined: true });
    const said = await guest.socket.ask<{ message: Sent }>('message', { room: 'Book club', msg: 'hello' });
    expect(said.message).toMatchObject({ msg: 'hello', seq: 1 });
  });

  it('tells everyone connected about a new public room', async () => {
    const watcher = await asGuest(server);
    const told = watcher.socket.next<Listed>('room_updated', (room) => room.name === 'Poetry');
    await olga.socket.ask('create_room', { name: 'Poetry', visibility: 'public' });
    expect(await told).toMatchObject({ name: 'Poetry', visibility: 'public', owner: 'olga', topic: '' });
  });

  it('refuses guests, look-alikes of existing rooms, and bad names, writing nothing', async () => {
    const guest = await asGuest(server);
    const before = (await server.store.readAll(0, 1_000_000)).length;
    expect(await outcome(guest.socket, 'create_room', { name: 'Guest room', visibility: 'public' })).toBe('forbidden');
    await olga.socket.ask('create_room', { name: 'Chess', visibility: 'public' });
    const afterChess = (await server.store.readAll(0, 1_000_000)).length;
    expect(afterChess).toBe(before + 2); // the name's claim and the room
    // Cyrillic е, other case and width: all the same names, as for usernames.
    for (const name of ['Chеss', 'chess', 'ＣＨＥＳＳ', 'Gеneral', 'general'])
      expect(await outcome(max.socket, 'create_room', { name, visibility: 'private' })).toBe('room_exists');
    for (const name of ['x', 'a'.repeat(41), 'zero\u200bwidth'])
      expect(await outcome(max.socket, 'create_room', { name, visibility: 'public' })).toBe('invalid_name');
    expect(await outcome(max.socket, 'create_room', { name: 'Fine', visibility: 'secret' })).toBe('invalid_payload');
    expect((await server.store.readAll(0, 1_000_000)).length).toBe(afterChess);
  });

  it('keeps a private room to those an invite let in, until the invite is used up', async () => {
    await olga.socket.ask('create_room', { name: 'Secret garden', visibility: 'private' });
    expect((await listed(max.cookie)).map((room) => room.name)).not.toContain('Secret garden');
    expect((await listed(olga.cookie)).map((room) => room.name)).toContain('Secret garden');
    expect(await outcome(max.socket, 'join', { room: 'Secret garden' })).toBe('forbidden');
    expect(await outcome(max.socket, 'create_invite', { room: 'Secret garden' })).toBe('forbidden');
    await server.http().get('/api/rooms/Secret%20garden/messages').set('Cookie', max.cookie).expect(403);
    await server.http().get('/api/rooms/Secret%20garden/messages').expect(403);

    const invite = await olga.socket.ask<Ack & { invite: { code: string; maxUses: number } }>('create_invite', {
      room: 'Secret garden',
      maxUses: 1,
    });
    expect(invite).toMatchObject({ ok: true, room: 'Secret garden', changed: true, invite: { maxUses: 1 } });
    expect(invite.invite.code).toMatch(/^[0-9a-f]{32}$/);
    expect(await outcome(max.socket, 'join', { room: 'Secret garden', invite: 'not-a-code' })).toBe('forbidden');
    await expect(max.socket.ask('join', { room: 'Secret garden', invite: invite.invite.code })).resolves.toMatchObject({
      ok: true,
      joined: true,
    });
    expect((await listed(max.cookie)).map((room) => room.name)).toContain('Secret garden');
    await server.http().get('/api/rooms/Secret%20garden/messages').set('Cookie', max.cookie).expect(200);

    const third = await asGuest(server);
    expect(await outcome(third.socket, 'join', { room: 'Secret garden', invite: invite.invite.code })).toBe('invite_expired');
    // Once let in, always let in: leaving and coming back needs no invite.
    await max.socket.ask('leave', { room: 'Secret garden' });
    await expect(max.socket.ask('join', { room: 'Secret garden' })).resolves.toMatchObject({ ok: true });
  });

  it('lets the owner set the topic and archive the room, which is then read-only and unlisted', async () => {
    await olga.socket.ask('create_room', { name: 'Old news', visibility: 'public' });
    await max.socket.ask('join', { room: 'Old news' });
    await max.socket.ask('message', { room: 'Old news', msg: 'still here' });
    expect(await outcome(max.socket, 'set_topic', { room: 'Old news', topic: 'mine now' })).toBe('forbidden');
    const topic = max.socket.next<Listed>('room_updated', (room) => room.name === 'Old news' && room.topic === 'Yesterday');
    await expect(olga.socket.ask('set_topic', { room: 'Old news', topic: 'Yesterday' })).resolves.toMatchObject({
      ok: true,
      changed: true,
    });
    await topic;
    expect(await outcome(max.socket, 'archive_room', { room: 'Old news' })).toBe('forbidden');
    expect(await outcome(olga.socket, 'archive_room', { room: 'General' })).toBe('forbidden');
    await expect(olga.socket.ask('archive_room', { room: 'Old news' })).resolves.toMatchObject({ ok: true, changed: true });
    expect(await outcome(max.socket, 'message', { room: 'Old news', msg: 'anyone?' })).toBe('room_archived');
    expect((await listed()).map((room) => room.name)).not.toContain('Old news');
    // Its messages are left to the store: memory holds only rooms in use.
    expect(server.app.get(RoomsReadModel).windowRange('Old news', 1, 100)).toEqual([]);
    const history = await server.http().get('/api/rooms/Old%20news/messages').expect(200);
    expect(history.body.messages.map((m: Sent) => m.msg)).toEqual(['still here']);
  });

  it("lets one account own ROOMS_PER_ACCOUNT rooms, so rooms do not grow with one person's scripts", async () => {
    const tom = await withAccount(server, 'tom');
    for (const name of ['Tom 1', 'Tom 2', 'Tom 3', 'Tom 4', 'Tom 5'])
      expect(await outcome(tom.socket, 'create_room', { name, visibility: 'private' })).toBe('ok');
    const refused = await tom.socket.ask<Ack>('create_room', { name: 'Tom 6', visibility: 'private' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'too_many_rooms' } });
    expect(await streamTypes(server, 'room-Tom 6')).toEqual([]);
  });

  it('answers unknown rooms as unknown', async () => {
    expect(await outcome(olga.socket, 'set_topic', { room: 'Atlantis', topic: 'x' })).toBe('unknown_room');
    expect(await outcome(olga.socket, 'create_invite', { room: 'Atlantis' })).toBe('unknown_room');
    expect(await outcome(olga.socket, 'join', { room: 'Atlantis' })).toBe('unknown_room');
    await server.http().get('/api/rooms/Atlantis').expect(404);
    expect(await streamTypes(server, 'room-Atlantis')).toEqual([]);
  });
});

describe('replies', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp({ HISTORY_WINDOW: '3' });
  });

  afterAll(async () => {
    await server.close();
  });

  it('carry a quote of the message they answer, which follows its edits and deletion', async () => {
    const ada = await asGuest(server);
    const bob = await asGuest(server);
    await ada.socket.ask('join', { room: 'General' });
    await bob.socket.ask('join', { room: 'General' });
    const original = (await ada.socket.ask<{ message: Sent }>('message', { room: 'General', msg: 'Lunch at noon?\nMy treat.' })).message;
    const pushed = ada.socket.next<Sent>('message', (m) => m.msg === 'Yes!');
    const reply = (await bob.socket.ask<{ message: Sent }>('message', { room: 'General', msg: 'Yes!', replyTo: original.id })).message;
    const quote = { id: original.id, seq: original.seq, username: ada.name, msg: 'Lunch at noon?' };
    expect(reply.replyTo).toEqual(quote);
    expect((await pushed).replyTo).toEqual(quote);

    await ada.socket.ask('edit_message', { room: 'General', messageId: original.id, msg: 'Lunch at one?' });
    const page = await server.http().get('/api/rooms/General/messages').expect(200);
    expect(page.body.messages.find((m: Sent) => m.id === reply.id).replyTo).toEqual({ ...quote, msg: 'Lunch at one?' });
    await ada.socket.ask('delete_message', { room: 'General', messageId: original.id });
    const after = await server.http().get('/api/rooms/General/messages').expect(200);
    expect(after.body.messages.find((m: Sent) => m.id === reply.id).replyTo).toEqual({
      id: original.id,
      seq: original.seq,
      username: ada.name,
      msg: '',
      deleted: true,
    });
    expect(await outcome(bob.socket, 'message', { room: 'General', msg: 'too late', replyTo: original.id })).toBe('message_not_found');
    expect(await outcome(bob.socket, 'message', { room: 'General', msg: 'what?', replyTo: 'no-such-id' })).toBe('message_not_found');
  });

  it('may answer a message older than the window, and pages from the store show the quote', async () => {
    const ada = await asGuest(server);
    await ada.socket.ask('join', { room: 'The Nerd Nook' });
    const old = (await ada.socket.ask<{ message: Sent }>('message', { room: 'The Nerd Nook', msg: 'an old thought' })).message;
    for (let i = 0; i < 5; i++) await ada.socket.ask('message', { room: 'The Nerd Nook', msg: `filler ${i}` });
    const reply = (await ada.socket.ask<{ message: Sent }>('message', { room: 'The Nerd Nook', msg: 'about that', replyTo: old.id }))
      .message;
    expect(reply.replyTo).toMatchObject({ id: old.id, msg: 'an old thought' });
    for (let i = 0; i < 5; i++) await ada.socket.ask('message', { room: 'The Nerd Nook', msg: `more ${i}` });
    // The reply is now older than the window too: its page comes from the store, quote and all.
    const page = await server.http().get('/api/rooms/The%20Nerd%20Nook/messages?limit=100').expect(200);
    expect(page.body.messages.find((m: Sent) => m.id === reply.id).replyTo).toEqual({
      id: old.id,
      seq: old.seq,
      username: ada.name,
      msg: 'an old thought',
    });
  });
});
