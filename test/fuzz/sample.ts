// Valid-shaped messages from JSON Schema: the socket and SFU requests' zod
// schemas (z.toJSONSchema) and the REST API's OpenAPI document describe
// every message the fuzzer sends, so one sampler covers all three targets.
// Identifiers come from what the server handed out (pools by property name),
// so a valid-shaped message often names something that exists.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Random } from '../harness/random.js';
import { record, type WireValue } from './wire.js';

export type JsonSchema = Record<string, unknown>;

/** The JSON Schema of what a zod schema accepts as input. */
export const jsonSchemaOf = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', reused: 'inline' }) as JsonSchema;

/** JSON Schemas by name, from zod schemas by name. */
export function jsonSchemas<K extends string>(
  names: readonly K[],
  schemaOf: (name: K) => z.ZodType,
): Record<K, JsonSchema> {
  const out = {} as Record<K, JsonSchema>;
  for (const name of names) out[name] = jsonSchemaOf(schemaOf(name));
  return out;
}

export interface SampleHints {
  /** Values seen in the server's replies, by property name (peerId, id, slug…). */
  pools: ReadonlyMap<string, readonly string[]>;
  /** Realistic values for some properties (rtpCapabilities, protocolVersion…). */
  fixed?: Readonly<Record<string, (random: Random) => WireValue>>;
}

/** Strings tried, in order, against a pattern the sampler knows nothing else about. */
const PATTERN_CANDIDATES = [
  '2.5',
  'fuzz-room',
  'abc',
  '2030-01-01T10:00:00Z',
  '2030-01-01T10:00:00.000+03:00',
  '2030-01-01',
  '10:30',
  'Europe/Moscow',
  'fuzz@example.org',
  '00000000-0000-0000-0000-000000000000',
  '1',
  'a',
];

function patternString(pattern: string): string {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    re = new RegExp(pattern);
  }
  return PATTERN_CANDIDATES.find((c) => re.test(c)) ?? 'a';
}

function isoDate(random: Random): string {
  const at = Date.UTC(2030, random.int(0, 11), random.int(1, 28), random.int(0, 23));
  return new Date(at).toISOString();
}

const WORDS = ['fuzz', 'room', 'офис', 'meeting', 'x', 'test', 'zone', 'альфа'];

function sampleString(schema: JsonSchema, random: Random): string {
  const format = schema['format'];
  if (format === 'uuid') return randomUUID();
  if (format === 'date-time') return isoDate(random);
  if (format === 'date') return isoDate(random).slice(0, 10);
  if (format === 'email') return `fuzz${random.int(0, 999)}@example.org`;
  if (format === 'uri' || format === 'url') return 'https://example.org/fuzz';
  if (typeof schema['pattern'] === 'string') return patternString(schema['pattern']);
  const min = typeof schema['minLength'] === 'number' ? schema['minLength'] : 1;
  const max = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : 24;
  let text = `${random.pick(WORDS)}-${random.int(0, 9999)}`;
  while (text.length < min) text += random.pick(WORDS);
  return text.slice(0, Math.max(min, Math.min(max, text.length)));
}

function bound(schema: JsonSchema, key: string): number | undefined {
  const v = schema[key];
  return typeof v === 'number' ? v : undefined;
}

function sampleNumber(schema: JsonSchema, random: Random, integer: boolean): number {
  // OpenAPI 3.0 writes exclusive bounds as booleans beside minimum/maximum.
  const exclusiveMin = bound(schema, 'exclusiveMinimum');
  const exclusiveMax = bound(schema, 'exclusiveMaximum');
  let min = bound(schema, 'minimum') ?? (exclusiveMin !== undefined ? exclusiveMin + 1 : 0);
  let max = bound(schema, 'maximum') ?? (exclusiveMax !== undefined ? exclusiveMax - 1 : 1000);
  if (schema['exclusiveMinimum'] === true) min += 1;
  if (schema['exclusiveMaximum'] === true) max -= 1;
  // Mostly small values: limits like MAX_SAFE_INTEGER are not what a client sends.
  const top = Math.min(max, min + 1000);
  const value = min + random.next() * (top - min);
  return integer ? Math.round(value) : value;
}

