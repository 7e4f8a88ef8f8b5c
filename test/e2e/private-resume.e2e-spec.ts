import { eventually } from '../support/eventually';
import type { TestSocket } from '../support/socket';
import { appsClosedAfterEach, guestCookie, startApp, type TestApp } from '../support/test-app';

/**
 * Private conversations never miss a thing either. A private message's `seq` is its place in the
 * log: it grows along the conversation (with gaps: the log holds other things between), and it is
 * the conversation's cursor. `private_sync {with, since}` answers everything after `since`, oldest
 * first, each once, in pages; `read {with, seq}` moves the user's marker in that conversation, every
 * tab gets `unread {with, count, mentions, readSeq}`, and `GET /api/unread` and `GET /api/private`
 * carry the counts.
 */

type Private = { id: string; msg: string; from: string; to: string; seq: number; cursor: number };
type Sync = { ok: true; with: string; changes: { event: string; data: Private }[]; cursor: number; hasMore: boolean };
type Unread = { with: string; count: number; mentions: number; readSeq: number };
type User = { socket: TestSocket; cookie: string; name: string };

const user = async (server: TestApp): Promise<User> => {
  const cookie = await guestCookie(server);
  const socket = await server.connect({ cookie });
  return { socket, cookie, name: socket.username };
};

const tell = async (from: User, to: User, msg: string): Promise<Private> =>
  (await from.socket.ask<{ message: Private }>('private_message', { target: to.name, msg })).message;

const sync = (socket: TestSocket, withName: string, since: number): Promise<Sync> =>
  socket.ask<Sync>('private_sync', { with: withName, since });

/** Every page after `since`, as a client catching up does. */
const syncAll = async (socket: TestSocket, withName: string, since: number): Promise<Sync[]> => {
  const pages: Sync[] = [];
  for (let cursor = since; ;) {
    const page = await sync(socket, withName, cursor);
    pages.push(page);
    if (!page.hasMore) return pages;
    cursor = page.cursor;
  }
};

const unreadOf = async (server: TestApp, cookie: string): Promise<Unread[]> =>
  (await server.http().get('/api/unread').set('Cookie', cookie).expect(200)).body.conversations;

describe('private conversations: resume with a cursor', () => {
  const start = appsClosedAfterEach();

  it('answers every private message after the cursor, both directions, oldest first, each once, across a restart', async () => {
    const first = await start();
    const alice = await user(first);
    const bob = await user(first);
    const carol = await user(first);
    await tell(alice, bob, 'one');
    const pushed = bob.socket.next<Private>('private_message', (m) => m.msg === 'two');
    const two = await tell(alice, bob, 'two');
    const seen = await pushed;
    expect(seen).toEqual(expect.objectContaining({ id: two.id, seq: two.seq, cursor: two.seq }));
    expect(two.cursor).toBe(two.seq);
    bob.socket.close();

    const three = await tell(alice, bob, 'three');
    await tell(alice, carol, 'not to bob');
    const other = await tell(carol, alice, 'nor this');
    expect(other.seq).toBeGreaterThan(three.seq);
    const reply = await tell({ ...bob, socket: await first.connect({ cookie: bob.cookie }) }, alice, 'five, from bob on another tab');
    await first.close();

    const second = await start({}, first.dataDir);
    const back = await second.connect({ cookie: bob.cookie });
    const answer = await sync(back, alice.name, seen.cursor);
    expect(answer).toEqual({
      ok: true,
      with: alice.name,
      changes: [
        {
          event: 'private_message',
          data: expect.objectContaining({ id: three.id, msg: 'three', from: alice.name, to: bob.name, seq: three.seq, cursor: three.seq }),
        },
        {
          event: 'private_message',
          data: expect.objectContaining({ id: reply.id, msg: 'five, from bob on another tab', from: bob.name, to: alice.name }),
        },
      ],
      cursor: reply.seq,
      hasMore: false,
    });
    // From the head: nothing, and the head. The name is matched as sending is, in any case.
    await expect(sync(back, alice.name.toUpperCase(), reply.seq)).resolves.toEqual({
      ok: true,
      with: alice.name,
      changes: [],
      cursor: reply.seq,
      hasMore: false,
    });
    await expect(sync(back, alice.name, reply.seq + 1000)).resolves.toEqual({
      ok: true,
      with: alice.name,
      changes: [],
      cursor: reply.seq,
      hasMore: false,
    });
    // From 0: the whole conversation.
    expect((await sync(back, alice.name, 0)).changes.map((c) => c.data.msg)).toEqual([
      'one',
      'two',
      'three',
      'five, from bob on another tab',
    ]);
  });

  it('comes in pages when much was said, each message once', async () => {
    const server = await start();
    const alice = await user(server);
    const bob = await user(server);
    const sent: Private[] = [];
    for (let i = 0; i < 520; i++) sent.push(await tell(i % 7 === 0 ? bob : alice, i % 7 === 0 ? alice : bob, `note ${i}`));
    const pages = await syncAll(bob.socket, alice.name, 0);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.slice(0, -1).every((page) => page.hasMore)).toBe(true);
    expect(pages.flatMap((page) => page.changes.map((c) => c.data.id))).toEqual(sent.map((m) => m.id));
    expect(pages.at(-1)!.cursor).toBe(sent.at(-1)!.seq);
  });

  it('refuses a bad cursor and a name nobody holds, and says so', async () => {
    const server = await start();
    const alice = await user(server);
    for (const since of [-1, 1.5, '3', 2 ** 53, undefined]) {
      await expect(alice.socket.ask('private_sync', { with: 'Anyone', since })).resolves.toEqual({
        ok: false,
        error: { code: 'invalid_payload', message: expect.stringContaining('since') },
      });
    }
    await expect(sync(alice.socket, 'NobodyHasThisName', 0)).resolves.toEqual({
      ok: false,
      error: { code: 'user_not_found', message: 'No user named NobodyHasThisName' },
    });
  });
});

