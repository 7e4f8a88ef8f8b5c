import { io, type Socket } from 'socket.io-client';
import { DEFAULT_MAX_MESSAGE_LENGTH } from '../../src/domain/shared/message-text';
import { maxFrameBytes } from '../../src/interface/ws/frame-limit';
import { expectRefusedUnchanged } from '../support/fuzz';
import type { TestSocket } from '../support/socket';
import { appsClosedAfterEach, removeDataDir, startApp, type TestApp } from '../support/test-app';

/** Parsed from JSON, so `__proto__` is an own key as it would be off the wire. */
const polluted = (): Record<string, unknown> =>
  JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}') as Record<string, unknown>;

const HUGE_FIELD = Math.floor(maxFrameBytes(DEFAULT_MAX_MESSAGE_LENGTH) / 4);

/** Payloads no event accepts: wrong shapes, wrong types, extra fields, oversized values. */
const garbage: [string, unknown[]][] = [
  ['no payload', []],
  ['null', [null]],
  ['a number', [42]],
  ['a string', ['General']],
  ['a boolean', [true]],
  ['an array', [['General', 'hi']]],
  ['two arguments', [{ room: 'General', msg: 'hi' }, 'extra']],
  ['an empty object', [{}]],
  ['prototype-pollution keys', [polluted()]],
  ['a nested object where a string belongs', [{ room: { $ne: null }, msg: { text: 'hi' }, target: ['x'] }]],
  ['numbers where strings belong', [{ room: 1, msg: 2, target: 3 }]],
  ['null fields', [{ room: null, msg: null, target: null }]],
  // Far beyond the fields' caps, within the frame limit (beyond it the connection closes: `frames beyond the size limit`).
  ['a huge string field', [{ room: 'G'.repeat(HUGE_FIELD), msg: 'hi', target: 'T'.repeat(HUGE_FIELD) }]],
  ['binary', [Buffer.from([1, 2, 3])]],
];

const fieldsOf: Record<string, Record<string, unknown>> = {
  join: { room: 'General' },
  leave: { room: 'General' },
  message: { room: 'General', msg: 'hi' },
  private_message: { target: 'Someone', msg: 'hi' },
};

const withNul = (fields: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, `${String(value)}\u0000`]));

const cases = Object.keys(fieldsOf).flatMap((event) => [
  ...garbage.map(([name, args]) => [event, name, args] as const),
  [event, 'an unexpected extra field', [{ ...fieldsOf[event], admin: true }]] as const,
  [event, 'a string clientId that is too long', [{ ...fieldsOf[event], clientId: 'c'.repeat(101) }]] as const,
  // PostgreSQL's jsonb cannot hold U+0000; no store takes it, so no payload may carry it.
  [event, 'a NUL character in its clientId', [{ ...fieldsOf[event], clientId: 'c\u0000' }]] as const,
  [event, 'a NUL character in every field', [withNul(fieldsOf[event]!)]] as const,
]);

/** One server for the file: Alice, in General, sends the payloads; Bob is someone to write to. */
let server: TestApp;
let alice: TestSocket;
let bob: TestSocket;

beforeAll(async () => {
  server = await startApp();
  alice = await server.connect();
  bob = await server.connect();
  fieldsOf.private_message!.target = bob.username;
  await alice.ask('join', { room: 'General' });
});

afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

