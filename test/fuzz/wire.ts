// A fuzz message as it goes on the wire. Values are plain JSON-like data
// plus two kinds of leaves JSON.stringify cannot express: `raw` (exact JSON
// text, e.g. 10,000 levels of nesting or 1e999, which the server parses as
// Infinity) and `binary` (bytes, sent as socket.io attachments). Numbers are
// written as a server would read them: NaN as null (as JSON.stringify does),
// ±Infinity as ±1e999, -0 as -0.

const RAW = Symbol('raw');
const BINARY = Symbol('binary');

export interface RawJson {
  readonly [RAW]: string;
}
export interface BinaryLeaf {
  readonly [BINARY]: Buffer;
}

/** What a generator or mutator produces: JSON values with raw and binary leaves. */
export type WireValue =
  | null
  | boolean
  | number
  | string
  | RawJson
  | BinaryLeaf
  | WireValue[]
  | { [key: string]: WireValue };

export const raw = (text: string): RawJson => ({ [RAW]: text });
export const binary = (bytes: Buffer): BinaryLeaf => ({ [BINARY]: bytes });
export const isRaw = (v: unknown): v is RawJson => typeof v === 'object' && v !== null && RAW in v;
export const isBinary = (v: unknown): v is BinaryLeaf =>
  typeof v === 'object' && v !== null && BINARY in v;
export const isRecord = (v: unknown): v is Record<string, WireValue> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !isRaw(v) && !isBinary(v);

/**
 * An object with these entries as own properties, `__proto__` included (an
 * object literal or plain assignment would set the prototype instead).
 */
export function record(entries: [string, WireValue][]): Record<string, WireValue> {
  const out: Record<string, WireValue> = {};
  for (const [key, value] of entries)
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

/** A copy with `key` set (as an own property, whatever the key). */
export const withKey = (
  object: Record<string, WireValue>,
  key: string,
  value: WireValue,
): Record<string, WireValue> => record([...Object.entries(object), [key, value]]);

function numberText(n: number): string {
  if (Number.isNaN(n)) return 'null';
  if (n === Infinity) return '1e999';
  if (n === -Infinity) return '-1e999';
  if (Object.is(n, -0)) return '-0';
  return JSON.stringify(n);
}

/**
 * The JSON text of a value, with socket.io's binary placeholders where the
 * bytes go (`attachments`, in order). Deep nesting only ever comes as a raw
 * leaf, so this recursion stays shallow.
 */
export function toWire(value: WireValue): { text: string; attachments: Buffer[] } {
  const attachments: Buffer[] = [];
  const write = (v: WireValue): string => {
    if (v === null) return 'null';
    if (typeof v === 'number') return numberText(v);
    if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
    if (isRaw(v)) return v[RAW];
    if (isBinary(v)) {
      attachments.push(v[BINARY]);
      return `{"_placeholder":true,"num":${attachments.length - 1}}`;
    }
    if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${write(x)}`)
      .join(',')}}`;
  };
  return { text: write(value), attachments };
}

/** A short, printable description of a value (for tables and findings). */
export function preview(text: string, max = 160): string {
  const shown = text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
  // Control, format and lone surrogate characters are shown escaped.
  return shown.replace(
    // eslint-disable-next-line no-control-regex -- escaping control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
