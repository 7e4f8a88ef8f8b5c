import { StoreUnavailableError, type RecordedEvent } from '../../src/application/ports/event-store.port';
import { UsersReadModel } from '../../src/application/read-models/users.read-model';
import { authorIdOf } from '../../src/interface/ws/client-payloads';
import { UserDirectory } from '../../src/application/user-directory';
import { appsClosedAfterEach, guestCookie, tempDataDir, type TestApp } from '../support/test-app';
import type { TestSocket } from '../support/socket';

/**
 * The read model keeps only the newest HISTORY_WINDOW private messages of each conversation;
 * everything older is read from the store by the index over the pair of users. Whatever side of the
 * window a message is on, both sides of a conversation page through exactly what a plain fold of the
 * log gives, before and after a restart, and a resend of a client id however old answers with the
 * original message and stores nothing.
 */

type Payload = {
  id: string;
  msg: string;
  from: string;
  to: string;
  timestamp: string;
  seq: number;
  cursor: number;
  authorId: string;
  clientId?: string;
};
type Ack = { ok: true; message: Payload } | { ok: false; error: { code: string } };
type User = { socket: TestSocket; cookie: string; name: string; id: string };

/** The conversation of two users as a plain fold of every event in the log, written independently of the server's code. */
const foldOfTheLog = (events: readonly RecordedEvent[], a: string, b: string): Payload[] =>
  events
    .filter((event) => event.type === 'PrivateMessageSent')
    .map((event) => ({ event, data: event.data as unknown as Record<string, string> }))
    .filter(({ data }) => (data.fromUserId === a && data.toUserId === b) || (data.fromUserId === b && data.toUserId === a))
    .sort((x, y) => x.event.position - y.event.position)
    .map(({ event, data }) => ({
      msg: data.text!,
      from: data.from!,
      to: data.to!,
      timestamp: event.metadata.occurredAt,
      id: data.messageId!,
      // A private message's place in the conversation is its place in the log.
      seq: event.position,
      cursor: event.position,
      authorId: authorIdOf(data.fromUserId!),
      ...(data.clientId !== undefined ? { clientId: data.clientId } : {}),
    }));

const logOf = (server: TestApp): Promise<RecordedEvent[]> => server.store.readAll(0, Number.MAX_SAFE_INTEGER);

const sent = (ack: Ack): Payload => {
  if (!ack.ok) throw new Error(`refused: ${ack.error.code}`);
  return ack.message;
};

const user = async (server: TestApp): Promise<User> => {
  const cookie = await guestCookie(server);
  const socket = await server.connect({ cookie });
  const id = await server.app.get(UserDirectory).userIdNamed(socket.username);
  if (id === undefined) throw new Error('no such user');
  return { socket, cookie, name: socket.username, id };
};

/** Each of `sends` ([from, to, count]) in batches with acks outstanding, the senders interleaved, as busy clients would. */
const exchange = async (sends: readonly (readonly [User, User, number])[], batch = 200): Promise<Payload[]> => {
  const messages: Payload[] = [];
  const longest = Math.max(...sends.map(([, , count]) => count));
  for (let start = 0; start < longest; start += batch) {
    const asks: Promise<Ack>[] = [];
    for (let i = start; i < Math.min(longest, start + batch); i++) {
      for (const [from, to, count] of sends) {
        if (i < count)
          asks.push(
            from.socket.ask<Ack>('private_message', {
              target: to.name,
              msg: `${from.name} ${i}`,
              clientId: `${from.name}-${to.name}-${i}`,
            }),
          );
      }
    }
    messages.push(...(await Promise.all(asks)).map(sent));
  }
  return messages;
};

/** A page of `viewer`'s conversation with `other`, over REST. */
const page = async (server: TestApp, viewer: User, other: User, query: string) =>
  server
    .http()
    .get(`/api/private/${encodeURIComponent(other.name)}/messages?${query}`)
    .set('Cookie', viewer.cookie);