const anyValue = (random: Random): WireValue =>
  random.pick<WireValue>(['x', 1, true, null, { a: 1 }, ['a']]);

/** One value that `schema` accepts (as far as this sampler understands schemas). */
export function sample(
  schema: JsonSchema,
  random: Random,
  hints: SampleHints,
  name = '',
  depth = 0,
): WireValue {
  const fixed = hints.fixed?.[name];
  if (fixed && random.chance(0.85)) return fixed(random);
  const pool = hints.pools.get(name);
  if (pool && pool.length > 0 && random.chance(0.8)) return random.pick(pool);
  if (depth > 12) return null;
  if ('const' in schema) return schema['const'] as WireValue;
  if (Array.isArray(schema['enum'])) return random.pick(schema['enum'] as WireValue[]);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0)
      return sample(random.pick(options as JsonSchema[]), random, hints, name, depth + 1);
  }
  if (Array.isArray(schema['allOf'])) {
    // Objects in an allOf are merged; anything else takes the first part.
    const parts = schema['allOf'] as JsonSchema[];
    const values = parts.map((p) => sample(p, random, hints, name, depth + 1));
    if (values.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v)))
      return record(values.flatMap((v) => Object.entries(v as Record<string, WireValue>)));
    return values[0] ?? null;
  }
  if (schema['nullable'] === true && random.chance(0.1)) return null;
  let type = schema['type'];
  if (Array.isArray(type)) type = random.pick(type as string[]);
  switch (type) {
    case 'string':
      return sampleString(schema, random);
    case 'integer':
      return sampleNumber(schema, random, true);
    case 'number':
      return sampleNumber(schema, random, false);
    case 'boolean':
      return random.chance(0.5);
    case 'null':
      return null;
    case 'array': {
      const items = (schema['items'] ?? {}) as JsonSchema;
      const min = bound(schema, 'minItems') ?? 0;
      const max = Math.min(bound(schema, 'maxItems') ?? 3, min + 3);
      const singular = name.endsWith('s') ? name.slice(0, -1) : name;
      return Array.from({ length: random.int(min, max) }, () =>
        sample(items, random, hints, singular, depth + 1),
      );
    }
    case 'object':
    case undefined: {
      const properties = schema['properties'] as Record<string, JsonSchema> | undefined;
      if (!properties && type === undefined) return anyValue(random);
      const required = new Set((schema['required'] ?? []) as string[]);
      const entries: [string, WireValue][] = [];
      for (const [key, sub] of Object.entries(properties ?? {})) {
        if (required.has(key) || random.chance(0.6))
          entries.push([key, sample(sub, random, hints, key, depth + 1)]);
      }
      return record(entries);
    }
    default:
      return anyValue(random);
  }
}

/**
 * Remembers identifiers found in a reply (string values under keys like
 * id, peerId, slug) so later messages can name them. `protect` values are
 * never remembered: the meeting kept running during the fuzzing, and the
 * SFU node under it, must not be named by a valid-shaped message.
 */
export function harvest(
  value: unknown,
  pools: Map<string, string[]>,
  protect: ReadonlySet<string>,
  limit = 32,
): void {
  const visit = (v: unknown, key: string, depth: number): void => {
    if (depth > 8) return;
    if (typeof v === 'string') {
      if (!/(^id$|Id$|^slug$|^name$|^room$)/.test(key) || protect.has(v) || v.length > 200) return;
      const pool = pools.get(key) ?? [];
      if (!pool.includes(v)) pool.push(v);
      if (pool.length > limit) pool.shift();
      pools.set(key, pool);
      return;
    }
    if (Array.isArray(v)) for (const item of v) visit(item, key.replace(/s$/, ''), depth + 1);
    else if (typeof v === 'object' && v !== null)
      for (const [k, x] of Object.entries(v)) visit(x, k, depth + 1);
  };
  visit(value, '', 0);
}
