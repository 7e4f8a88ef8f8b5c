import { Logger } from '@nestjs/common';
import * as fc from 'fast-check';
import { runInThisContext } from 'node:vm';
import { CommandExecutor } from '../../src/application/command-executor';
import { AppConfig } from '../../src/application/ports/app-config';
import { RoomsReadModel } from '../../src/application/read-models/rooms.read-model';
import { RoomHistory } from '../../src/application/room-history';
import { UsersReadModel } from '../../src/application/read-models/users.read-model';
import { NameKey } from '../../src/application/ports/name-key.port';
import { DEFAULT_ROOMS } from '../../src/infrastructure/config';
import { contractViolation, FIELDS, gatewayEvents, isPlainObject, loggedSince, MORE_FIELDS, realProcess, type Answer } from './fuzz';
import { anyString, anyValue, hugeString, POLLUTION_KEYS } from './fuzz-values';
import { send } from './raw-http';
import type { TestSocket } from './socket';
import { removeDataDir, startApp, type TestApp } from './test-app';

/**
 * A server with three people to fuzz, for one spec file, recording every error it logs and every
 * unhandled rejection and uncaught exception; the arbitrary client events for it; and the specs
 * that end every fuzzing file.
 */

export interface FuzzStats {
  acks: number;
  ok: number;
  rejected: Map<string, number>;
  tooBigToSend: number;
  emitsWithoutAck: number;
  unknownEvents: number;
  http: number;
  httpStatus: Map<number, number>;
}

export const count = <K>(map: Map<K, number>, key: K): void => void map.set(key, (map.get(key) ?? 0) + 1);

export interface FuzzSuite {
  readonly server: TestApp;
  /** Three people: the first two in General, the third in Code with Josh; each has sent one message. */
  readonly sockets: TestSocket[];
  /** The events the gateways subscribe to. */
  readonly events: string[];
  /** Ids of messages already in the rooms, for the events that name one (edit, delete, react). */
  readonly seededIds: string[];
  readonly unhandled: unknown[];
  readonly uncaught: unknown[];
  /** Every error or fatal line the server logged, with its level first. */
  readonly errorsLogged: unknown[][];
  readonly stats: FuzzStats;
}

/** The server to fuzz, for one spec file: started before its specs, closed after them. */
export const fuzzSuite = (): FuzzSuite => {
  let server: TestApp | undefined;
  const sockets: TestSocket[] = [];
  const events: string[] = [];
  const seededIds: string[] = [];
  const unhandled: unknown[] = [];
  const uncaught: unknown[] = [];
  const onRejection = (reason: unknown): void => void unhandled.push(reason);
  const onException = (error: unknown): void => void uncaught.push(error);
  const errorsLogged: unknown[][] = [];
  const stats: FuzzStats = {
    acks: 0,
    ok: 0,
    rejected: new Map<string, number>(),
    tooBigToSend: 0,
    emitsWithoutAck: 0,
    unknownEvents: 0,
    http: 0,
    httpStatus: new Map<number, number>(),
  };

  beforeAll(async () => {
    realProcess.on('unhandledRejection', onRejection);
    realProcess.on('uncaughtException', onException);
    for (const level of ['error', 'fatal'] as const) {
      const original = Logger.prototype[level] as (...args: unknown[]) => void;
      jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, ...args: unknown[]) {
        errorsLogged.push([level, ...args]);
        original.apply(this, args);
      });
    }
    const app = (server = await startApp());
    sockets.push(await app.connect(), await app.connect(), await app.connect());
    await sockets[0]!.ask('join', { room: 'General' });
    await sockets[1]!.ask('join', { room: 'General' });
    await sockets[2]!.ask('join', { room: 'Code with Josh' });
    for (const [who, room] of [
      [0, 'General'],
      [1, 'General'],
      [2, 'Code with Josh'],
    ] as const) {
      const sent = await sockets[who]!.ask<{ message: { id: string } }>('message', { room, msg: `seed from ${who}` });
      seededIds.push(sent.message.id);
    }
    events.push(...gatewayEvents(app));
  });

  afterAll(async () => {
    realProcess.off('unhandledRejection', onRejection);
    realProcess.off('uncaughtException', onException);
    jest.restoreAllMocks();
    if (server === undefined) return;
    await server.close();
    removeDataDir(server.dataDir);
  });

  return {
    get server() {
      if (server === undefined) throw new Error('the fuzzing suite has not started');
      return server;
    },
    sockets,
    events,
    seededIds,
    unhandled,
    uncaught,
    errorsLogged,
    stats,
  };
};

/** Whether socket.io-client sends `value` as a binary packet: it holds a Buffer, an ArrayBuffer or a typed array somewhere. */
const carriesBinary = (value: unknown, seen = new Set<unknown>()): boolean => {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return true;
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  return Object.values(value).some((inner) => carriesBinary(inner, seen));
};

