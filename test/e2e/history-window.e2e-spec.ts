import { StoreUnavailableError, type RecordedEvent } from '../../src/application/ports/event-store.port';
import { RoomsReadModel } from '../../src/application/read-models/rooms.read-model';
import { authorIdOf } from '../../src/interface/ws/client-payloads';
import { wholeHistory } from '../support/room-history';
import { appsClosedAfterEach, tempDataDir, type TestApp } from '../support/test-app';
import type { TestSocket } from '../support/socket';

/**
 * The read model keeps only the newest HISTORY_WINDOW messages of a room; everything older is read
 * from the store by index. Whatever side of the window a message is on, a client sees exactly what
 * a full fold of the log gives, edits, deletes and reactions included, before and after a restart.
 */

type Payload = {
  id: string;
  seq: number;
  msg: string;
  username: string;
  room: string;
  timestamp: string;
  authorId: string;
  clientId?: string;
  editedAt?: string;
  deleted?: true;
  reactions?: Record<string, string[]>;
};
type Ack = { ok: true; message: Payload } | { ok: false; error: { code: string } };

const ROOM = 'General';
const MESSAGES = 2400;

/** The room as a plain fold of every event in the log, written independently of the server's code. */
const foldOfTheLog = (events: readonly RecordedEvent[], room: string): Payload[] => {
  const messages = new Map<string, Payload & { reactors: Map<string, Map<string, string>> }>();
  for (const event of events) {
    if (event.streamId !== `room-${room}`) continue;
    const data = event.data as Record<string, unknown> & { messageId: string };
    const message = messages.get(data.messageId);
    switch (event.type) {
      case 'MessageSent':
        messages.set(data.messageId, {
          id: data.messageId,
          seq: data.seq as number,
          msg: data.text as string,
          username: data.username as string,
          room,
          timestamp: event.metadata.occurredAt,
          authorId: authorIdOf(data.userId as string),
          ...(data.clientId !== undefined ? { clientId: data.clientId as string } : {}),
          reactors: new Map(),
        });
        break;
      case 'MessageEdited':
        Object.assign(message!, { msg: data.text, editedAt: event.metadata.occurredAt });
        break;
      case 'MessageDeleted':
        Object.assign(message!, { msg: '', deleted: true });
        message!.reactors.clear();
        break;
      case 'ReactionAdded':
      case 'ReactionRemoved': {
        const users = message!.reactors.get(data.emoji as string) ?? new Map<string, string>();
        if (event.type === 'ReactionAdded') users.set(data.userId as string, data.username as string);
        else users.delete(data.userId as string);
        if (users.size === 0) message!.reactors.delete(data.emoji as string);
        else message!.reactors.set(data.emoji as string, users);
        break;
      }
      default:
        break;
    }
  }
  return [...messages.values()]
    .sort((a, b) => a.seq - b.seq)
    .map(({ reactors, ...message }) =>
      reactors.size === 0
        ? message
        : { ...message, reactions: Object.fromEntries([...reactors].map(([emoji, users]) => [emoji, [...users.values()]])) },
    );
};

/**
 * Hundreds of acks are outstanding at once here, each answered in turn on its stream: on a busy
 * machine the last one can take longer than the helper's usual 3 s, which says nothing about what
 * this spec checks (the answers, not their speed).
 */
const ASK_TIMEOUT_MS = 20_000;
jest.setTimeout(60_000);
const ask = (socket: TestSocket, event: string, payload: unknown): Promise<Ack> =>
  socket.raw.timeout(ASK_TIMEOUT_MS).emitWithAck(event, payload) as Promise<Ack>;

const sent = (ack: Ack): Payload => {
  if (!ack.ok) throw new Error(`refused: ${ack.error.code}`);
  return ack.message;
};

