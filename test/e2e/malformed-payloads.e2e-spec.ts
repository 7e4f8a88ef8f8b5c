import { startApp, type TestApp } from '../support/test-app';
import type { TestSocket } from '../support/socket';

/** Parsed from JSON, so `__proto__` is an own key as it would be off the wire. */
const polluted = (): Record<string, unknown> =>
  JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}') as Record<string, unknown>;

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
  ['a huge string field', [{ room: 'G'.repeat(200_000), msg: 'hi', target: 'T'.repeat(200_000) }]],
  ['binary', [Buffer.from([1, 2, 3])]],
];

const fieldsOf: Record<string, Record<string, unknown>> = {
  join: { room: 'General' },
  leave: { room: 'General' },
  message: { room: 'General', msg: 'hi' },
  private_message: { target: 'Someone', msg: 'hi' },
};

const cases = Object.keys(fieldsOf).flatMap((event) => [
  ...garbage.map(([name, args]) => [event, name, args] as const),
  [event, 'an unexpected extra field', [{ ...fieldsOf[event], admin: true }]] as const,
  [event, 'a string clientId that is too long', [{ ...fieldsOf[event], clientId: 'c'.repeat(101) }]] as const,
]);

describe('malformed payloads', () => {
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
  });

  it.each(cases)('%s with %s is rejected with invalid_payload and changes nothing', async (event, _, args) => {
    const before = await server.store.headPosition();
    const answer = await alice.ask(event, ...args);
    expect(answer).toEqual({ ok: false, error: { code: 'invalid_payload', message: expect.any(String) } });
    expect(await server.store.headPosition()).toBe(before);
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
