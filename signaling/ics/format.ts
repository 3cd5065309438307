// iCalendar (RFC 5545) text: escaping, parameters, date-times, and content
// lines folded at 75 octets (never inside a UTF-8 character) joined by CRLF.
import type { WallTime } from '../bookings/timeZones.js';

const MAX_OCTETS = 75;

/** TEXT values: backslash, semicolon, comma and newlines escaped. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** Parameter values cannot hold DQUOTE or control characters; quoted when they contain : ; , */
export function paramValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f"]/g, "'");
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

export function line(name: string, value: string, params: Record<string, string> = {}): string {
  const rendered = Object.entries(params)
    .map(([key, v]) => `;${key}=${paramValue(v)}`)
    .join('');
  return `${name}${rendered}:${value}`;
}

/** Splits one content line into physical lines of at most 75 octets each. */
export function fold(content: string): string[] {
  const lines: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of content) {
    const size = Buffer.byteLength(char, 'utf8');
    // Continuation lines start with a space, which counts towards their 75.
    const limit = lines.length === 0 ? MAX_OCTETS : MAX_OCTETS - 1;
    if (octets + size > limit) {
      lines.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  lines.push(current);
  return lines.map((l, i) => (i === 0 ? l : ` ${l}`));
}

export function serialise(contentLines: readonly string[]): string {
  return contentLines.flatMap(fold).join('\r\n') + '\r\n';
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** 20300304T100000Z */
export const utcDateTime = (d: Date) =>
  `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T` +
  `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;

/** 20300304T100000 (local to a TZID) */
export const localDateTime = (w: WallTime) =>
  `${pad(w.year, 4)}${pad(w.month)}${pad(w.day)}T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`;

/** +0300, -0930, +053328 */
export function utcOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const total = Math.abs(Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${sign}${pad(h)}${pad(m)}${s === 0 ? '' : pad(s)}`;
}
