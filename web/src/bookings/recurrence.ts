// The repeat picker's choice as an RRULE (and back): daily, weekly or monthly,
// ending after a number of meetings or on a date. The server refuses endless
// series and checks the rule again.

export type Frequency = 'none' | 'daily' | 'weekly' | 'monthly';

export interface Repeat {
  readonly frequency: Frequency;
  readonly ends: 'count' | 'until';
  readonly count: number;
  /** A local date, YYYY-MM-DD (the last day a meeting may fall on). */
  readonly until: string;
}

export const noRepeat: Repeat = { frequency: 'none', ends: 'count', count: 5, until: '' };

const FREQ = { daily: 'DAILY', weekly: 'WEEKLY', monthly: 'MONTHLY' } as const;

const pad = (n: number) => String(n).padStart(2, '0');

function utcStamp(date: Date): string {
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}T${pad(
    date.getUTCHours(),
  )}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
}

/** The RRULE, or null for a one-off; undefined when the end is missing. */
export function toRule(repeat: Repeat): string | null | undefined {
  if (repeat.frequency === 'none') return null;
  const freq = `FREQ=${FREQ[repeat.frequency]}`;
  if (repeat.ends === 'count') {
    return Number.isInteger(repeat.count) && repeat.count >= 1
      ? `${freq};COUNT=${repeat.count}`
      : undefined;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(repeat.until);
  if (!m) return undefined;
  // The end of that day in the user's zone.
  const end = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59);
  return `${freq};UNTIL=${utcStamp(end)}`;
}

/** The picker's state for a stored rule (parts it does not show are dropped on save). */
export function fromRule(rule: string | undefined): Repeat {
  if (!rule) return noRepeat;
  const parts = new Map(rule.split(';').map((part) => part.split('=') as [string, string]));
  const freq = parts.get('FREQ');
  const frequency: Frequency =
    freq === 'DAILY'
      ? 'daily'
      : freq === 'WEEKLY'
        ? 'weekly'
        : freq === 'MONTHLY'
          ? 'monthly'
          : 'none';
  const until = parts.get('UNTIL');
  if (until) {
    const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(until);
    let local = '';
    if (m) {
      const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map((x) => Number(x ?? 0)) as [
        number,
        number,
        number,
        number,
        number,
      ];
      // UTC (…Z) as the server stores it; a floating date as a local day.
      const date = m[7] ? new Date(Date.UTC(y, mo - 1, d, h, mi)) : new Date(y, mo - 1, d);
      local = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
    }
    return { frequency, ends: 'until', count: noRepeat.count, until: local };
  }
  return { ...noRepeat, frequency, count: Number(parts.get('COUNT') ?? noRepeat.count) };
}
