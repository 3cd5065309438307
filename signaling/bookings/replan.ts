// A series whose timing changes (start, end, zone or rule) is planned anew
// from now on. Days the organiser had left out — EXDATEs and cancelled
// occurrences — stay left out: they are matched by their local calendar day,
// so moving a weekly meeting from 10:00 to 14:00 keeps 25 March cancelled.
// Occurrences moved on their own follow the new plan (their override ends).
import { badRequest } from '../core/domainError.js';
import { expandRecurrence, type Slot } from './recurrence.js';
import type { BookingAggregate } from './repository.js';
import * as rules from './rules.js';
import type { UpdateBookingInput } from '../protocol/api/bookings.js';
import { wallTimeAt } from './timeZones.js';

export interface Plan {
  start: Date;
  end: Date;
  timeZone: string;
  rrule: string | null;
  exdates: Date[];
  /** The occurrences to create: those of the new plan from `from` on. */
  slots: Slot[];
  from: Date;
}

const localDay = (instant: Date, timeZone: string) => {
  const w = wallTimeAt(instant, timeZone);
  return `${w.year}-${w.month}-${w.day}`;
};

export function changesTiming(patch: UpdateBookingInput): boolean {
  return (
    patch.start !== undefined ||
    patch.end !== undefined ||
    patch.timeZone !== undefined ||
    patch.recurrence !== undefined
  );
}

export function replanSeries(
  booking: BookingAggregate,
  patch: UpdateBookingInput,
  now: Date,
): Plan {
  const start = patch.start === undefined ? booking.start : new Date(patch.start);
  const end = patch.end === undefined ? booking.end : new Date(patch.end);
  const timeZone = patch.timeZone ?? booking.timeZone;
  const rule = patch.recurrence === undefined ? booking.rrule : (patch.recurrence?.rule ?? null);
  rules.requireTimeZone(timeZone);
  rules.checkSlot(start, end);
  if (rule === null) rules.checkNotPast(start, now);

  let expansion;
  let exdates: Date[];
  if (patch.recurrence !== undefined) {
    // The organiser restated the recurrence: their exdates, checked strictly.
    exdates = (patch.recurrence?.exdates ?? []).map((d) => new Date(d));
    expansion = expandRecurrence({ start, end, timeZone, rrule: rule, exdates });
  } else {
    const skipped = new Set(
      [
        ...booking.exdates,
        ...booking.occurrences.filter((o) => o.status === 'cancelled').map((o) => o.originalStart),
      ].map((d) => localDay(d, booking.timeZone)),
    );
    const all = expandRecurrence({ start, end, timeZone, rrule: rule, exdates: [] });
    const left = (s: Slot) => !skipped.has(localDay(s.start, timeZone));
    exdates = rule === null ? [] : all.slots.filter((s) => !left(s)).map((s) => s.start);
    expansion = { rrule: all.rrule, slots: all.slots.filter(left) };
    if (expansion.slots.length === 0)
      throw badRequest('every occurrence of the series is excluded');
  }
  const slots = expansion.slots.filter((s) => s.start.getTime() >= now.getTime());
  if (slots.length === 0) throw badRequest('the changed series has no occurrence left to come');
  return { start, end, timeZone, rrule: expansion.rrule, exdates, slots, from: now };
}