describe('malformed payloads', () => {
  it.each(cases)('%s with %s is rejected with invalid_payload and changes nothing', async (event, _, args) => {
    await expectRefusedUnchanged(server, alice, event, args);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(Object.keys(fieldsOf))('%s with garbage and no acknowledgement answers with an error event', async (event) => {
    alice.raw.emit(event, 'garbage');
    await expect(alice.next('error', (e) => e.event === event)).resolves.toEqual({
      code: 'invalid_payload',
      message: expect.any(String),
      event,
    });
  });

  it('names the offending field', async () => {
    await expect(alice.ask('message', { room: 'General', msg: 5 })).resolves.toMatchObject({
      error: { message: expect.stringContaining('msg') },
    });
    await expect(alice.ask('join', { room: 'General', hack: 1 })).resolves.toMatchObject({
      error: { message: expect.stringContaining('hack') },
    });
  });

  it('still serves everyone normally afterwards', async () => {
    await expect(alice.ask('message', { room: 'General', msg: 'still fine' })).resolves.toMatchObject({ ok: true });
    await expect(alice.ask('private_message', { target: bob.username, msg: 'still fine' })).resolves.toMatchObject({ ok: true });
    await server.http().get('/ready').expect(200);
  });

  it('ignores events it does not know without disconnecting', async () => {
    alice.raw.emit('drop_tables', { all: true });
    await expect(alice.ask('join', { room: 'General' })).resolves.toMatchObject({ ok: true });
    expect(alice.raw.connected).toBe(true);
  });
});

/** Found by fuzzing (test/e2e/fuzz-socket-events.e2e-spec.ts); pinned here so each one is named on its own. */
describe('payloads the fuzzer found', () => {
  const nested = (depth: number, wrap: (inner: unknown) => unknown): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = wrap(value);
    return value;
  };

  it.each([
    ['join', 'a nested object with a constructor key', () => ({ room: { constructor: 1 } })],
    ['message', 'a nested object with a constructor key', () => ({ room: 'General', msg: { constructor: 'x' } })],
    ['private_message', 'a nested object with a constructor key', () => ({ target: { constructor: 1 }, msg: 'hi' })],
    ['join', 'arrays nested 2000 deep', () => ({ room: 'General', since: nested(2000, (v) => [v]) })],
    ['message', 'arrays nested 2000 deep', () => ({ room: 'General', msg: nested(2000, (v) => [v]) })],
  ])('%s with %s is refused with invalid_payload, not internal', async (event, _, payload) => {
    await expectRefusedUnchanged(server, alice, event, [payload()]);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
    'refuses %s as an unexpected field, naming it',
    async (key) => {
      const payloads: Record<string, Record<string, unknown>> = {
        join: { room: 'General' },
        leave: { room: 'The Nerd Nook' },
        message: { room: 'General', msg: 'hi' },
        private_message: { target: bob.username, msg: 'hi' },
      };
      for (const [event, fields] of Object.entries(payloads)) {
        const payload = JSON.parse(JSON.stringify(fields).replace(/^\{/, `{${JSON.stringify(key)}:{"polluted":true},`)) as unknown;
        await expectRefusedUnchanged(server, alice, event, [payload], expect.stringContaining(key));
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );
});

describe('frames beyond the size limit', () => {
  const startOwnApp = appsClosedAfterEach();

  it('close only the offending connection; everyone else carries on', async () => {
    const server = await startOwnApp();
    const bystander = await server.connect();
    await bystander.ask('join', { room: 'General' });
    const raw = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise((resolve) => raw.once('session', resolve));
    const closed = new Promise<string>((resolve) => raw.once('disconnect', resolve));
    raw.emit('message', { room: 'General', msg: 'x'.repeat(1_100_000) });
    await expect(closed).resolves.toBe('transport close');
    await expect(bystander.ask('message', { room: 'General', msg: 'unaffected' })).resolves.toMatchObject({ ok: true });
    const page = await server.http().get('/api/rooms/General/messages').expect(200);
    expect(page.body.messages.map((m: { msg: string }) => m.msg)).toEqual(['unaffected']);
  });

  /** A socket on WebSocket only that has joined General, to write frames of its own making. */
  const rawMember = async (server: TestApp): Promise<Socket> => {
    const raw = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise((resolve) => raw.once('session', resolve));
    await raw.emitWithAck('join', { room: 'General' });
    return raw;
  };
  /** Sends `data` as one Engine.IO message frame ("4" + data), exactly as written, no acknowledgement. */
  const sendFrame = (raw: Socket, data: string): void => {
    raw.io.engine.write(data);
  };
  /** A `message` event whose frame is exactly `bytes` long, its text made of "x". */
  const frameOf = (bytes: number): string => {
    const bare = `2["message",{"room":"General","msg":""}]`;
    return bare.replace('"msg":""', `"msg":"${'x'.repeat(bytes - 1 - Buffer.byteLength(bare))}"`);
  };
  const escaped = (text: string): string => [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

  it('carries a maximal valid message: MAX_MESSAGE_LENGTH characters in the widest encoding, every other field at its longest', async () => {
    const server = await startOwnApp();
    const raw = await rawMember(server);
    const limit = maxFrameBytes(DEFAULT_MAX_MESSAGE_LENGTH);
    // Every character escaped: an emoji as two \\uXXXX escapes (12 bytes), each name character as one (6 bytes).
    const emoji = '\\ud83d\\ude00'.repeat(DEFAULT_MAX_MESSAGE_LENGTH);
    const clientId = 'c'.repeat(100);
    const data = `2["message",{"room":"${escaped('General')}","msg":"${emoji}","type":"${escaped('message')}","clientId":"${escaped(clientId)}"}]`;
    // The limit fits it, with headroom, and not much more: an oversized frame is refused early.
    expect(1 + Buffer.byteLength(data)).toBeLessThanOrEqual(limit);
    expect(limit).toBeLessThan(1.25 * (1 + Buffer.byteLength(data)));
    const received = new Promise<{ msg: string; clientId?: string }>((resolve) => raw.on('message', resolve));
    const refused = new Promise<unknown>((resolve) => raw.on('error', resolve));
    sendFrame(raw, data);
    const outcome = await Promise.race([received, refused]);
    expect(outcome).toMatchObject({ msg: '😀'.repeat(DEFAULT_MAX_MESSAGE_LENGTH), clientId });
    expect(raw.connected).toBe(true);
    raw.close();
  });

  it('refuses a frame one byte over the limit computed from the configuration, and answers one at the limit', async () => {
    const server = await startOwnApp();
    const limit = maxFrameBytes(DEFAULT_MAX_MESSAGE_LENGTH);
    const atLimit = await rawMember(server);
    const answered = new Promise<unknown>((resolve) => atLimit.once('error', resolve));
    sendFrame(atLimit, frameOf(limit));
    await expect(answered).resolves.toMatchObject({ code: 'message_too_long', event: 'message' });
    expect(atLimit.connected).toBe(true);
    atLimit.close();

    const overLimit = await rawMember(server);
    const closed = new Promise<string>((resolve) => overLimit.once('disconnect', resolve));
    sendFrame(overLimit, frameOf(limit + 1));
    await expect(closed).resolves.toBe('transport close');
    const page = await server.http().get('/api/rooms/General/messages').expect(200);
    expect(page.body.messages).toEqual([]);
  });
});
