import * as fc from 'fast-check';

/**
 * fast-check arbitraries for fuzzing the server's inputs: arbitrary JSON and JavaScript values,
 * wrong types, huge and deeply nested values, binary, unicode edge cases and prototype-pollution keys.
 */

export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'toString', 'valueOf', 'hasOwnProperty'];

/** Strings that broke other servers: direction overrides, zero-width, lone surrogates, look-alikes, injections. */
export const EDGE_STRINGS = [
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

export const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

export const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: utf16Unit, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...EDGE_STRINGS), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')) },
);

/** Long strings: around MAX_MESSAGE_LENGTH (2000), the DTO caps (100, 100 000) and far beyond (those over MAX_FRAME are not sent). */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(99, 100, 101, 1999, 2000, 2001, 4000, 99_999, 100_000, 100_001, 300_000),
    fc.constantFrom('x', ' ', '😀', '\u200B', 'é', '\uD800'),
  )
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

/** Deeply nested arrays or objects, down to a depth the JSON of a frame still carries. */
export const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom(10, 100, 1000, 2000), fc.constantFrom('array', 'object', 'mixed'))
  .map(([depth, shape]) => {
    let value: unknown = 'bottom';
    for (let i = 0; i < depth; i++) {
      if (shape === 'array' || (shape === 'mixed' && i % 2 === 0)) value = [value];
      else value = { room: value, msg: value === 'bottom' ? 'x' : undefined };
    }
    return value;
  });

export const binaryValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.uint8Array({ maxLength: 64 }),
  fc.constant(Buffer.alloc(0)),
  fc.constant(new ArrayBuffer(8)),
);

/** JSON text with prototype-pollution keys, parsed, so the keys are own keys as they are off the wire. */
export const pollutedValue: fc.Arbitrary<unknown> = fc
  .array(fc.tuple(fc.constantFrom(...POLLUTION_KEYS, 'room', 'msg', 'target', 'polluted'), fc.jsonValue({ maxDepth: 2 })), {
    minLength: 1,
    maxLength: 4,
  })
  .map((entries) => {
    const text = `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value ?? null)}`).join(',')}}`;
    return JSON.parse(text.replace('"polluted":', '"__proto__":{"polluted":true},"polluted":')) as unknown;
  });

export const scalarValue: fc.Arbitrary<unknown> = fc.constantFrom(
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

export const anythingValue = fc.anything({
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
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: anyString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: anythingValue },
  { weight: 2, arbitrary: scalarValue },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: binaryValue },
  { weight: 1, arbitrary: pollutedValue },
);

/** Raw percent garbage: invalid escapes, overlong and truncated UTF-8. */
export const percentGarbage = fc.constantFrom(
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