/** Every message of `viewer`'s conversation with `other`, paging back with `before` until there is no more; oldest first. */
const wholeConversation = async (server: TestApp, viewer: User, other: User, limit = 100): Promise<Payload[]> => {
  const all: Payload[] = [];
  let before: string | undefined;
  for (;;) {
    const response = await page(
      server,
      viewer,
      other,
      `limit=${limit}${before !== undefined ? `&before=${encodeURIComponent(before)}` : ''}`,
    );
    expect(response.status).toBe(200);
    const body = response.body as { with: string; messages: Payload[]; hasMore: boolean };
    expect(body.with).toBe(other.name);
    all.push(...body.messages);
    if (!body.hasMore || body.messages.length === 0) return all.reverse();
    before = body.messages[body.messages.length - 1]!.id;
  }
};

const windowOf = (server: TestApp, a: User, b: User): readonly { id: string }[] => server.app.get(UsersReadModel).conversation(a.id, b.id);

describe('private history beyond the window in memory', () => {
  const startApp = appsClosedAfterEach();

  it('pages both sides of a conversation exactly as the log says, answers old resends from the store, and does so after a restart', async () => {
    const dataDir = tempDataDir();
    let server: TestApp = await startApp({}, dataDir);
    const alice = await user(server);
    const bob = await user(server);
    const carol = await user(server);

    await exchange([
      [alice, bob, 1500],
      [bob, alice, 1000],
      [carol, alice, 300],
    ]);

    const expected = foldOfTheLog(await logOf(server), alice.id, bob.id);
    expect(expected).toHaveLength(2500);
    const withCarol = foldOfTheLog(await logOf(server), alice.id, carol.id);
    expect(withCarol).toHaveLength(300);

    // Memory holds the newest HISTORY_WINDOW (200 by default) of each conversation.
    expect(windowOf(server, alice, bob).map((m) => m.id)).toEqual(expected.slice(-200).map((m) => m.id));
    expect(windowOf(server, bob, alice).map((m) => m.id)).toEqual(expected.slice(-200).map((m) => m.id));
    expect(windowOf(server, carol, alice)).toHaveLength(200);

    // Pages of 100 from the newest back to the first, across the window's edge, from either side.
    expect(await wholeConversation(server, alice, bob)).toEqual(expected);
    expect(await wholeConversation(server, bob, alice)).toEqual(expected);
    expect(await wholeConversation(server, carol, alice)).toEqual(withCarol);
    // Pages that straddle the window's edge.
    expect(await wholeConversation(server, alice, bob, 77)).toEqual(expected);

    // A page before a message far outside the window, and one just inside it.
    const old = await page(server, bob, alice, `limit=5&before=${expected[1000]!.id}`);
    expect(old.body).toEqual({ with: alice.name, messages: expected.slice(995, 1000).reverse(), hasMore: true });
    const edge = await page(server, alice, bob, `limit=10&before=${expected[2305]!.id}`);
    expect(edge.body).toEqual({ with: bob.name, messages: expected.slice(2295, 2305).reverse(), hasMore: true });
    const first = await page(server, alice, bob, `limit=10&before=${expected[3]!.id}`);
    expect(first.body).toEqual({ with: bob.name, messages: expected.slice(0, 3).reverse(), hasMore: false });

    // A message of another conversation, or none at all, is no place to page from.
    await page(server, alice, bob, `before=${withCarol[0]!.id}`).then((response) => expect(response.status).toBe(400));
    await page(server, carol, bob, `before=${expected[0]!.id}`).then((response) => expect(response.status).toBe(400));
    await page(server, alice, bob, 'before=no-such-message').then((response) => expect(response.status).toBe(400));

    // A resend of a client id used long ago answers with the first message and stores nothing.
    const head = await server.store.headPosition();
    const original = expected.find((m) => m.clientId === `${alice.name}-${bob.name}-3`)!;
    const resend = sent(await alice.socket.ask<Ack>('private_message', { target: bob.name, msg: 'again', clientId: original.clientId }));
    expect(resend).toEqual(original);
    expect(await server.store.headPosition()).toBe(head);

    // After a restart, the same.
    await server.close();
    server = await startApp({}, dataDir);
    const aliceAgain = { ...alice, socket: await server.connect({ cookie: alice.cookie }) };
    expect(windowOf(server, alice, bob).map((m) => m.id)).toEqual(expected.slice(-200).map((m) => m.id));
    expect(await wholeConversation(server, alice, bob)).toEqual(expected);
    expect(await wholeConversation(server, bob, alice)).toEqual(expected);
    expect(await wholeConversation(server, alice, carol)).toEqual(withCarol);
    const head2 = await server.store.headPosition();
    const again = sent(
      await aliceAgain.socket.ask<Ack>('private_message', { target: bob.name, msg: 'again', clientId: original.clientId }),
    );
    expect(again).toEqual(original);
    expect(await server.store.headPosition()).toBe(head2);
  }, 120_000);

  it('serves a window of one as well as a window of thousands, and answers a resend after the target went offline', async () => {
    const server = await startApp({ HISTORY_WINDOW: '1' });
    const alice = await user(server);
    const bob = await user(server);
    await exchange(
      [
        [alice, bob, 30],
        [bob, alice, 20],
      ],
      7,
    );
    const expected = foldOfTheLog(await logOf(server), alice.id, bob.id);
    expect(expected).toHaveLength(50);
    expect(windowOf(server, alice, bob).map((m) => m.id)).toEqual([expected[49]!.id]);
    expect(await wholeConversation(server, alice, bob)).toEqual(expected);
    expect(await wholeConversation(server, bob, alice, 3)).toEqual(expected);
    const newest = await page(server, bob, alice, 'limit=5');
    expect(newest.body).toEqual({ with: alice.name, messages: expected.slice(45).reverse(), hasMore: true });
    const some = await page(server, alice, bob, `limit=5&before=${expected[6]!.id}`);
    expect(some.body).toEqual({ with: bob.name, messages: expected.slice(1, 6).reverse(), hasMore: true });

    // A store read failing on the way answers `unavailable`, never a partial page.
    const failing = () => Promise.reject(new StoreUnavailableError('disk gone'));
    const readConversation = jest.spyOn(server.store, 'readConversation').mockImplementationOnce(failing);
    const unavailable = await page(server, alice, bob, 'limit=5');
    expect(unavailable.status).toBe(503);
    expect(unavailable.body).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
    readConversation.mockRestore();
    // The message is looked up in both session streams; the second read fails.
    const lookup = server.store.readMessageEvents.bind(server.store);
    let lookups = 0;
    const readMessageEvents = jest
      .spyOn(server.store, 'readMessageEvents')
      .mockImplementation((...args) => (++lookups === 2 ? failing() : lookup(...args)));
    expect((await page(server, bob, alice, `limit=5&before=${expected[20]!.id}`)).status).toBe(503);
    readMessageEvents.mockRestore();
    expect((await page(server, bob, alice, `limit=5&before=${expected[20]!.id}`)).body.messages).toEqual(expected.slice(15, 20).reverse());

    // Bob goes offline: a resend of one of alice's first messages still answers with it, and stores nothing.
    const bobName = bob.name;
    await alice.socket.next('active_users', (p: { users: string[] }) => p.users.includes(bobName));
    bob.socket.close();
    await alice.socket.next('active_users', (p: { users: string[] }) => !p.users.includes(bobName));
    const head = await server.store.headPosition();
    const original = expected.find((m) => m.clientId === `${alice.name}-${bob.name}-0`)!;
    const resend = sent(await alice.socket.ask<Ack>('private_message', { target: bob.name, msg: 'again', clientId: original.clientId }));
    expect(resend).toEqual(original);
    expect(await server.store.headPosition()).toBe(head);
    // A new message to him is stored: he gets it when he comes back.
    await expect(alice.socket.ask<Ack>('private_message', { target: bob.name, msg: 'hi', clientId: 'new' })).resolves.toMatchObject({
      ok: true,
      message: { to: bob.name, msg: 'hi' },
    });
    expect(await server.store.headPosition()).toBeGreaterThan(head);
  });
});
