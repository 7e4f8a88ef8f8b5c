import type { TestSocket } from '../support/socket';
import { guestCookie, startApp, type TestApp } from '../support/test-app';

/**
 * Mentions: `@name` in a room message (a member of the room, online or not, any case, not inside a
 * word) notifies that user with `mention {room, message}` on every tab, and counts in the room's
 * `mentions` beside its unread count.
 */

type Message = { id: string; seq: number; msg: string };
type Unread = { room: string; count: number; mentions: number; readSeq: number };

const say = async (socket: TestSocket, room: string, msg: string): Promise<Message> =>
  (await socket.ask<{ message: Message }>('message', { room, msg })).message;

describe('mentions', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await server.close();
  });

  const member = async (room: string) => {
    const cookie = await guestCookie(server);
    const socket = await server.connect({ cookie });
    await socket.ask('join', { room });
    return { socket, cookie };
  };

  it('notifies the named member on every tab, whatever the case; an @ inside a word names nobody', async () => {
    const room = 'General';
    const alice = await member(room);
    const tab = await server.connect({ cookie: alice.cookie });
    const bob = await member(room);
    const name = alice.socket.username;

    await say(bob.socket, room, `write to ${name.toLowerCase()}@example.com`);
    const named = await say(bob.socket, room, `hey @${name.toUpperCase()}, look`);
    for (const socket of [alice.socket, tab]) {
      const mention = await socket.next<{ room: string; message: Message }>('mention');
      expect(mention).toMatchObject({ room, message: { id: named.id, seq: named.seq, msg: named.msg } });
    }
    // The e-mail address came first and notified nobody.
    expect(alice.socket.received('mention')).toHaveLength(1);
    expect(bob.socket.received('mention')).toEqual([]);
  });

  it('does not notify the author, nor someone who is not in the room', async () => {
    const room = 'Code with Josh';
    const alice = await member(room);
    const outsider = await member('General');
    await say(alice.socket, room, `talking to myself, @${alice.socket.username}, and to @${outsider.socket.username}`);
    const marker = await say(alice.socket, room, 'marker');
    await alice.socket.next('message', (m: Message) => m.id === marker.id);
    expect(alice.socket.received('mention')).toEqual([]);
    expect(outsider.socket.received('mention')).toEqual([]);
  });

  it('counts mentions after the read marker in the unread counts, deleted ones excluded, offline too', async () => {
    const room = 'The Nerd Nook';
    const alice = await member(room);
    const bob = await member(room);
    const name = alice.socket.username;
    const seen = await say(bob.socket, room, `@${name} before`);
    await alice.socket.ask('read', { room, seq: seen.seq });
    alice.socket.close();
    await say(bob.socket, room, `@${name} one`);
    const gone = await say(bob.socket, room, `@${name} two`);
    await say(bob.socket, room, 'no mention');
    await bob.socket.ask('delete_message', { room, messageId: gone.id });
    // Offline, she was taken out of the room; her page joins it again on return.
    const back = await server.connect({ cookie: alice.cookie });
    await back.ask('join', { room });

    const unread = (await server.http().get('/api/unread').set('Cookie', alice.cookie).expect(200)).body.rooms as Unread[];
    expect(unread).toContainEqual({ room, count: 2, mentions: 1, readSeq: seen.seq });
  });
});
