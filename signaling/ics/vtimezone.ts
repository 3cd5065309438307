// A VTIMEZONE for any IANA zone, built from Intl: the offset in force at the
// start of the period and every transition inside it, each as its own
// STANDARD or DAYLIGHT observance (valid RFC 5545; no tz database needed).
import { offsetAt, wallFromUtcFields } from '../bookings/timeZones.js';
import { line, localDateTime, utcOffset } from './format.js';

const STEP_MS = 12 * 3_600_000;

interface Transition {
  at: number;
  from: number;
  to: number;
}

function transitions(timeZone: string, from: number, to: number): Transition[] {
  const found: Transition[] = [];
  let t = from;
  let offset = offsetAt(new Date(t), timeZone);
  while (t < to) {
    const next = Math.min(t + STEP_MS, to);
    const nextOffset = offsetAt(new Date(next), timeZone);
    if (nextOffset !== offset) {
      let lo = t;
      let hi = next;
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2000) * 1000;
        if (offsetAt(new Date(mid), timeZone) === offset) lo = mid;
        else hi = mid;
      }
      found.push({ at: hi, from: offset, to: nextOffset });
      offset = nextOffset;
    }
    t = next;
  }
  return found;
}

/** The smaller of the January and July offsets: that year's standard time. */
function standardOffset(timeZone: string, at: number): number {
  const year = new Date(at).getUTCFullYear();
  return Math.min(
    offsetAt(new Date(Date.UTC(year, 0, 1)), timeZone),
    offsetAt(new Date(Date.UTC(year, 6, 1)), timeZone),
  );
}

function observance(timeZone: string, onset: string, at: number, from: number, to: number) {
  const kind = to > standardOffset(timeZone, at) ? 'DAYLIGHT' : 'STANDARD';
  return [
    `BEGIN:${kind}`,
    line('DTSTART', onset),
    line('TZOFFSETFROM', utcOffset(from)),
    line('TZOFFSETTO', utcOffset(to)),
    `END:${kind}`,
  ];
}

/** Covers whole years from `from`'s to `to`'s (plus one), so nearby edits stay covered. */
export function vtimezone(timeZone: string, from: Date, to: Date): string[] {
  const start = Date.UTC(from.getUTCFullYear(), 0, 1);
  const end = Date.UTC(to.getUTCFullYear() + 2, 0, 1);
  const initial = offsetAt(new Date(start), timeZone);
  const lines = [
    'BEGIN:VTIMEZONE',
    line('TZID', timeZone),
    ...observance(timeZone, '19700101T000000', start, initial, initial),
  ];
  for (const t of transitions(timeZone, start, end)) {
    // An onset is written in the local time in force before it.
    const onset = localDateTime(wallFromUtcFields(new Date(t.at + t.from)));
    lines.push(...observance(timeZone, onset, t.at, t.from, t.to));
  }
  lines.push('END:VTIMEZONE');
  return lines;
}