describe('private conversations: unread counts', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await server.close();
  });

  it('counts what the other said after the marker; read {with, seq} moves it, on every tab, and the listings say it', async () => {
    const alice = await user(server);
    const bob = await user(server);
    const one = await tell(alice, bob, 'one');
    await tell(bob, alice, 'mine does not count');
    const two = await tell(alice, bob, 'two');
    const three = await tell(alice, bob, 'three');
    expect(await unreadOf(server, bob.cookie)).toEqual([{ with: alice.name, count: 3, mentions: 0, readSeq: 0 }]);
    expect(await unreadOf(server, alice.cookie)).toEqual([{ with: bob.name, count: 1, mentions: 0, readSeq: 0 }]);

    const otherTab = await server.connect({ cookie: bob.cookie });
    const told = otherTab.next<Unread>('unread', (u) => u.with === alice.name);
    await expect(bob.socket.ask('read', { with: alice.name, seq: one.seq })).resolves.toEqual({
      ok: true,
      with: alice.name,
      readSeq: one.seq,
      changed: true,
    });
    await expect(told).resolves.toEqual({ with: alice.name, count: 2, mentions: 0, readSeq: one.seq });
    const listed = (await server.http().get('/api/private').set('Cookie', bob.cookie).expect(200)).body.conversations;
    expect(listed).toEqual([{ with: alice.name, last: expect.objectContaining({ id: three.id, seq: three.seq }), unread: 2 }]);

    // Backwards or beyond the newest changes nothing, and says why.
    await expect(bob.socket.ask('read', { with: alice.name, seq: one.seq })).resolves.toEqual({
      ok: true,
      with: alice.name,
      readSeq: one.seq,
      changed: false,
      reason: 'not_newer',
    });
    await expect(bob.socket.ask('read', { with: alice.name, seq: three.seq + 1 })).resolves.toEqual({
      ok: true,
      with: alice.name,
      readSeq: one.seq,
      changed: false,
      reason: 'beyond_newest',
    });
    await bob.socket.ask('read', { with: alice.name, seq: two.seq });
    await bob.socket.ask('read', { with: alice.name, seq: three.seq });
    expect(await unreadOf(server, bob.cookie)).toEqual([{ with: alice.name, count: 0, mentions: 0, readSeq: three.seq }]);
    // Her side is hers: still one unread.
    expect(await unreadOf(server, alice.cookie)).toEqual([{ with: bob.name, count: 1, mentions: 0, readSeq: 0 }]);
  });

  it('refuses a read of a conversation that does not exist, and a payload with both a room and a person', async () => {
    const alice = await user(server);
    const bob = await user(server);
    await expect(alice.socket.ask('read', { with: 'NobodyHasThisName', seq: 1 })).resolves.toEqual({
      ok: false,
      error: { code: 'user_not_found', message: 'No user named NobodyHasThisName' },
    });
    await expect(alice.socket.ask('read', { with: bob.name, seq: 1 })).resolves.toEqual({
      ok: true,
      with: bob.name,
      readSeq: 0,
      changed: false,
      reason: 'beyond_newest',
    });
    await expect(alice.socket.ask('read', { with: bob.name, room: 'General', seq: 1 })).resolves.toEqual({
      ok: false,
      error: { code: 'invalid_payload', message: expect.any(String) },
    });
    await expect(alice.socket.ask('read', { seq: 1 })).resolves.toEqual({
      ok: false,
      error: { code: 'invalid_payload', message: expect.any(String) },
    });
  });
});

