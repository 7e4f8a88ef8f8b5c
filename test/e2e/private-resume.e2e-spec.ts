import { sync, syncAll, tell, unreadOf, user, type Private, type Unread } from '../support/private-conversation';
import { appsClosedAfterEach, startApp, type TestApp } from '../support/test-app';

/**
 * Private conversations never miss a thing either. A private message's `seq` is its place in the
 * log: it grows along the conversation (with gaps: the log holds other things between), and it is
 * the conversation's cursor. `private_sync {with, since}` answers everything after `since`, oldest
 * first, each once, in pages; `read {with, seq}` moves the user's marker in that conversation, every
 * tab gets `unread {with, count, mentions, readSeq}`, and `GET /api/unread` and `GET /api/private`
 * carry the counts.
 */

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
