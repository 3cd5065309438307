// Mutations of a valid-shaped message: each one breaks it in one way a
// careless or hostile client would (a wrong type, a missing or extra field,
// a megabyte string, 10,000 levels of nesting, unicode tricks, a prototype
// key, an edge number, an array for an object, binary bytes), at a random
// place in the message. Returns the new message and the mutations' names.
import {
  deepNesting,
  hugeString,
  nastyString,
  nastyValue,
  NUMBERS,
  ODD_KEYS,
  pollution,
  PROTO_KEYS,
  randomBytes,
  UNICODE_STRINGS,
} from './nasty.js';
import type { Random } from '../harness/random.js';
import { binary, isRecord, record, withKey, type WireValue } from './wire.js';

type Path = (string | number)[];

/** Every place in the value (objects' and arrays' members too), shallow first. */
function places(value: WireValue, limit = 200): Path[] {
  const out: Path[] = [[]];
  const queue: [WireValue, Path][] = [[value, []]];
  while (queue.length > 0 && out.length < limit) {
    const [v, path] = queue.shift()!;
    const children: [string | number, WireValue][] = Array.isArray(v)
      ? v.map((x, i) => [i, x])
      : isRecord(v)
        ? Object.entries(v)
        : [];
    for (const [k, x] of children) {
      out.push([...path, k]);
      queue.push([x, [...path, k]]);
    }
  }
  return out;
}

function at(value: WireValue, path: Path): WireValue {
  let v: WireValue = value;
  for (const k of path)
    v = (Array.isArray(v) ? v[k as number] : (v as Record<string, WireValue>)[k]) ?? null;
  return v;
}

/** A copy of `value` with the place at `path` replaced (undefined: removed). */
function replace(value: WireValue, path: Path, next: WireValue | undefined): WireValue {
  if (path.length === 0) return next ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    const i = head as number;
    if (rest.length === 0 && next === undefined) copy.splice(i, 1);
    else copy[i] = replace(copy[i] ?? null, rest, next);
    return copy;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).flatMap(([k, v]): [string, WireValue][] => {
      if (k !== head) return [[k, v]];
      if (rest.length === 0 && next === undefined) return [];
      return [[k, replace(v, rest, next)]];
    });
    return record(entries);
  }
  return value;
}

/** A value of another type than `v`. */
function otherType(v: WireValue, random: Random): WireValue {
  const options: WireValue[] = [];
  if (typeof v !== 'string') options.push(random.pick(['1', 'true', '', 'null']));
  if (typeof v !== 'number') options.push(random.pick(NUMBERS));
  if (typeof v !== 'boolean') options.push(random.chance(0.5));
  if (v !== null) options.push(null);
  if (!Array.isArray(v)) options.push([v]);
  if (!isRecord(v)) options.push(record([['value', v]]));
  return random.pick(options);
}

export interface Mutation {
  name: string;
  apply(value: WireValue, path: Path, random: Random): WireValue;
}

export const MUTATIONS: readonly Mutation[] = [
  { name: 'wrong-type', apply: (v, p, r) => replace(v, p, otherType(at(v, p), r)) },
  {
    name: 'missing-field',
    apply: (v, p, r) => {
      const target = at(v, p);
      if (isRecord(target) && Object.keys(target).length > 0)
        return replace(v, [...p, r.pick(Object.keys(target))], undefined);
      return p.length > 0 ? replace(v, p, undefined) : v;
    },
  },
  {
    name: 'extra-field',
    apply: (v, p, r) => {
      const target = at(v, p);
      const key = r.pick(ODD_KEYS);
      const extra = r.chance(0.5) ? nastyValue(r) : nastyString(r);
      return isRecord(target) ? replace(v, p, withKey(target, key, extra)) : v;
    },
  },
  {
    name: 'prototype-key',
    apply: (v, p, r) => {
      const target = at(v, p);
      const object = isRecord(target) ? target : record([]);
      return replace(v, p, withKey(object, r.pick(PROTO_KEYS), pollution(r)));
    },
  },
  { name: 'huge-string', apply: (v, p, r) => replace(v, p, hugeString(r)) },
  { name: 'deep-nesting', apply: (v, p, r) => replace(v, p, deepNesting(r)) },
  {
    name: 'unicode',
    apply: (v, p, r) => {
      const target = at(v, p);
      const u = r.pick(UNICODE_STRINGS);
      if (typeof target !== 'string') return replace(v, p, u);
      const cut = r.int(0, target.length);
      return replace(v, p, r.chance(0.5) ? u : target.slice(0, cut) + u + target.slice(cut));
    },
  },
  { name: 'edge-number', apply: (v, p, r) => replace(v, p, r.pick(NUMBERS)) },
  {
    name: 'array-for-object',
    apply: (v, p, r) => {
      const target = at(v, p);
      if (isRecord(target)) return replace(v, p, r.chance(0.5) ? [target] : Object.values(target));
      return replace(
        v,
        p,
        Array.isArray(target) ? record(target.map((x, i) => [String(i), x])) : [target],
      );
    },
  },
  { name: 'binary', apply: (v, p, r) => replace(v, p, binary(randomBytes(r, 4096))) },
  {
    name: 'long-array',
    apply: (v, p, r) =>
      replace(
        v,
        p,
        Array.from({ length: r.pick([1000, 10_000]) }, (_, i) => i),
      ),
  },
  { name: 'any-value', apply: (v, p, r) => replace(v, p, nastyValue(r)) },
];

/** One to three mutations at random places; the names of those applied. */
export function mutate(
  value: WireValue,
  random: Random,
): { value: WireValue; mutations: string[] } {
  let current = value;
  const names: string[] = [];
  const count = random.chance(0.7) ? 1 : random.int(2, 3);
  for (let i = 0; i < count; i += 1) {
    const mutation = random.pick(MUTATIONS);
    current = mutation.apply(current, random.pick(places(current)), random);
    names.push(mutation.name);
  }
  return { value: current, mutations: names };
}