type Change = {
  from: string;
  to: string;
  id: string;
  seq: number;
  msg?: string;
  deleted?: true;
  editedAt?: string;
  reactions: Record<string, string[]>;
  cursor: number;
};
type Shown = { id: string; msg: string; deleted?: true; editedAt?: string; reactions?: Record<string, string[]> };

/** What a client shows of a conversation, from the pushes and catch-ups it applied: each message as it stands. */
class Mirror {
  readonly messages = new Map<string, Shown>();
  cursor = 0;

  apply(event: string, data: Private | Change): void {
    this.cursor = Math.max(this.cursor, data.cursor);
    if (event === 'private_message') {
      const { id, msg } = data as Private;
      if (!this.messages.has(id)) this.messages.set(id, { id, msg });
      return;
    }
    const change = data as Change;
    const shown = this.messages.get(change.id);
    if (shown === undefined) return;
    const reactions = Object.keys(change.reactions).length > 0 ? { reactions: change.reactions } : {};
    this.messages.set(change.id, {
      id: change.id,
      msg: change.deleted === true ? '' : change.msg!,
      ...(change.deleted === true ? { deleted: true } : {}),
      ...(change.editedAt !== undefined ? { editedAt: change.editedAt } : {}),
      ...reactions,
    });
  }

  list(): Shown[] {
    return [...this.messages.values()];
  }
}

/** The conversation as the server's REST history has it, oldest first, in the fields a mirror keeps. */
const listed = async (server: TestApp, cookie: string, withName: string): Promise<Shown[]> => {
  const page = await server
    .http()
    .get(`/api/private/${encodeURIComponent(withName)}/messages?limit=100`)
    .set('Cookie', cookie)
    .expect(200);
  return (page.body.messages as (Shown & Record<string, unknown>)[]).reverse().map(({ id, msg, deleted, editedAt, reactions }) => ({
    id,
    msg,
    ...(deleted === true ? { deleted } : {}),
    ...(editedAt !== undefined ? { editedAt } : {}),
    ...(reactions !== undefined ? { reactions } : {}),
  }));
};

