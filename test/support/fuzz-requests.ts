import * as fc from 'fast-check';
import { DEFAULT_ROOMS } from '../../src/infrastructure/config';
import { anyString, hugeString, percentGarbage } from './fuzz-values';
import { headerSafe, pathSafe, percentEncode } from './raw-http';

/** fast-check arbitraries for HTTP requests to the REST routes (test/e2e/fuzz-rest-routes.e2e-spec.ts). */

/** A room's path segment: a real room, any string percent-encoded or raw, percent garbage, or thousands of characters. */
export const roomSegment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...DEFAULT_ROOMS).map(encodeURIComponent) },
  { weight: 3, arbitrary: anyString.filter((s) => s.length > 0).map(percentEncode) },
  { weight: 1, arbitrary: anyString.filter((s) => s.length > 0).map(pathSafe) },
  { weight: 1, arbitrary: percentGarbage },
  { weight: 1, arbitrary: hugeString.map((s) => percentEncode(s.slice(0, 3000))) },
);

/** Query keys, with the bracket syntax qs-style parsers turn into objects. */
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

/** A query string: none, random pairs, or known troublemakers (repeated keys, 2000 pairs, deep brackets). */
export const query = fc.oneof(
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

/** A Cookie header: none, someone's token as it is or tampered, several session cookies, or garbage. */
export const cookie = (tokens: readonly (readonly [token: string, username: string])[]): fc.Arbitrary<string | undefined> =>
  fc.oneof(
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

/** A route and what kind it is, for judging its answer. */
export const route = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(roomSegment, query).map(([room, q]) => ({ kind: 'messages' as const, path: `/api/rooms/${room}/messages${q}` })),
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

/** Mostly GET, sometimes any other method. */
export const method = fc.oneof(
  { weight: 8, arbitrary: fc.constant('GET') },
  { weight: 2, arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS') },
);

/** A request body and its type: JSON (valid, broken, polluted, huge, deep), forms, bytes; or none. */
export const requestBody = fc.oneof(
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
