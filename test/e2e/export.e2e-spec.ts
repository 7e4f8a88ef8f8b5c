import { AppConfig } from '../../src/application/ports/app-config';
import { StoreUnavailableError } from '../../src/application/ports/event-store.port';
import { tell, user, type User } from '../support/private-conversation';
import { appsClosedAfterEach, cookieOf, startApp, type TestApp } from '../support/test-app';

/**
 * `GET /api/me/export`: everything a user wrote or received, folded from the log as it now stands,
 * for the session of the cookie only. Two people chat in a room and privately, edit, delete, react,
 * share files and read; each export holds exactly its user's things.
 */

type Sent = { id: string; seq: number; msg: string; timestamp: string };
type Export = {
  exportedAt: string;
  position: number;
  account: { username: string; kind: string; startedAt: string };
  readMarkers: { rooms: { room: string; seq: number }[]; private: { with: string; seq: number }[] };
  roomMessages: Record<string, unknown>[];
  privateMessages: Record<string, unknown>[];
  reactions: Record<string, unknown>[];
  files: Record<string, unknown>[];
};

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const TEXT = Buffer.from('plain notes\n');
const ROOM = 'General';
const time = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);

jest.setTimeout(60_000);

describe('GET /api/me/export', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await server.close();
  });

  const start = appsClosedAfterEach();

  const exportOf = async (who: User): Promise<Export> => {
    const response = await server.http().get('/api/me/export').set('Cookie', who.cookie).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="/);
    return response.body as Export;
  };
  const say = async (who: User, msg: string, fileId?: string): Promise<Sent> =>
    (await who.socket.ask<{ message: Sent }>('message', { room: ROOM, msg, ...(fileId !== undefined ? { fileId } : {}) })).message;
  const ok = async (who: User, event: string, payload: Record<string, unknown>): Promise<void> => {
    await expect(who.socket.ask(event, payload)).resolves.toMatchObject({ ok: true });
  };
  const upload = async (who: User, bytes: Buffer, filename: string): Promise<string> =>
    (await server.http().post('/api/files').set('Cookie', who.cookie).attach('file', bytes, filename).expect(201)).body.id as string;

  it("holds exactly each user's own messages, reactions, files and read markers, with every change applied", async () => {
    const alice = await user(server);
    const bob = await user(server);
    await ok(alice, 'join', { room: ROOM });
    await ok(bob, 'join', { room: ROOM });

    // In the room: alice writes four (one edited, one deleted, one with a file), bob one.
    const a1 = await say(alice, 'hello room');
    const a2 = await say(alice, 'to be edited');
    const a3 = await say(alice, 'to be deleted');
    const b1 = await say(bob, 'bob here');
    const cat = await upload(alice, PNG, 'cat.png');
    const a4 = await say(alice, '', cat);
    const waiting = await upload(alice, PNG, 'later.png');
    // On a message that is deleted afterwards: gone with it.
    await ok(bob, 'react', { room: ROOM, messageId: a3.id, emoji: '👀' });
    await ok(alice, 'edit_message', { room: ROOM, messageId: a2.id, msg: 'edited text' });
    await ok(alice, 'delete_message', { room: ROOM, messageId: a3.id });
    await ok(bob, 'react', { room: ROOM, messageId: a1.id, emoji: '👍' });
    await ok(alice, 'react', { room: ROOM, messageId: b1.id, emoji: '🎉' });
    // The same emoji on the same message by someone else afterwards: still hers too.
    await ok(bob, 'react', { room: ROOM, messageId: b1.id, emoji: '🎉' });
    // Added and taken back: not a reaction she made any more.
    await ok(alice, 'react', { room: ROOM, messageId: a1.id, emoji: '❤️' });
    await ok(alice, 'react', { room: ROOM, messageId: a1.id, emoji: '❤️' });

    // Privately: both ways, an edit, a delete, reactions on each side, a file of bob's.
    const p1 = await tell(alice, bob, 'psst');
    const p2 = await tell(bob, alice, 'hi back');
    const p3 = await tell(alice, bob, 'oops');
    const notes = await upload(bob, TEXT, 'notes.txt');
    const p4 = (await bob.socket.ask<{ message: Sent }>('private_message', { target: alice.name, msg: 'my notes', fileId: notes })).message;
    await ok(alice, 'edit_message', { with: bob.name, messageId: p1.id, msg: 'psst, edited' });
    await ok(alice, 'delete_message', { with: bob.name, messageId: p3.id });
    await ok(bob, 'react', { with: alice.name, messageId: p1.id, emoji: '👀' });
    await ok(alice, 'react', { with: bob.name, messageId: p2.id, emoji: '👍' });
    // A conversation alice is not in.
    const carol = await user(server);
    const c1 = await tell(carol, bob, 'from carol');

    // Read markers: alice reads the room up to bob's message and the conversation up to p2.
    await ok(alice, 'read', { room: ROOM, seq: b1.seq });
    await ok(alice, 'read', { with: bob.name, seq: p2.seq });
    await ok(bob, 'read', { room: ROOM, seq: a4.seq });

    const head = await server.store.headPosition();
    const mine = await exportOf(alice);
    expect(mine.exportedAt).toEqual(time);
    expect(mine.position).toBeGreaterThanOrEqual(head);
    expect(mine.account).toEqual({ username: alice.name, kind: 'guest', startedAt: time });
    expect(mine.readMarkers).toEqual({ rooms: [{ room: ROOM, seq: b1.seq }], private: [{ with: bob.name, seq: p2.seq }] });
    const attachment = { fileId: cat, name: 'cat.png', type: 'image/png', size: PNG.length };
    expect(mine.roomMessages).toEqual([
      { room: ROOM, id: a1.id, seq: a1.seq, text: 'hello room', deleted: false, reactions: { '👍': [bob.name] }, timestamp: a1.timestamp },
      { room: ROOM, id: a2.id, seq: a2.seq, text: 'edited text', editedAt: time, deleted: false, reactions: {}, timestamp: a2.timestamp },
      { room: ROOM, id: a3.id, seq: a3.seq, text: '', deleted: true, reactions: {}, timestamp: a3.timestamp },
      { room: ROOM, id: a4.id, seq: a4.seq, text: '', deleted: false, attachment, reactions: {}, timestamp: a4.timestamp },
    ]);
    // Each as it now stands; `with` is the other side, seen from whoever exports.
    const conversation = [
      { id: p1.id, from: alice.name, to: bob.name, text: 'psst, edited', editedAt: time, deleted: false, reactions: { '👀': [bob.name] } },
      { id: p2.id, from: bob.name, to: alice.name, text: 'hi back', deleted: false, reactions: { '👍': [alice.name] } },
      { id: p3.id, from: alice.name, to: bob.name, text: '', deleted: true, reactions: {} },
      {
        id: p4.id,
        from: bob.name,
        to: alice.name,
        text: 'my notes',
        deleted: false,
        attachment: { fileId: notes, name: 'notes.txt', type: 'text/plain', size: TEXT.length },
        reactions: {},
      },
    ];
    const seenBy = (name: string) =>
      conversation.map((message) => ({ with: message.from === name ? message.to : message.from, ...message, timestamp: time }));
    expect(mine.privateMessages).toEqual(seenBy(alice.name));
    expect(mine.reactions).toEqual([
      { room: ROOM, messageId: b1.id, emoji: '🎉', at: time },
      { with: bob.name, messageId: p2.id, emoji: '👍', at: time },
    ]);
    expect(mine.files).toEqual([
      { id: cat, name: 'cat.png', type: 'image/png', size: PNG.length, uploadedAt: time, shared: true, expired: false },
      { id: waiting, name: 'later.png', type: 'image/png', size: PNG.length, uploadedAt: time, shared: false, expired: false },
    ]);

    const theirs = await exportOf(bob);
    expect(theirs.account).toEqual({ username: bob.name, kind: 'guest', startedAt: time });
    expect(theirs.readMarkers).toEqual({ rooms: [{ room: ROOM, seq: a4.seq }], private: [] });
    expect(theirs.roomMessages).toEqual([
      {
        room: ROOM,
        id: b1.id,
        seq: b1.seq,
        text: 'bob here',
        deleted: false,
        reactions: { '🎉': [alice.name, bob.name] },
        timestamp: b1.timestamp,
      },
    ]);
    expect(theirs.privateMessages).toEqual([
      ...seenBy(bob.name),
      { with: carol.name, id: c1.id, from: carol.name, to: bob.name, text: 'from carol', deleted: false, reactions: {}, timestamp: time },
    ]);
    // Only bob's own reactions: none of alice's, and not the one on a message deleted since.
    expect(theirs.reactions).toEqual([
      { room: ROOM, messageId: a1.id, emoji: '👍', at: time },
      { room: ROOM, messageId: b1.id, emoji: '🎉', at: time },
      { with: alice.name, messageId: p1.id, emoji: '👀', at: time },
    ]);
    expect(theirs.files).toEqual([
      { id: notes, name: 'notes.txt', type: 'text/plain', size: TEXT.length, uploadedAt: time, shared: true, expired: false },
    ]);
  });

  it('pages through more than a page of messages, reactions and private messages, streamed, in log order', async () => {
    const carol = await user(server);
    const dave = await user(server);
    await ok(carol, 'join', { room: ROOM });
    const many = 2 * 200 + 3;
    // Sent 50 at a time; the export lists them in the order the log has them.
    const inBatches = async <T>(count: number, act: (i: number) => Promise<T>): Promise<T[]> => {
      const done: T[] = [];
      for (let from = 0; from < count; from += 50) {
        done.push(...(await Promise.all(Array.from({ length: Math.min(50, count - from) }, (_, k) => act(from + k)))));
      }
      return done;
    };
    const sent = (await inBatches(many, (i) => say(carol, `number ${i}`))).sort((a, b) => a.seq - b.seq);
    await inBatches(many, (i) => ok(carol, 'react', { room: ROOM, messageId: sent[i]!.id, emoji: '🎉' }));
    const told = (await inBatches(many, (i) => (i % 2 === 0 ? tell(carol, dave, `private ${i}`) : tell(dave, carol, `private ${i}`)))).sort(
      (a, b) => a.seq - b.seq,
    );

    const response = await server.http().get('/api/me/export').set('Cookie', carol.cookie).expect(200);
    expect(response.headers['transfer-encoding']).toBe('chunked');
    const body = response.body as Export;
    expect(body.roomMessages.map((m) => [m.id, m.text, m.reactions])).toEqual(sent.map((m) => [m.id, m.msg, { '🎉': [carol.name] }]));
    expect(new Set(body.roomMessages.map((m) => m.text)).size).toBe(many);
    // Made 50 at once, so in the log's order rather than the messages'.
    expect(body.reactions.map((r) => r.messageId as string).sort()).toEqual(sent.map((m) => m.id).sort());
    expect(body.privateMessages.map((m) => [m.id, m.text])).toEqual(told.map((m) => [m.id, m.msg]));
    expect(new Set(body.privateMessages.map((m) => m.text)).size).toBe(many);
  });

  it('tells a file that was never shared in time from one that was', async () => {
    const own = await start({ UPLOAD_TTL: '1s' });
    const frank = await user(own);
    await ok(frank, 'join', { room: ROOM });
    const kept = (await own.http().post('/api/files').set('Cookie', frank.cookie).attach('file', PNG, 'kept.png').expect(201)).body.id;
    await ok(frank, 'message', { room: ROOM, msg: 'kept', fileId: kept });
    const forgotten = (await own.http().post('/api/files').set('Cookie', frank.cookie).attach('file', PNG, 'gone.png').expect(201)).body.id;
    // Waits for the expiry in the log itself (FileExpiry sweeps every quarter of UPLOAD_TTL).
    let expired!: () => void;
    const gone = new Promise<void>((resolve) => (expired = resolve));
    const subscription = own.store.subscribe(0, (event) => {
      if (event.type === 'FileExpired' && event.data.fileId === forgotten) expired();
    });
    await gone;
    subscription.close();
    const { body } = await own.http().get('/api/me/export').set('Cookie', frank.cookie).expect(200);
    expect((body as Export).files).toEqual([
      { id: kept, name: 'kept.png', type: 'image/png', size: PNG.length, uploadedAt: time, shared: true, expired: false },
      { id: forgotten, name: 'gone.png', type: 'image/png', size: PNG.length, uploadedAt: time, shared: false, expired: true },
    ]);
  });

  it('cuts the answer off when the store fails midway, and answers 503 when it fails before anything is written', async () => {
    const gina = await user(server);
    await ok(gina, 'join', { room: ROOM });
    await say(gina, 'something to export');
    // The room messages are read and written out; the files, the last section, fail.
    const read = server.store.readAuthored.bind(server.store);
    const midway = jest
      .spyOn(server.store, 'readAuthored')
      .mockImplementation((userId, type, after, limit) =>
        type === 'FileUploaded' ? Promise.reject(new StoreUnavailableError('the disk went away')) : read(userId, type, after, limit),
      );
    let outcome: string;
    try {
      outcome = await server
        .http()
        .get('/api/me/export')
        .set('Cookie', gina.cookie)
        .then(
          (response) => `complete ${response.status}`,
          (error: Error) => `cut off: ${error.message}`,
        );
    } finally {
      midway.mockRestore();
    }
    // Never a complete answer, nor one that merely fails to parse: the connection is dropped.
    expect(outcome).toMatch(/^cut off: (socket hang up|aborted|read ECONNRESET)$/);

    const before = jest.spyOn(server.store, 'headPosition').mockRejectedValueOnce(new StoreUnavailableError('the disk went away'));
    const refused = await server.http().get('/api/me/export').set('Cookie', gina.cookie).expect(503);
    before.mockRestore();
    expect(refused.body).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
  });

  it('answers 401 without a session, and writes nothing to the log', async () => {
    const head = await server.store.headPosition();
    // A cookie naming a session to come (what the page gets) is no session either.
    const pending = cookieOf(await server.http().get('/api/session').expect(401));
    for (const cookie of [undefined, 'chat_session=forged', pending]) {
      const request = server.http().get('/api/me/export');
      const answer = await (cookie === undefined ? request : request.set('Cookie', cookie)).expect(401);
      expect(answer.body).toEqual({ error: { code: 'session_required', message: expect.any(String) } });
    }
    expect(await server.store.headPosition()).toBe(head);
  });

  it('answers 429 with retryAfterMs and Retry-After when one user asks too often, while others still may', async () => {
    const { burst } = server.app.get(AppConfig).rateLimits.exports;
    const erin = await user(server);
    for (let i = 0; i < burst; i++) await server.http().get('/api/me/export').set('Cookie', erin.cookie).expect(200);
    const refused = await server.http().get('/api/me/export').set('Cookie', erin.cookie).expect(429);
    expect(refused.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String), retryAfterMs: expect.any(Number) } });
    expect(refused.body.error.retryAfterMs).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await server
      .http()
      .get('/api/me/export')
      .set('Cookie', (await user(server)).cookie)
      .expect(200);
  });
});
