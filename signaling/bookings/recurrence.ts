// Recurrence: RRULE text (daily/weekly/monthly, ending by COUNT or UNTIL)
// expanded in the organiser's zone, so a 10:00 weekly meeting stays at 10:00
// local time across DST changes. The rule is expanded on "floating" dates
// (wall-clock time written into UTC fields) and each one is then placed in
// the zone.
import rrulePkg from 'rrule';
import { badRequest } from '../core/domainError.js';
import { MAX_OCCURRENCES } from '../protocol/api/bookings.js';
import { instantOf, wallAsUtc, wallFromUtcFields, wallTimeAt } from './timeZones.js';

const { RRule } = rrulePkg;

const supportedParts = ['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'WKST'];
const supportedFrequencies = ['DAILY', 'WEEKLY', 'MONTHLY'];

export interface Slot {
  /** What the rule gave (ICS RECURRENCE-ID). */
  originalStart: Date;
  start: Date;
  end: Date;
}

export interface RecurrenceRequest {
  start: Date;
  end: Date;
  timeZone: string;
  /** null: a one-off booking. */
  rrule: string | null;
  exdates: readonly Date[];
}

function parseParts(text: string): Map<string, string> {
  const body = text.trim().replace(/^RRULE:/i, '');
  const parts = new Map<string, string>();
  for (const piece of body.split(';')) {
    const [key, value, ...rest] = piece.split('=');
    const name = key?.trim().toUpperCase() ?? '';
    if (!name || value === undefined || rest.length > 0 || value.trim() === '')
      throw badRequest(`RRULE part "${piece}" is not KEY=VALUE`);
    if (!supportedParts.includes(name))
      throw badRequest(`RRULE part ${name} is not supported (use ${supportedParts.join(', ')})`);
    if (parts.has(name)) throw badRequest(`RRULE part ${name} appears twice`);
    parts.set(name, value.trim().toUpperCase());
  }
  const freq = parts.get('FREQ');
  if (!freq || !supportedFrequencies.includes(freq))
    throw badRequest(`RRULE FREQ must be one of ${supportedFrequencies.join(', ')}`);
  if (parts.has('COUNT') && parts.has('UNTIL'))
    throw badRequest('RRULE may have COUNT or UNTIL, not both');
  if (!parts.has('COUNT') && !parts.has('UNTIL'))
    throw badRequest(
      `RRULE must end: give COUNT (at most ${MAX_OCCURRENCES}) or UNTIL; endless series are refused`,
    );
  const count = parts.get('COUNT');
  if (count !== undefined && !(/^\d+$/.test(count) && +count >= 1 && +count <= MAX_OCCURRENCES))
    throw badRequest(`RRULE COUNT must be 1…${MAX_OCCURRENCES}`);
  const interval = parts.get('INTERVAL');
  if (interval !== undefined && !(/^\d+$/.test(interval) && +interval >= 1 && +interval <= 400))
    throw badRequest('RRULE INTERVAL must be 1…400');
  return parts;
}

/** UNTIL as an instant: UTC (…Z), local to the organiser's zone, or a whole local day. */
function untilInstant(value: string, timeZone: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value);
  if (!m) throw badRequest('RRULE UNTIL must look like 20300131T235959Z');
  const [, y = '', mo = '', d = '', h, mi, s, z] = m;
  const wall = {
    year: +y,
    month: +mo,
    day: +d,
    hour: h === undefined ? 23 : +h,
    minute: mi === undefined ? 59 : +mi,
    second: s === undefined ? 59 : +s,
  };
  const check = new Date(wallAsUtc(wall));
  if (check.getUTCMonth() + 1 !== wall.month || check.getUTCDate() !== wall.day)
    throw badRequest('RRULE UNTIL is not a real date');
  return z ? check : instantOf(wall, timeZone);
}

const utcStamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** The rule as stored and sent in ICS: parts in a fixed order, UNTIL in UTC. */
function normalise(parts: Map<string, string>, until: Date | undefined): string {
  return supportedParts
    .filter((key) => parts.has(key))
    .map((key) => `${key}=${key === 'UNTIL' && until ? utcStamp(until) : parts.get(key)}`)
    .join(';');
}

export interface Expansion {
  /** Normalised RRULE, or null for a one-off booking. */
  rrule: string | null;
  slots: Slot[];
}

export function expandRecurrence(request: RecurrenceRequest): Expansion {
  const duration = request.end.getTime() - request.start.getTime();
  if (request.rrule === null) {
    if (request.exdates.length > 0) throw badRequest('exdates need a recurrence rule');
    return {
      rrule: null,
      slots: [{ originalStart: request.start, start: request.start, end: request.end }],
    };
  }
  const parts = parseParts(request.rrule);
  const untilText = parts.get('UNTIL');
  const until = untilText === undefined ? undefined : untilInstant(untilText, request.timeZone);
  const rrule = normalise(parts, until);

  const floating = (instant: Date) => new Date(wallAsUtc(wallTimeAt(instant, request.timeZone)));
  let rule;
  try {
    const options = RRule.parseString(rrule.replace(/;?UNTIL=[^;]*/, ''));
    rule = new RRule({
      ...options,
      dtstart: floating(request.start),
      ...(until ? { until: floating(until) } : {}),
    });
  } catch (error) {
    throw badRequest(
      `RRULE is not valid: ${error instanceof Error ? error.message : 'unreadable'}`,
    );
  }
  const floatingDates = rule.all((_date, index) => index <= MAX_OCCURRENCES);
  if (floatingDates.length > MAX_OCCURRENCES)
    throw badRequest(`the series has more than ${MAX_OCCURRENCES} occurrences`);
  const starts = floatingDates.map((d) => instantOf(wallFromUtcFields(d), request.timeZone));
  if (starts[0]?.getTime() !== request.start.getTime())
    throw badRequest('start must be the first occurrence of the rule (check BYDAY/BYMONTHDAY)');

  const excluded = new Set(request.exdates.map((d) => d.getTime()));
  for (const exdate of request.exdates)
    if (!starts.some((s) => s.getTime() === exdate.getTime()))
      throw badRequest(`exdate ${exdate.toISOString()} is not an occurrence of the series`);
  const slots = starts
    .filter((s) => !excluded.has(s.getTime()))
    .map((s) => ({ originalStart: s, start: s, end: new Date(s.getTime() + duration) }));
  if (slots.length === 0) throw badRequest('every occurrence of the series is excluded');
  return { rrule, slots };
}