describe('private conversations: edits, deletes and reactions', () => {
  const start = appsClosedAfterEach();

  it('lets the author edit and delete, either side react; every tab of both sides is told, and the history shows it', async () => {
    const server = await start();
    const alice = await user(server);
    const bob = await user(server);
    const bobTab = await server.connect({ cookie: bob.cookie });
    const carol = await user(server);
    const hello = await tell(alice, bob, 'hello');

    const told = [bob.socket, bobTab, alice.socket].map((socket) => socket.next<Change>('message_edited'));
    await expect(alice.socket.ask('edit_message', { with: bob.name, messageId: hello.id, msg: ' hello, edited ' })).resolves.toEqual({
      ok: true,
      message: expect.objectContaining({ id: hello.id, msg: 'hello, edited', editedAt: expect.any(String), seq: hello.seq }),
    });
    for (const push of await Promise.all(told)) {
      expect(push).toEqual({
        from: alice.name,
        to: bob.name,
        id: hello.id,
        seq: hello.seq,
        msg: 'hello, edited',
        editedAt: expect.any(String),
        reactions: {},
        cursor: expect.any(Number),
      });
      expect(push.cursor).toBeGreaterThan(hello.seq);
    }

    const forbidden = { ok: false, error: { code: 'forbidden', message: expect.stringContaining('Only the author') } };
    await expect(bob.socket.ask('edit_message', { with: alice.name, messageId: hello.id, msg: 'mine now' })).resolves.toEqual(forbidden);
    await expect(bob.socket.ask('delete_message', { with: alice.name, messageId: hello.id })).resolves.toEqual(forbidden);
    await expect(carol.socket.ask('react', { with: alice.name, messageId: hello.id, emoji: '👍' })).resolves.toEqual({
      ok: false,
      error: { code: 'message_not_found', message: 'No such message' },
    });

    const reacted = alice.socket.next<Change>('reaction');
    await expect(bob.socket.ask('react', { with: alice.name, messageId: hello.id, emoji: '❤' })).resolves.toEqual({
      ok: true,
      message: expect.objectContaining({ id: hello.id, reactions: { '❤️': [bob.name] } }),
    });
    await expect(reacted).resolves.toMatchObject({ id: hello.id, reactions: { '❤️': [bob.name] } });
    await alice.socket.ask('react', { with: bob.name, messageId: hello.id, emoji: '❤️' });
    await expect(bob.socket.ask('react', { with: alice.name, messageId: hello.id, emoji: '❤️' })).resolves.toMatchObject({
      message: { reactions: { '❤️': [alice.name] } },
    });

    const doomed = await tell(alice, bob, 'to be deleted');
    const gone = bob.socket.next<Change>('message_deleted');
    await expect(alice.socket.ask('delete_message', { with: bob.name, messageId: doomed.id })).resolves.toMatchObject({
      ok: true,
      message: { id: doomed.id, msg: '', deleted: true },
    });
    await expect(gone).resolves.toEqual({
      from: alice.name,
      to: bob.name,
      id: doomed.id,
      seq: doomed.seq,
      deleted: true,
      reactions: {},
      cursor: expect.any(Number),
    });
    await expect(alice.socket.ask('edit_message', { with: bob.name, messageId: doomed.id, msg: 'back' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'message_not_found' },
    });
    await expect(alice.socket.ask('delete_message', { with: bob.name, room: 'General', messageId: doomed.id })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });

    expect(await listed(server, bob.cookie, alice.name)).toEqual([
      { id: hello.id, msg: 'hello, edited', editedAt: expect.any(String), reactions: { '❤️': [alice.name] } },
      { id: doomed.id, msg: '', deleted: true },
    ]);
    // A deleted message is not unread.
    expect(await unreadOf(server, bob.cookie)).toEqual([{ with: alice.name, count: 1, mentions: 0, readSeq: 0 }]);
  });

  it('a catch-up brings every edit, delete and reaction made meanwhile, in order, each once, also beyond the window and after a restart', async () => {
    // A window of two messages: most of the conversation is in the store only.
    const first = await start({ HISTORY_WINDOW: '2' });
    const alice = await user(first);
    const bob = await user(first);
    const stayed = new Mirror();
    const away = new Mirror();
    for (const event of ['private_message', 'message_edited', 'message_deleted', 'reaction']) {
      alice.socket.raw.on(event, (data: Private | Change) => stayed.apply(event, data));
    }
    const sent: Private[] = [];
    for (let i = 0; i < 6; i++) sent.push(await tell(i % 2 === 0 ? alice : bob, i % 2 === 0 ? bob : alice, `note ${i}`));
    for (const change of (await syncAll(bob.socket, alice.name, 0)).flatMap((page) => page.changes)) away.apply(change.event, change.data);
    expect(away.list().map((m) => m.msg)).toEqual(sent.map((m) => m.msg));
    bob.socket.close();

    await alice.socket.ask('edit_message', { with: bob.name, messageId: sent[0]!.id, msg: 'note 0, edited' });
    await alice.socket.ask('react', { with: bob.name, messageId: sent[1]!.id, emoji: '👍' });
    await alice.socket.ask('delete_message', { with: bob.name, messageId: sent[2]!.id });
    await alice.socket.ask('react', { with: bob.name, messageId: sent[3]!.id, emoji: '🎉' });
    await alice.socket.ask('react', { with: bob.name, messageId: sent[3]!.id, emoji: '🎉' });
    const late = await tell(alice, bob, 'while you were away');
    await alice.socket.ask('react', { with: bob.name, messageId: late.id, emoji: '👀' });
    // The one who stayed was told of each change, also of those to messages older than the window.
    const whole = await listed(first, alice.cookie, bob.name);
    await eventually(() => Promise.resolve(JSON.stringify(stayed.list()) === JSON.stringify(whole)));
    await first.close();

    const second = await start({ HISTORY_WINDOW: '2' }, first.dataDir);
    const back = await second.connect({ cookie: bob.cookie });
    const pages = await syncAll(back, alice.name, away.cursor);
    const changes = pages.flatMap((page) => page.changes);
    expect(changes.map((change) => [change.event, change.data.id])).toEqual([
      ['message_edited', sent[0]!.id],
      ['reaction', sent[1]!.id],
      ['message_deleted', sent[2]!.id],
      ['reaction', sent[3]!.id],
      ['reaction', sent[3]!.id],
      ['private_message', late.id],
      ['reaction', late.id],
    ]);
    const cursors = changes.map((change) => change.data.cursor);
    expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
    expect(new Set(cursors).size).toBe(cursors.length);
    for (const change of changes) away.apply(change.event, change.data);
    // The client that came back shows what the log says, as the one that stayed does.
    const logged = await listed(second, bob.cookie, alice.name);
    expect(away.list()).toEqual(logged);
    expect(stayed.list()).toEqual(logged);
    expect(pages.at(-1)!.cursor).toBe(cursors.at(-1));
  });
});
