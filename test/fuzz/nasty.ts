// The catalogue of hostile values the mutators draw from: strings that are
// huge or unicode-tricky, numbers at the edges of IEEE 754, keys that
// reach prototypes, nesting deeper than any parser should recurse.
import type { Random } from '../harness/random.js';
import { binary, raw, record, type WireValue } from './wire.js';

/** One megabyte of text, made once. */
const MEGABYTE = 'x'.repeat(1024 * 1024);
/** Just past a request's payload limit (64 KiB) in multi-byte characters. */
const PAST_LIMIT_UNICODE = 'я'.repeat(33 * 1024);

export const UNICODE_STRINGS: readonly string[] = [
  '\u202Eevil\u202C', // right-to-left override
  '\u2067isolate\u2069',
  'a\u200Bb\u200Cc\u200Dd\uFEFF', // zero-width characters
  '\u200B',
  '\uFEFF',
  '\uD800', // lone high surrogate
  '\uDFFF', // lone low surrogate
  'ok\uD83D', // an emoji cut in half
  '\u0000',
  'nul\u0000inside',
  `e${'\u0301'.repeat(500)}`, // one letter with 500 combining accents
  '👨‍👩‍👧‍👦🏳️‍🌈',
  'Ӝӝ Привет мир',
  'مرحبا بالعالم',
  'שלום',
  '\u2028\u2029',
  '\r\n\t',
  '\u001b[31mred\u001b[0m',
  '\u0085\u00A0\u1680\u3000',
  '𝕏'.repeat(1000),
  'ﷺ'.repeat(100),
  '\uFFFF\uFFFE',
];

export const TRICKY_STRINGS: readonly string[] = [
  '',
  ' ',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e308',
  'true',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '../../../../etc/passwd',
  '..',
  '%00',
  '%E0%A4%A',
  "'; DROP TABLE rooms; --",
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  '\\',
  '"',
  '*',
  '?',
  '#',
  '/',
  'a'.repeat(129),
  'a'.repeat(65),
  '2.5',
  '99.99',
  '1.0',
  '0000-00-00T00:00:00Z',
  '2024-02-30T25:61:61Z',
  '9999-12-31T23:59:59.999Z',
  '-271821-04-20T00:00:00Z',
  'FREQ=SECONDLY;COUNT=100000000',
  'FREQ=DAILY;INTERVAL=0',
];

export const NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  NaN,
  Infinity,
  -Infinity,
  1e308,
  -1e308,
  5e-324,
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  1e21,
  127,
  128,
  255,
  65535,
  65536,
];

export const PROTO_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'then',
];

export const ODD_KEYS: readonly string[] = [
  ...PROTO_KEYS,
  '',
  ' ',
  '\u0000',
  '\uD800',
  '$where',
  'a.b',
  'a'.repeat(10_000),
];

/** A value meant to land on a prototype if a merge is careless. */
export function pollution(random: Random): WireValue {
  const payload = record([
    ['polluted', 'yes'],
    ['isAdmin', true],
    ['role', 'host'],
    ['toString', 'x'],
  ]);
  return random.pick<WireValue>([
    payload,
    record([['prototype', payload]]),
    record([['__proto__', payload]]),
    [payload],
  ]);
}

/** `depth` levels of arrays or objects, as exact JSON text (never built as objects). */
export function deepNesting(random: Random, depth = 10_000): WireValue {
  return random.chance(0.5)
    ? raw(`${'['.repeat(depth)}1${']'.repeat(depth)}`)
    : raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
}

export function hugeString(random: Random): string {
  return random.pick([
    MEGABYTE,
    MEGABYTE.slice(0, 70 * 1024),
    PAST_LIMIT_UNICODE,
    '\u0000'.repeat(70_000),
  ]);
}

export function nastyString(random: Random): string {
  const r = random.next();
  if (r < 0.45) return random.pick(UNICODE_STRINGS);
  if (r < 0.9) return random.pick(TRICKY_STRINGS);
  return hugeString(random);
}

export function randomBytes(random: Random, max = 512): Buffer {
  const bytes = Buffer.alloc(random.int(0, max));
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = random.int(0, 255);
  return bytes;
}

/** Any hostile value at all, of any type. */
export function nastyValue(random: Random): WireValue {
  switch (random.int(0, 9)) {
    case 0:
    case 1:
      return nastyString(random);
    case 2:
    case 3:
      return random.pick(NUMBERS);
    case 4:
      return random.pick<WireValue>([null, true, false, [], {}, [null], [[]], ['a', 1, null]]);
    case 5:
      return pollution(random);
    case 6:
      return deepNesting(random, random.pick([100, 1000, 10_000]));
    case 7:
      return binary(randomBytes(random));
    case 8:
      return record([[random.pick(ODD_KEYS), nastyString(random)]]);
    default:
      return Array.from({ length: random.int(0, 20) }, () => random.pick(NUMBERS));
  }
}