/** One client event: which socket, which event, which arguments. */
export interface SocketCall {
  who: number;
  event: string;
  args: unknown[];
}

export const socketCall = ({ sockets, seededIds, events }: FuzzSuite): fc.Arbitrary<SocketCall> => {
  const [alice, bob, carol] = sockets as [TestSocket, TestSocket, TestSocket];
  /** Good values for every field any event takes, so the happy paths are reached too. */
  const good: Record<string, fc.Arbitrary<unknown>> = {
    room: fc.constantFrom(...DEFAULT_ROOMS, 'Nowhere'),
    msg: fc.oneof({ weight: 6, arbitrary: anyString }, { weight: 1, arbitrary: hugeString }),
    target: fc.constantFrom(
      alice.username,
      bob.username,
      carol.username,
      'Guest0000',
      alice.username.toLowerCase(),
      ` ${bob.username}`,
      `${bob.username}\u200B`,
    ),
    clientId: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('c-1', 'c-2', 'c-3')),
    since: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double()),
    type: fc.constantFrom('private', 'message', 'PRIVATE'),
    messageId: fc.oneof(fc.constantFrom(...seededIds), fc.string({ maxLength: 30 })),
    emoji: fc.constantFrom('👍', '😀', 'x', '👨‍👩‍👧‍👦', '🏳️‍🌈', ''),
    typing: fc.boolean(),
    name: fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom('Fuzz room', 'General', 'Gеneral', 'x')),
    visibility: fc.constantFrom('public', 'private', 'secret'),
    topic: fc.string({ maxLength: 250 }),
    maxUses: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.double()),
    expiresIn: fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.double()),
    user: fc.constantFrom(alice.username, bob.username, carol.username, 'nobody-here', ''),
    role: fc.constantFrom('owner', 'moderator', 'member', 'admin'),
    reason: fc.string({ maxLength: 250 }),
    until: fc.oneof(
      fc.date().map((date) => (Number.isNaN(date.getTime()) ? 'not a date' : date.toISOString())),
      fc.string({ maxLength: 30 }),
    ),
    seconds: fc.oneof(fc.integer({ min: -5, max: 4000 }), fc.double()),
  };
  const field = (name: string): fc.Arbitrary<unknown> =>
    fc.oneof({ weight: 7, arbitrary: good[name]! }, { weight: 1, arbitrary: anyValue });
  const extraKeys = fc.dictionary(
    fc.oneof(fc.constantFrom(...POLLUTION_KEYS, 'username', 'from', 'userId', 'admin', 'seq', 'id'), fc.string({ maxLength: 8 })),
    anyValue,
    {
      minKeys: 1,
      maxKeys: 2,
    },
  );
  /** A plausible payload for the event: its fields (any of them for an event not listed), mostly good, sometimes with extra keys. */
  const shaped = (event: string): fc.Arbitrary<unknown> => {
    const names = FIELDS[event] ?? MORE_FIELDS[event] ?? Object.keys(good);
    const fields = Object.fromEntries(names.map((name) => [name, field(name)]));
    return fc
      .tuple(
        fc.oneof({ weight: 3, arbitrary: fc.record(fields) }, { weight: 2, arbitrary: fc.record(fields, { requiredKeys: [] }) }),
        fc.oneof({ weight: 6, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: extraKeys }),
      )
      .map(([values, extra]) => {
        // defineProperty, not assignment: a `__proto__` key stays an own key, as JSON.parse makes it.
        const payload: Record<string, unknown> = {};
        for (const source of [values, extra] as Record<string, unknown>[]) {
          for (const key of Object.keys(source))
            Object.defineProperty(payload, key, { value: source[key], enumerable: true, writable: true, configurable: true });
        }
        return payload as unknown;
      });
  };
  const argsFor = (event: string): fc.Arbitrary<unknown[]> =>
    fc.oneof(
      { weight: 12, arbitrary: fc.tuple(shaped(event)).map((args): unknown[] => args) },
      { weight: 3, arbitrary: fc.tuple(anyValue).map((args): unknown[] => args) },
      { weight: 1, arbitrary: fc.constant<unknown[]>([]) },
      { weight: 1, arbitrary: fc.array(anyValue, { minLength: 2, maxLength: 3 }) },
      { weight: 1, arbitrary: fc.tuple(shaped(event), anyValue).map((args): unknown[] => args) },
    );
  return fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom(...events))
    .chain(([who, event]) => argsFor(event).map((args) => ({ who, event, args })));
};

