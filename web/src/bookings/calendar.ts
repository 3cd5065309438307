// Dates for the week view and the booking form, in the user's own zone:
// weeks start on Monday; <input type="datetime-local"> speaks local wall time.

const DAY = 86_400_000;

/** Monday 00:00 (local) of the week that holds `date`. */
export function startOfWeek(date: Date): Date {
  const d = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const sinceMonday = (d.getDay() + 6) % 7;
  d.setDate(d.getDate() - sinceMonday);
  return d;
}

export function addDays(date: Date, days: number): Date {
  const d = new Date(date);
  d.setDate(d.getDate() + days);
  return d;
}

export const weekDays = (monday: Date): Date[] =>
  Array.from({ length: 7 }, (_, i) => addDays(monday, i));

export const sameDay = (a: Date, b: Date): boolean =>
  a.getFullYear() === b.getFullYear() &&
  a.getMonth() === b.getMonth() &&
  a.getDate() === b.getDate();

const pad = (n: number) => String(n).padStart(2, '0');

/** The value of a datetime-local input for this instant (local wall time, minutes). */
export function toLocalInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}`;
}

/** A datetime-local (or date) input's value as an instant; undefined when empty or invalid. */
export function fromLocalInput(value: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0'] = m;
  const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The next whole hour from now: where a new booking starts by default. */
export function nextHour(now: Date, day?: Date): Date {
  const base =
    day && !sameDay(day, now) ? new Date(day.getFullYear(), day.getMonth(), day.getDate(), 9) : now;
  const d = new Date(base);
  if (d.getMinutes() !== 0 || d.getSeconds() !== 0 || base === now) {
    d.setHours(d.getHours() + 1, 0, 0, 0);
  }
  return d;
}

export const durationMs = (start: Date, end: Date): number => end.getTime() - start.getTime();
export { DAY };
