import { Logger } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import * as fc from 'fast-check';
import { request as httpRequest } from 'node:http';
import { runInThisContext } from 'node:vm';
import { io } from 'socket.io-client';
import { CommandExecutor } from '../../src/application/command-executor';
import { AppConfig } from '../../src/application/ports/app-config';
import { RoomsReadModel } from '../../src/application/read-models/rooms.read-model';
import { UsersReadModel } from '../../src/application/read-models/users.read-model';
import { DEFAULT_ROOMS } from '../../src/infrastructure/config';
import type { TestSocket } from '../support/socket';
import { removeDataDir, startApp, type TestApp } from '../support/test-app';

/**
 * Property-based fuzzing of every socket event and REST route with fast-check: arbitrary JSON and
 * JavaScript values, wrong types, huge and deeply nested values, binary, unicode edge cases and
 * prototype-pollution keys. A failing run reports its seed first; rerun it with FUZZ_SEED=<seed>.
 */

jest.setTimeout(120_000);

/** One seed for the whole file, printed, so a failing run can be replayed exactly. */
const SEED = process.env.FUZZ_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.FUZZ_SEED);
const runs = (numRuns: number, offset: number): fc.Parameters<unknown> => ({ numRuns, seed: SEED + offset });

/** Every code a client may be told for bad input. Not `internal` (a bug), not `unavailable` (a healthy local store). */
const CLIENT_CODES = [
  'invalid_payload',
  'unknown_room',
  'not_a_member',
  'empty_message',
  'message_too_long',
  'user_not_found',
  'message_not_found',
  'forbidden',
  'invalid_emoji',
  'name_taken',
];

/** Names socket.io-client refuses to emit. */
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

// ---------------------------------------------------------------------------------------------
// Values

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'toString', 'valueOf', 'hasOwnProperty'];

/** Strings that broke other servers: direction overrides, zero-width, lone surrogates, look-alikes, injections. */
const EDGE_STRINGS = [
  '',
  ' ',
  '\t\r\n',
  '\u202Eevil\u202C',
  '\u200F\u200E',
  'مرحبا بالعالم',
  'שלום',
  '\u200B',
  '\u200D',
  '\uFEFF',
  '\u2060',
  '\u00AD',
  '\uD800',
  '\uDFFF',
  'a\uD83D',
  '\uDE00b',
  '\uDBFF\uDBFF',
  '\u0000',
  'General\u0000',
  'Ｇｅｎｅｒａｌ',
  '𝐆𝐞𝐧𝐞𝐫𝐚𝐥',
  'Gеneral', // Cyrillic е
  'general',
  'GENERAL',
  ' General ',
  'Ge\u200Bneral',
  'ﬁ',
  'Ⅸ',
  'e\u0301',
  'Z̴̧̛̛̖̝̟̺̳̙͍̥̥̣͐̓̾̀̏͛͒̌̽̓̾̚͠a̵l̶g̸o̴',
  '😀',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '\u{10FFFF}',
  '\uFFFD',
  '\uFFFF',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  "'; DROP TABLE events; --",
  '" OR 1=1 --',
  '${7*7}',
  '{{7*7}}',
  '%s%s%n',
  '../../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  'null',
  'undefined',
  'NaN',
  '[object Object]',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
];

const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: utf16Unit, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...EDGE_STRINGS), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')) },
);

/** Long strings: around MAX_MESSAGE_LENGTH (2000), the DTO caps (100, 100 000) and far beyond; all under 1 MB. */
const hugeString: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(99, 100, 101, 1999, 2000, 2001, 4000, 99_999, 100_000, 100_001, 300_000),
    fc.constantFrom('x', ' ', '😀', '\u200B', 'é', '\uD800'),
  )
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

