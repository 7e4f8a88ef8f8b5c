import { eventually } from '../support/eventually';
import { syncAll, tell, unreadOf, user, type Private } from '../support/private-conversation';
import { appsClosedAfterEach, type TestApp } from '../support/test-app';

/**
 * Edits, deletes and reactions in private conversations, as in rooms: the author edits and deletes,
 * either side reacts (`{with}` instead of `{room}`), both sides' tabs are told, and a catch-up
 * (`private_sync`) brings every change made meanwhile, each once, in order.
 */

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
