// IANA time zones through Intl (no tz database of our own): wall-clock time
// of an instant in a zone, and the instant of a wall-clock time in a zone.
export interface WallTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function wallTimeAt(instant: Date, timeZone: string): WallTime {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  const year = Number(parts.year);
  return {
    year: parts.era === 'BC' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The wall time as if it were UTC, in ms: handy for arithmetic on wall times. */
export const wallAsUtc = (w: WallTime) =>
  Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

export const wallFromUtcFields = (d: Date): WallTime => ({
  year: d.getUTCFullYear(),
  month: d.getUTCMonth() + 1,
  day: d.getUTCDate(),
  hour: d.getUTCHours(),
  minute: d.getUTCMinutes(),
  second: d.getUTCSeconds(),
});

/** Offset of the zone from UTC at `instant`, in ms (east positive). */
export function offsetAt(instant: Date, timeZone: string): number {
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  return wallAsUtc(wallTimeAt(new Date(whole), timeZone)) - whole;
}

const DAY_MS = 86_400_000;

/**
 * The instant a wall-clock time names in a zone. A time that occurs twice
 * (clocks going back) gives the first; a time skipped by clocks going
 * forward is read with the offset before the change (RFC 5545 §3.3.5), so
 * 02:30 on a spring-forward night becomes 03:30.
 */
export function instantOf(wall: WallTime, timeZone: string): Date {
  const asUtc = wallAsUtc(wall);
  const before = asUtc - offsetAt(new Date(asUtc - DAY_MS), timeZone);
  const after = asUtc - offsetAt(new Date(asUtc + DAY_MS), timeZone);
  const names = (t: number) => wallAsUtc(wallTimeAt(new Date(t), timeZone)) === asUtc;
  const valid = [before, after].filter(names);
  if (valid.length > 0) return new Date(Math.min(...valid));
  return new Date(before);
}