/** Sends in batches with acks outstanding, as a busy client would. */
const sendMany = async (socket: TestSocket, count: number, prefix: string): Promise<Payload[]> => {
  const messages: Payload[] = [];
  for (let start = 0; start < count; start += 200) {
    const batch = Array.from({ length: Math.min(200, count - start) }, (_, i) =>
      ask(socket, 'message', { room: ROOM, msg: `${prefix} ${start + i}`, clientId: `${prefix}-${start + i}` }),
    );
    messages.push(...(await Promise.all(batch)).map(sent));
  }
  return messages;
};

describe('history beyond the window in memory', () => {
  const startApp = appsClosedAfterEach();

  it('pages, resumes and changes messages on both sides of the window exactly as the log says', async () => {
    const dataDir = tempDataDir();
    let server: TestApp = await startApp({}, dataDir);
    const alice = await server.connect();
    const bob = await server.connect();
    await ask(alice, 'join', { room: ROOM });
    await ask(bob, 'join', { room: ROOM });

    const mine = await sendMany(alice, MESSAGES, 'alice');
    const theirs = await sendMany(bob, 100, 'bob');
    expect(mine.map((m) => m.seq)).toEqual(mine.map((_, i) => i + 1));
    // Memory holds the newest HISTORY_WINDOW (200 by default) of them.
    const window = server.app.get(RoomsReadModel).windowRange(ROOM, 1, Number.MAX_SAFE_INTEGER);
    expect(window.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => MESSAGES + theirs.length - 199 + i));

    // Changes to old messages (far outside the window of 200) and to new ones.
    const changes: Promise<Ack>[] = [];
    for (const [i, message] of mine.entries()) {
      if (i % 9 === 0) changes.push(ask(alice, 'edit_message', { room: ROOM, messageId: message.id, msg: `edited ${i}` }));
      if (i % 5 === 0) changes.push(ask(bob, 'react', { room: ROOM, messageId: message.id, emoji: '👍' }));
      if (i % 10 === 0) changes.push(ask(alice, 'react', { room: ROOM, messageId: message.id, emoji: '🎉' }));
    }
    for (const ack of await Promise.all(changes.splice(0))) sent(ack);
    for (const [i, message] of mine.entries()) {
      if (i % 15 === 0) changes.push(ask(bob, 'react', { room: ROOM, messageId: message.id, emoji: '👍' }));
      if (i % 13 === 0 && i % 15 !== 0) changes.push(ask(alice, 'delete_message', { room: ROOM, messageId: message.id }));
    }
    for (const ack of await Promise.all(changes.splice(0))) sent(ack);

    // The author rule holds for a message the room's state no longer holds in memory.
    const old = mine[1]!;
    await expect(ask(bob, 'edit_message', { room: ROOM, messageId: old.id, msg: 'not yours' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    await expect(ask(alice, 'react', { room: ROOM, messageId: mine[13]!.id, emoji: '👍' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'message_not_found' },
    });

    // A member sees a change to an old message pushed whole, reactions and all.
    const carol = await server.connect();
    await ask(carol, 'join', { room: ROOM });
    const edit = sent(await ask(alice, 'edit_message', { room: ROOM, messageId: mine[10]!.id, msg: 'much later' }));
    expect(edit).toMatchObject({
      id: mine[10]!.id,
      seq: 11,
      msg: 'much later',
      reactions: { '👍': [bob.username], '🎉': [alice.username] },
    });
    await expect(carol.next('message_edited', (m: Payload) => m.id === mine[10]!.id)).resolves.toMatchObject({
      seq: 11,
      msg: 'much later',
      reactions: { '👍': [bob.username], '🎉': [alice.username] },
    });

    // A resend of a client id used long ago answers with the first message and stores nothing.
    const head = await server.store.headPosition();
    const resend = sent(await ask(alice, 'message', { room: ROOM, msg: 'alice 3 again', clientId: 'alice-3' }));
    expect(resend).toMatchObject({ id: mine[3]!.id, seq: 4, msg: 'alice 3' });
    expect(await server.store.headPosition()).toBe(head);

    const expected = foldOfTheLog(await server.store.readAll(0, Number.MAX_SAFE_INTEGER), ROOM);
    expect(expected).toHaveLength(MESSAGES + theirs.length);
    expect(expected.filter((m) => m.deleted)).not.toHaveLength(0);

    // REST pages of 100, from the newest back to the first, across the window's edge.
    expect(await wholeHistory<Payload>(server.url, ROOM)).toEqual(expected);

    // A join with `since` far behind the window gets what followed, from the store.
    const since = await server.connect();
    await since.ask('join', { room: ROOM, since: 1000 });
    const resumed = await since.next<{ messages: Payload[]; hasMore: boolean }>('history');
    expect(resumed.messages).toEqual(expected.slice(1000, 1500));
    expect(resumed.hasMore).toBe(true);

    // The newest messages on join come from memory, and say there is more.
    const fresh = await server.connect();
    await fresh.ask('join', { room: ROOM });
    const recent = await fresh.next<{ messages: Payload[]; hasMore: boolean }>('history');
    expect(recent.messages).toEqual(expected.slice(-50));
    expect(recent.hasMore).toBe(true);

    // After a restart, the same.
    await server.close();
    server = await startApp({}, dataDir);
    expect(await wholeHistory<Payload>(server.url, ROOM)).toEqual(expected);
  }, 60_000);

  it('serves a window of one as well as a window of thousands', async () => {
    const server = await startApp({ HISTORY_WINDOW: '1' });
    const alice = await server.connect();
    await ask(alice, 'join', { room: ROOM });
    const messages = await sendMany(alice, 30, 'small');
    sent(await ask(alice, 'react', { room: ROOM, messageId: messages[2]!.id, emoji: '👍' }));
    sent(await ask(alice, 'edit_message', { room: ROOM, messageId: messages[3]!.id, msg: 'four' }));
    const expected = foldOfTheLog(await server.store.readAll(0, Number.MAX_SAFE_INTEGER), ROOM);
    expect(await wholeHistory<Payload>(server.url, ROOM)).toEqual(expected);
    const response = await fetch(`${server.url}/api/rooms/${ROOM}/messages?limit=5&before=${messages[6]!.id}`);
    expect(await response.json()).toEqual({ room: ROOM, messages: expected.slice(1, 6).reverse(), hasMore: true });
  });

  it('answers each of a burst of messages with itself, though the burst pushed it out of the window before its answer', async () => {
    const server = await startApp({ HISTORY_WINDOW: '1' });
    const alice = await server.connect();
    await ask(alice, 'join', { room: ROOM });
    // Sent at once and without client ids: decided and stored together, so all but the last have left
    // the window by the time their answers are made.
    const acks = await Promise.all(Array.from({ length: 40 }, (_, i) => ask(alice, 'message', { room: ROOM, msg: `burst ${i}` })));
    expect(acks.map((ack) => (ack.ok ? ack.message.msg : ack.error.code))).toEqual(Array.from({ length: 40 }, (_, i) => `burst ${i}`));
    const seqs = acks.map((ack) => (ack.ok ? ack.message.seq : 0));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(40);
  });

  it('answers unavailable, never part of a page, when the store fails to read an older page', async () => {
    const server = await startApp({ HISTORY_WINDOW: '5' });
    const alice = await server.connect();
    await ask(alice, 'join', { room: ROOM });
    await sendMany(alice, 20, 'deep');
    const failing = jest.spyOn(server.store, 'readMessageEvents').mockRejectedValue(new StoreUnavailableError('disk on fire'));
    try {
      const response = await fetch(`${server.url}/api/rooms/${ROOM}/messages?limit=10`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
      await expect(alice.ask('join', { room: ROOM, since: 1 })).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
      // The newest page is in memory and does not need the store.
      expect((await fetch(`${server.url}/api/rooms/${ROOM}/messages?limit=5`)).status).toBe(200);
    } finally {
      failing.mockRestore();
    }
    expect((await fetch(`${server.url}/api/rooms/${ROOM}/messages?limit=10`)).status).toBe(200);
  });
});