/** Deeply nested arrays or objects, down to a depth the JSON of a frame still carries. */
const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom(10, 100, 1000, 2000), fc.constantFrom('array', 'object', 'mixed'))
  .map(([depth, shape]) => {
    let value: unknown = 'bottom';
    for (let i = 0; i < depth; i++) {
      if (shape === 'array' || (shape === 'mixed' && i % 2 === 0)) value = [value];
      else value = { room: value, msg: value === 'bottom' ? 'x' : undefined };
    }
    return value;
  });

const binaryValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.uint8Array({ maxLength: 64 }),
  fc.constant(Buffer.alloc(0)),
  fc.constant(new ArrayBuffer(8)),
);

/** JSON text with prototype-pollution keys, parsed, so the keys are own keys as they are off the wire. */
const pollutedValue: fc.Arbitrary<unknown> = fc
  .array(fc.tuple(fc.constantFrom(...POLLUTION_KEYS, 'room', 'msg', 'target', 'polluted'), fc.jsonValue({ maxDepth: 2 })), {
    minLength: 1,
    maxLength: 4,
  })
  .map((entries) => {
    const text = `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value ?? null)}`).join(',')}}`;
    return JSON.parse(text.replace('"polluted":', '"__proto__":{"polluted":true},"polluted":')) as unknown;
  });

const scalarValue: fc.Arbitrary<unknown> = fc.constantFrom(
  null,
  undefined,
  0,
  -0,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.MAX_SAFE_INTEGER + 2,
  1e308,
  -1e308,
  true,
  false,
  [],
  {},
);

const anythingValue = fc.anything({
  maxDepth: 3,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

/** Any value for any field. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: anyString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: anythingValue },
  { weight: 2, arbitrary: scalarValue },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: binaryValue },
  { weight: 1, arbitrary: pollutedValue },
);

// ---------------------------------------------------------------------------------------------
// Helpers

/** The process itself (Jest hands specs a copy of `process` whose events never fire). */
const realProcess = runInThisContext('process') as NodeJS.Process;

/** A short description of a value for failure messages. */
const show = (value: unknown): string => {
  let text: string;
  try {
    text = JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch (error) {
    text = `<${(error as Error).message}>`;
  }
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
};

type Answer = { ok?: unknown; error?: { code?: unknown; message?: unknown; [key: string]: unknown }; [key: string]: unknown };

/** The answer contract: `{ok: true, …}` or exactly `{ok: false, error: {code, message}}` with a known code. */
const contractViolation = (answer: unknown): string | undefined => {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return 'not an object';
  const { ok, error } = answer as Answer;
  if (ok === true) return 'error' in answer ? 'ok with an error' : undefined;
  if (ok !== false) return 'ok is neither true nor false';
  if (Object.keys(answer).sort().join() !== 'error,ok') return `unexpected fields ${Object.keys(answer).join()}`;
  if (typeof error !== 'object' || error === null) return 'error is not an object';
  if (Object.keys(error).sort().join() !== 'code,message') return `error has fields ${Object.keys(error).join()}`;
  if (typeof error.code !== 'string' || !CLIENT_CODES.includes(error.code)) return `answered code "${String(error.code)}"`;
  if (typeof error.message !== 'string' || error.message.length === 0) return 'no message';
  return undefined;
};

/** The events every @WebSocketGateway of the application subscribes to. */
const gatewayEvents = (server: TestApp): string[] => {
  const events = new Set<string>();
  for (const module of server.app.get(ModulesContainer).values()) {
    for (const wrapper of module.providers.values()) {
      const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | null | undefined;
      if (typeof type !== 'function' || Reflect.getMetadata('websockets:is_gateway', type) !== true) continue;
      for (
        let proto = type.prototype as object | null;
        proto !== null && proto !== Object.prototype;
        proto = Object.getPrototypeOf(proto) as object | null
      ) {
        for (const name of Object.getOwnPropertyNames(proto)) {
          const method = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
          if (typeof method === 'function' && Reflect.getMetadata('websockets:message_mapping', method) === true) {
            events.add(Reflect.getMetadata('message', method) as string);
          }
        }
      }
    }
  }
  return [...events].sort();
};

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request: the path and headers are sent as given (fetch would normalise them). */
const send = (
  url: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<HttpAnswer> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = httpRequest({ host: hostname, port, method, path, headers, agent: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
    req.on('error', reject);
    req.end(body);
  });

const json = (answer: HttpAnswer): Record<string, unknown> => {
  try {
    return JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    throw new Error(`not JSON (${answer.status}): ${answer.body.slice(0, 200)}`);
  }
};

/** Printable ASCII as it is (stray `%`, `..`, `\\` included), the rest percent-encoded: what Node's HTTP client sends. */
const pathSafe = (text: string): string =>
  [...text].map((char) => (/^[\u0021-\u007e]$/.test(char) && char !== '?' && char !== '#' ? char : percentEncode(char))).join('');

/** Percent-encodes a string, lone surrogates included (encodeURIComponent refuses those), as their WTF-8 bytes. */
const percentEncode = (text: string): string => {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const isHigh = code >= 0xd800 && code <= 0xdbff;
    const next = text.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else {
      out += encodeURIComponent(text[i]!);
    }
  }
  return out;
};

/** Raw percent garbage: invalid escapes, overlong and truncated UTF-8. */
const percentGarbage = fc.constantFrom(
  '%',
  '%Z',
  '%ZZ',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%FF%FE',
  '%00',
  '%2F',
  '%5C',
  '%2e%2e',
  '%25',
  '%%%',
);

const decodable = (segment: string): boolean => {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
};

const headerSafe = (text: string): string => text.replace(/[^\t\u0020-\u007e\u0080-\u00ff]/g, '?');

// ---------------------------------------------------------------------------------------------

/** The fields each documented event accepts (README); any other own key must be refused as unexpected. */
const FIELDS: Record<string, readonly string[]> = {
  join: ['room', 'since'],
  leave: ['room'],
  message: ['room', 'msg', 'type', 'target', 'clientId'],
  private_message: ['target', 'msg', 'clientId'],
};

/** Fields of the newer events (src/interface/ws/dto), to reach their happy paths too; unknown events get every field. */
const MORE_FIELDS: Record<string, readonly string[]> = {
  edit_message: ['room', 'messageId', 'msg'],
  delete_message: ['room', 'messageId'],
  react: ['room', 'messageId', 'emoji'],
  typing: ['room', 'target', 'typing'],
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/** Violations grouped by kind, each with its shortest example, so one run reports every distinct failure. */
class Findings {
  private readonly groups = new Map<string, { count: number; example: string }>();

  add(kind: string, example: string): void {
    const group = this.groups.get(kind);
    if (group === undefined) this.groups.set(kind, { count: 1, example });
    else {
      group.count++;
      if (example.length < group.example.length) group.example = example;
    }
  }

  /** Nothing when all went well; otherwise the seed to replay first, then each kind of failure. */
  report(): string[] {
    if (this.groups.size === 0) return [];
    return [
      `seed ${SEED} (rerun with FUZZ_SEED=${SEED})`,
      ...[...this.groups].map(([kind, { count, example }]) => `${kind} (×${count}), e.g. ${example}`),
    ];
  }
}

/** What the server logged as an error since `from`, as short lines. */
const loggedSince = (logged: unknown[][], from: number): string =>
  logged
    .slice(from)
    .map(([, line]) => {
      const err = (line as { err?: Error } | undefined)?.err;
      return err instanceof Error || (typeof err === 'object' && err !== null)
        ? `${(err as Error).name}: ${(err as Error).message}`
        : show(line);
    })
    .join('; ');

/** The JSON size of the arguments, or undefined when the client could not even serialise them. */
const wireSize = (args: unknown[]): number | undefined => {
  try {
    return Buffer.byteLength(JSON.stringify(args) ?? '');
  } catch {
    return undefined;
  }
};

/** socket.io-client's timeout error, as opposed to its failing to encode the arguments. */
const isTimeout = (error: unknown): boolean => /timed out/.test((error as Error).message);

/** Stays well under Socket.IO's maxHttpBufferSize (1 MB), which closes the connection (tested below). */
const MAX_FRAME = 900_000;

describe('fuzzing every socket event and REST route', () => {
  let server: TestApp;
  let sockets: TestSocket[];
  let events: string[];
  /** Ids of messages already in the rooms, for the events that name one (edit, delete, react). */
  const seededIds: string[] = [];
  const unhandled: unknown[] = [];
  const uncaught: unknown[] = [];
  const onRejection = (reason: unknown): void => void unhandled.push(reason);
  const onException = (error: unknown): void => void uncaught.push(error);
  const errorsLogged: unknown[][] = [];
  const stats = {
    acks: 0,
    ok: 0,
    rejected: new Map<string, number>(),
    tooBigToSend: 0,
    emitsWithoutAck: 0,
    unknownEvents: 0,
    http: 0,
    httpStatus: new Map<number, number>(),
  };
  const count = <K>(map: Map<K, number>, key: K): void => void map.set(key, (map.get(key) ?? 0) + 1);

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
    server = await startApp();
    sockets = [await server.connect(), await server.connect(), await server.connect()];
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
    events = gatewayEvents(server);
  });

  afterAll(async () => {
    realProcess.off('unhandledRejection', onRejection);
    realProcess.off('uncaughtException', onException);
    jest.restoreAllMocks();
    await server.close();
    removeDataDir(server.dataDir);
  });

  /** One client event: which socket, which event, which arguments. */
  const socketCall = (): fc.Arbitrary<{ who: number; event: string; args: unknown[] }> => {
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
  const judge = (socket: TestSocket, event: string, args: unknown[], answer: unknown): string | undefined => {
    const violation = contractViolation(answer);
    if (violation !== undefined) return violation;
    const { ok, message } = answer as Answer & { message?: { id: string; room?: string; seq?: number; username?: string; from?: string } };
    if (ok !== true) return undefined;
    const fields = FIELDS[event];
    if (fields !== undefined) {
      if (args.length !== 1 || !isPlainObject(args[0])) return 'accepted a payload that is not one object';
      // A key whose value is undefined never goes over the wire (JSON drops it), so the server never saw it.
      const sent = args[0];
      const unexpected = Object.keys(sent).filter((key) => sent[key] !== undefined && !fields.includes(key));
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

  it('finds the events to fuzz: at least join, leave, message and private_message', () => {
    expect(events).toEqual(expect.arrayContaining(['join', 'leave', 'message', 'private_message']));
  });

  it('answers thousands of random payloads, one at a time, by the contract; a rejection stores nothing', async () => {
    const findings = new Findings();
    await fc.assert(
      fc.asyncProperty(socketCall(), async ({ who, event, args }) => {
        const socket = sockets[who]!;
        const size = wireSize(args);
        if (size === undefined || size > MAX_FRAME) {
          stats.tooBigToSend++;
          return;
        }
        const before = await server.store.headPosition();
        const logged = errorsLogged.length;
        let answer: unknown;
        try {
          answer = await socket.raw.timeout(5000).emitWithAck(event, ...args);
        } catch (error) {
          if (!isTimeout(error)) {
            stats.tooBigToSend++; // the client itself could not encode it (too deep for its stack)
            return;
          }
          findings.add(`${event}: no answer in 5 s`, show(args));
          if (!socket.raw.connected) sockets[who] = await server.connect({ token: socket.session.token });
          return;
        }
        stats.acks++;
        const wrong = judge(socket, event, args, answer);
        if (wrong !== undefined) {
          findings.add(
            `${event}: ${wrong}${errorsLogged.length > logged ? ` [server logged ${loggedSince(errorsLogged, logged)}]` : ''}`,
            show(args),
          );
        }
        const { ok, error } = answer as Answer;
        if (ok === true) stats.ok++;
        else {
          count(stats.rejected, String(error?.code));
          const after = await server.store.headPosition();
          if (after !== before) findings.add(`${event}: rejected yet stored ${after - before} event(s)`, show(args));
        }
      }),
      runs(5000, 1),
    );
    expect(findings.report()).toEqual([]);
    expect(sockets.every((s) => s.raw.connected)).toBe(true);
    expect(stats.ok).toBeGreaterThan(100); // the generator reaches the happy paths, not only rejections
    expect(stats.rejected.get('invalid_payload')).toBeGreaterThan(100);
    expect(unhandled).toEqual([]);
  });

  it('survives a concurrent barrage from three sockets, with and without acknowledgements', async () => {
    const findings = new Findings();
    const calls = fc.sample(fc.tuple(socketCall(), fc.boolean()), { numRuns: 1200, seed: SEED + 2 }).filter(([{ args }]) => {
      const size = wireSize(args);
      return size !== undefined && size <= MAX_FRAME / 10; // many at once, so each stays small
    });
    const errorEventsBefore = sockets.map((s) => s.received('error').length);
    await Promise.all(
      calls.map(async ([{ who, event, args }, withAck]) => {
        const socket = sockets[who]!;
        if (!withAck) {
          try {
            socket.raw.emit(event, ...args);
            stats.emitsWithoutAck++;
          } catch {
            stats.tooBigToSend++;
          }
          return;
        }
        try {
          const answer: unknown = await socket.raw.timeout(10_000).emitWithAck(event, ...args);
          stats.acks++;
          const wrong = judge(socket, event, args, answer);
          if (wrong !== undefined) findings.add(`${event}: ${wrong}`, show(args));
        } catch (error) {
          if (isTimeout(error)) findings.add(`${event}: no answer in 10 s`, show(args));
          else stats.tooBigToSend++;
        }
      }),
    );
    // A probe on each socket after the barrage, then every command accepted meanwhile, must finish.
    for (const socket of sockets) await expect(socket.ask('join', { room: 'Nowhere' })).resolves.toMatchObject({ ok: false });
    await server.app.get(CommandExecutor).drain();
    // Each rejection of an event sent without acknowledgement came back as an `error` event with a known code.
    const errorEvents = sockets.flatMap((s, i) => s.received('error').slice(errorEventsBefore[i]));
    for (const payload of errorEvents) {
      const { code, message, event } = payload as Record<string, unknown>;
      if (
        typeof code !== 'string' ||
        !CLIENT_CODES.includes(code) ||
        typeof message !== 'string' ||
        typeof event !== 'string' ||
        !events.includes(event)
      ) {
        findings.add('an `error` event off the contract', show(payload));
      }
    }
    expect(findings.report()).toEqual([]);
    expect(errorEvents.length).toBeGreaterThan(0);
    expect(errorEvents.length).toBeLessThanOrEqual(stats.emitsWithoutAck);
    expect(sockets.every((s) => s.raw.connected)).toBe(true);
    expect(unhandled).toEqual([]);
  });

  it('ignores unknown event names with any payload, without disconnecting', async () => {
    const unknownName = fc
      .oneof(
        fc.constantFrom('error', 'drop_tables', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'JOIN', 'join ', 'Message', ''),
        anyString,
      )
      .filter((name) => !RESERVED.has(name) && !events.includes(name));
    const fresh = await server.connect();
    await fc.assert(
      fc.asyncProperty(unknownName, fc.array(anyValue, { maxLength: 2 }), async (name, args) => {
        const size = wireSize(args);
        if (size === undefined || size > MAX_FRAME / 2) return;
        try {
          fresh.raw.emit(name, ...args);
          stats.unknownEvents++;
        } catch {
          stats.tooBigToSend++; // the client could not encode it
        }
        return Promise.resolve();
      }),
      runs(800, 3),
    );
    // The socket still works, answered in order after all of the above.
    await expect(fresh.ask('join', { room: 'The Nerd Nook' })).resolves.toMatchObject({ ok: true, room: 'The Nerd Nook' });
    expect(fresh.raw.connected).toBe(true);
    expect(fresh.received('error')).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it('answers thousands of random REST requests without a 5xx, by each route’s contract', async () => {
    const findings = new Findings();
    const tokens = sockets.map((s) => [s.session.token, s.username] as const);
    const roomSegment = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...DEFAULT_ROOMS).map(encodeURIComponent) },
      { weight: 3, arbitrary: anyString.filter((s) => s.length > 0).map(percentEncode) },
      { weight: 1, arbitrary: anyString.filter((s) => s.length > 0).map(pathSafe) },
      { weight: 1, arbitrary: percentGarbage },
      { weight: 1, arbitrary: hugeString.map((s) => percentEncode(s.slice(0, 3000))) },
    );
    const queryKey = fc.constantFrom(
      'limit',
      'before',
      'limit[]',
      'before[]',
      'limit[$gt]',
      'before[x]',
      '__proto__[polluted]',
      'constructor[prototype][polluted]',
      '__proto__',
      'x',
    );
    const queryValue = fc.oneof(
      fc.constantFrom('1', '50', '100', '0', '101', '-1', '1.5', '1e2', '0x10', '+5', '%205', '007', '', 'NaN', 'Infinity', 'true'),
      anyString.map(percentEncode),
      percentGarbage,
    );
    const query = fc.oneof(
      fc.constant(''),
      fc
        .array(fc.tuple(queryKey, queryValue), { minLength: 1, maxLength: 4 })
        .map(
          (pairs) =>
            `?${pairs.map(([k, v]) => `${encodeURIComponent(k).replace(/%5B/g, '[').replace(/%5D/g, ']').replace(/%24/g, '$')}=${v}`).join('&')}`,
        ),
      fc.constantFrom(
        '?',
        '?&&',
        '?=',
        '?limit',
        '?limit=1&limit=2',
        '?before=',
        `?before=${'x'.repeat(101)}`,
        `?${'a=1&'.repeat(2000)}`,
        `?limit[${'['.repeat(50)}=1`,
      ),
    );
    const cookie = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom(...tokens).map(([token]) => `chat_session=${token}`),
      fc
        .constantFrom(...tokens)
        .chain(([token]) =>
          fc.constantFrom(
            `chat_session=${token}x`,
            `chat_session=${token.slice(0, -1)}`,
            `chat_session=x${token}`,
            `chat_session=${token.replace('.', '..')}`,
            `chat_session=${token.split('.')[0]}`,
            `chat_session=${token.toUpperCase()}`,
          ),
        ),
      fc.constantFrom(...tokens).map(([token]) => `other=1; chat_session=${token}; chat_session=forged`),
      fc.constantFrom(...tokens).map(([token]) => `chat_session=forged; chat_session=${token}`),
      anyString.map((s) => `chat_session=${headerSafe(s)}`),
      anyString.map(headerSafe),
      fc.constantFrom(
        'chat_session=%E0%A4%A',
        'chat_session="quoted"',
        'chat_session=',
        '=',
        ';;;',
        '__proto__=x; constructor=y',
        `chat_session=${'a'.repeat(20_000)}`,
      ),
    );
    const route = fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .tuple(roomSegment, query)
          .map(([room, q]) => ({ kind: 'messages' as const, path: `/api/rooms/${room}/messages${q}` })),
      },
      { weight: 3, arbitrary: roomSegment.map((room) => ({ kind: 'room' as const, path: `/api/rooms/${room}` })) },
      { weight: 3, arbitrary: query.map((q) => ({ kind: 'session' as const, path: `/api/session${q}` })) },
      { weight: 1, arbitrary: query.map((q) => ({ kind: 'users' as const, path: `/api/users${q}` })) },
      { weight: 1, arbitrary: query.map((q) => ({ kind: 'rooms' as const, path: `/api/rooms${q}` })) },
      { weight: 1, arbitrary: query.map((q) => ({ kind: 'health' as const, path: `/health${q}` })) },
      { weight: 1, arbitrary: query.map((q) => ({ kind: 'ready' as const, path: `/ready${q}` })) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            fc.constantFrom(
              '/',
              '/api',
              '/api/',
              '/api/rooms/',
              '/api//rooms',
              '/api/rooms/General/messages/',
              '/metrics',
              '/socket.io/',
              '/.env',
              '/../../etc/passwd',
              '/%2e%2e/',
            ),
            roomSegment,
          )
          .map(([prefix, extra]) => ({ kind: 'other' as const, path: `${prefix}${extra}` })),
      },
    );
    const method = fc.oneof(
      { weight: 8, arbitrary: fc.constant('GET') },
      { weight: 2, arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS') },
    );
    const body = fc.oneof(
      fc.constant(undefined),
      fc.jsonValue({ maxDepth: 3 }).map((v) => ({ type: 'application/json', data: JSON.stringify(v) ?? 'null' })),
      fc
        .constantFrom(
          '{"__proto__":{"polluted":true}}',
          '{',
          '{"a":',
          '[1,2',
          'null',
          '\u0000',
          '{"constructor":{"prototype":{"polluted":true}}}',
        )
        .map((data) => ({ type: 'application/json', data })),
      anyString.map((data) => ({
        type: 'application/x-www-form-urlencoded',
        data: `__proto__[polluted]=1&constructor[prototype][polluted]=1&${percentEncode(data)}=1`,
      })),
      fc.constant({ type: 'application/json', data: `{"a":"${'x'.repeat(200_000)}"}` }),
      fc.constant({ type: 'application/json', data: `${'['.repeat(5000)}${']'.repeat(5000)}` }),
      fc.uint8Array({ maxLength: 100 }).map((bytes) => ({ type: 'application/octet-stream', data: Buffer.from(bytes) })),
    );

    await fc.assert(
      fc.asyncProperty(route, method, cookie, body, async ({ kind, path }, verb, cookieHeader, payload) => {
        const headers: Record<string, string> = {};
        if (cookieHeader !== undefined) headers.cookie = cookieHeader;
        const withBody = payload !== undefined && verb !== 'GET' && verb !== 'HEAD';
        if (withBody) headers['content-type'] = payload.type;
        const shown = `${verb} ${path.length > 200 ? `${path.slice(0, 200)}…` : path} cookie=${show(cookieHeader)}`;
        let answer: HttpAnswer;
        try {
          answer = await send(server.url, verb, path, headers, withBody ? payload.data : undefined);
        } catch (error) {
          findings.add(`${kind}: no answer (${(error as Error).message})`, shown);
          return;
        }
        stats.http++;
        count(stats.httpStatus, answer.status);
        const example = `${shown} → ${answer.status} ${answer.body.slice(0, 160)}`;
        if (answer.status >= 500) return findings.add(`${kind}: ${answer.status}`, example);
        // Node refuses request headers over 16 KB itself, before the application sees them: fine.
        if (verb !== 'GET' || (answer.status === 431 && Buffer.byteLength(cookieHeader ?? '') > 16_000)) return;
        if (kind === 'health') {
          if (answer.status !== 200 || answer.body !== '{"status":"ok"}') findings.add('health: not ok', example);
        } else if (kind === 'ready' || kind === 'users' || kind === 'rooms') {
          if (answer.status !== 200) findings.add(`${kind}: ${answer.status}`, example);
        } else if (kind === 'room' || kind === 'messages') {
          if (![200, 400, 404, 414, 431].includes(answer.status)) return findings.add(`${kind}: unexpected ${answer.status}`, example);
          if (answer.status === 200 && kind === 'messages') {
            const page = json(answer) as { room: string; messages: unknown[]; hasMore: boolean };
            if (!DEFAULT_ROOMS.includes(page.room) || !Array.isArray(page.messages) || page.messages.length > 100)
              findings.add('messages: odd page', example);
          }
          if (answer.status === 200 && kind === 'room' && !DEFAULT_ROOMS.includes((json(answer) as { name: string }).name))
            findings.add('room: a room that does not exist', example);
          // A 400 is about the query (invalid_query), unless the path is not even valid percent-encoding (Nest's own 400).
          if (
            answer.status === 400 &&
            kind === 'messages' &&
            path.split('?')[0]!.split('/').every(decodable) &&
            (json(answer) as { error?: { code?: string } }).error?.code !== 'invalid_query'
          ) {
            findings.add('messages: 400 without invalid_query', example);
          }
        } else if (kind === 'session') {
          if (answer.status !== 200) return findings.add(`session: ${answer.status}`, example);
          const who = json(answer) as { username: string; resumed: boolean };
          // Only a token presented whole resumes its owner; anything else gets a fresh guest.
          const presented = tokens.filter(([token]) => (cookieHeader ?? '').split(/;\s*/).includes(`chat_session=${token}`));
          if (who.resumed) {
            if (!presented.some(([, name]) => name === who.username)) findings.add("session: resumed someone else's identity", example);
          } else if (tokens.some(([, name]) => name === who.username)) findings.add('session: a fresh guest got an existing name', example);
          else if (!/^Guest\d+$/.test(who.username)) findings.add('session: odd guest name', example);
        }
      }),
      runs(2500, 4),
    );
    expect(findings.report()).toEqual([]);
    expect(stats.httpStatus.get(200)).toBeGreaterThan(100);
    expect(unhandled).toEqual([]);
  });

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
      const seqs = live.recent(room, Number.MAX_SAFE_INTEGER).messages.map((m) => m.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    }

    await server.app.get(CommandExecutor).drain();
    const rooms = new RoomsReadModel(server.app.get(AppConfig));
    const users = new UsersReadModel();
    for (const event of await server.store.readAll(0, Number.MAX_SAFE_INTEGER)) {
      rooms.apply(event);
      users.apply(event);
    }
    expect(rooms.snapshot()).toEqual(live.snapshot());
    expect(users.snapshot()).toEqual(server.app.get(UsersReadModel).snapshot());
    expect(unhandled).toEqual([]);
    // The generator reached every kind of input: happy paths, each rejection, HTTP answers of every class.
    expect(stats.acks).toBeGreaterThan(5000);
    expect(stats.emitsWithoutAck + stats.unknownEvents).toBeGreaterThan(1000);
    expect(stats.http).toBe(2500);
  });
});

/** Found by the fuzzer above; pinned here so each one is named on its own. */
describe('payloads the fuzzer found', () => {
  let server: TestApp;
  let alice: TestSocket;
  let bob: TestSocket;

  beforeAll(async () => {
    server = await startApp();
    alice = await server.connect();
    bob = await server.connect();
    await alice.ask('join', { room: 'General' });
  });

  afterAll(async () => {
    await server.close();
    removeDataDir(server.dataDir);
  });

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
    const before = await server.store.headPosition();
    await expect(alice.ask(event, payload())).resolves.toEqual({
      ok: false,
      error: { code: 'invalid_payload', message: expect.any(String) },
    });
    expect(await server.store.headPosition()).toBe(before);
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
        const before = await server.store.headPosition();
        await expect(alice.ask(event, payload)).resolves.toEqual({
          ok: false,
          error: { code: 'invalid_payload', message: expect.stringContaining(key) },
        });
        expect(await server.store.headPosition()).toBe(before);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );
});

describe('frames beyond the size limit', () => {
  it('close only the offending connection; everyone else carries on', async () => {
    const server = await startApp();
    try {
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
    } finally {
      await server.close();
      removeDataDir(server.dataDir);
    }
  });
});