/** Checks one answer against the contract; returns what is wrong with it, if anything. */
export const judge = ({ server }: FuzzSuite, socket: TestSocket, event: string, args: unknown[], answer: unknown): string | undefined => {
  const violation = contractViolation(answer);
  if (violation !== undefined) return violation;
  const { ok, message } = answer as Answer & { message?: { id: string; room?: string; seq?: number; username?: string; from?: string } };
  if (ok !== true) return undefined;
  const fields = FIELDS[event];
  if (fields !== undefined) {
    if (args.length !== 1 || !isPlainObject(args[0])) return 'accepted a payload that is not one object';
    // A key whose value is undefined never goes over the wire (JSON drops it), so the server never saw it; nor does an own
    // `__proto__` key in a packet with binary in it (socket.io-parser copies such packets by assignment, which drops it).
    const sent = args[0];
    const unseen = (key: string): boolean => sent[key] === undefined || (key === '__proto__' && carriesBinary(args));
    const unexpected = Object.keys(sent).filter((key) => !unseen(key) && !fields.includes(key));
    if (unexpected.length > 0) return `accepted unexpected field(s) ${unexpected.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  // What was sent is the sender's, whatever the payload said (edit, delete and react answer with someone's message).
  if (message !== undefined && (event === 'message' || event === 'private_message')) {
    if (message.room !== undefined) {
      if (message.username !== socket.username) return `message attributed to ${String(message.username)}`;
      const stored = server.app.get(RoomsReadModel).message(message.room, message.id);
      if (stored?.seq !== message.seq) return 'acknowledged a message the read model does not have';
    } else if (message.from !== socket.username) return `private message attributed to ${String(message.from)}`;
  }
  return undefined;
};

/**
 * The last specs of a fuzzing file: nothing polluted, nothing unhandled, no error logged, and the
 * server still serves normally with read models equal to a rebuild from the log. `reached` asserts
 * that the generators reached what the file fuzzes.
 */
export const itEndsClean = (suite: FuzzSuite, reached: (stats: FuzzStats) => void): void => {
  const { unhandled, uncaught, errorsLogged, stats } = suite;

  it('has no polluted prototype, no unhandled rejection or uncaught exception', () => {
    for (const probe of [{}, Object.create(Object.prototype) as object, [], new Map(), runInThisContext('({})') as object]) {
      expect((probe as Record<string, unknown>).polluted).toBeUndefined();
      expect((probe as Record<string, unknown>).x).toBeUndefined();
    }
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
      Object.getOwnPropertyNames(Object.getPrototypeOf(runInThisContext('({})') as object)).sort(),
    );
    expect(unhandled).toEqual([]);
    expect(uncaught).toEqual([]);
  });

  it('logged no error', () => {
    expect(errorsLogged.map(([level, line, text]) => `${String(level)} ${String(text)}: ${loggedSince([[level, line]], 0)}`)).toEqual([]);
  });

  it('still serves normally afterwards, and the read models rebuilt from the log equal the live ones', async () => {
    const { server } = suite;
    const dave = await server.connect();
    const eve = await server.connect();
    await expect(dave.ask('join', { room: 'General' })).resolves.toMatchObject({ ok: true, joined: true });
    await expect(eve.ask('join', { room: 'General' })).resolves.toMatchObject({ ok: true });
    const sent = await dave.ask<{ ok: boolean; message: { msg: string; seq: number } }>('message', {
      room: 'General',
      msg: 'after the storm',
      clientId: 'calm-1',
    });
    expect(sent).toMatchObject({ ok: true, message: { msg: 'after the storm', username: dave.username } });
    await expect(eve.next('message', (m) => m.msg === 'after the storm')).resolves.toMatchObject({ seq: sent.message.seq });
    await expect(dave.ask('private_message', { target: eve.username, msg: 'still private' })).resolves.toMatchObject({ ok: true });
    expect((await send(server.url, 'GET', '/ready')).status).toBe(200);

    // seq has no gap in any room.
    const live = server.app.get(RoomsReadModel);
    for (const room of DEFAULT_ROOMS) {
      const seqs = (await server.app.get(RoomHistory).since(room, 0, 1_000_000)).messages.map((m) => m.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    }

    await server.app.get(CommandExecutor).drain();
    const rooms = new RoomsReadModel(server.app.get(AppConfig));
    const users = new UsersReadModel(server.app.get(NameKey), server.app.get(AppConfig));
    for (const event of await server.store.readAll(0, Number.MAX_SAFE_INTEGER)) {
      rooms.apply(event);
      users.apply(event);
    }
    expect(rooms.snapshot()).toEqual(live.snapshot());
    expect(users.snapshot()).toEqual(server.app.get(UsersReadModel).snapshot());
    expect(unhandled).toEqual([]);
    // The generator reached every kind of input the file fuzzes.
    reached(stats);
  });
};
