// Invitations as iCalendar: one booking as METHOD:REQUEST (or CANCEL once
// cancelled), and an office's bookings as a PUBLISH feed. The UID is the
// booking's id, so every update replaces the same event in the invitee's
// calendar; SEQUENCE is the booking's change counter.
import { joinUrl } from '../catalog/roomService.js';
import type { BookingAggregate, Invitation } from '../bookings/repository.js';
import { wallTimeAt } from '../bookings/timeZones.js';
import { escapeText, line, localDateTime, serialise, utcDateTime } from './format.js';
import { vtimezone } from './vtimezone.js';

export interface IcsOptions {
  publicUrl: string;
  now: Date;
}

const PRODID = '-//Veche//Veche bookings//EN';

export const bookingUid = (bookingId: string) => `${bookingId}@veche`;

/** Staff without a known e-mail are addressed by their workspace subject. */
function calAddress(subject: string | null, email: string | null): string {
  if (email) return `mailto:${email}`;
  if (subject && /^[^@\s]+@[^@\s]+$/.test(subject)) return `mailto:${subject}`;
  return `urn:x-veche:user:${encodeURIComponent(subject ?? 'unknown')}`;
}

function attendee(i: Invitation): string {
  return line('ATTENDEE', calAddress(i.subject, i.email), {
    ...(i.name ? { CN: i.name } : {}),
    CUTYPE: 'INDIVIDUAL',
    ROLE: i.role === 'cohost' ? 'CHAIR' : 'REQ-PARTICIPANT',
    PARTSTAT: 'NEEDS-ACTION',
    RSVP: 'TRUE',
  });
}

function zoned(name: string, instant: Date, timeZone: string): string {
  return line(name, localDateTime(wallTimeAt(instant, timeZone)), { TZID: timeZone });
}

/** The lines every VEVENT of the booking shares. */
function common(b: BookingAggregate, options: IcsOptions): string[] {
  const link = joinUrl(options.publicUrl, b.room.slug);
  const description = [b.description.trim(), `${b.room.name}: ${link}`]
    .filter(Boolean)
    .join('\n\n');
  return [
    line('UID', bookingUid(b.id)),
    line('DTSTAMP', utcDateTime(options.now)),
    line('SEQUENCE', String(b.sequence)),
    line('CREATED', utcDateTime(b.createdAt)),
    line('LAST-MODIFIED', utcDateTime(b.updatedAt)),
    line('SUMMARY', escapeText(b.title)),
    line('DESCRIPTION', escapeText(description)),
    line('LOCATION', escapeText(link)),
    line('URL', link),
    line('ORGANIZER', calAddress(b.organiser, null), { CN: b.organiserName }),
    ...b.invitations.map(attendee),
  ];
}

function events(b: BookingAggregate, options: IcsOptions): string[] {
  const tz = b.timeZone;
  const cancelled = b.status === 'cancelled';
  const exdates =
    b.rrule === null
      ? []
      : [
          ...b.exdates,
          ...b.occurrences.filter((o) => o.status === 'cancelled').map((o) => o.originalStart),
        ].sort((x, y) => x.getTime() - y.getTime());
  const master = [
    'BEGIN:VEVENT',
    ...common(b, options),
    zoned('DTSTART', b.start, tz),
    zoned('DTEND', b.end, tz),
    ...(b.rrule === null ? [] : [line('RRULE', b.rrule)]),
    ...(exdates.length === 0 || cancelled
      ? []
      : [
          line('EXDATE', exdates.map((d) => localDateTime(wallTimeAt(d, tz))).join(','), {
            TZID: tz,
          }),
        ]),
    line('STATUS', cancelled ? 'CANCELLED' : 'CONFIRMED'),
    'TRANSP:OPAQUE',
    'END:VEVENT',
  ];
  if (cancelled || b.rrule === null) return master;
  // Occurrences moved on their own: overrides of the master, by RECURRENCE-ID.
  const overrides = b.occurrences
    .filter((o) => o.modified && o.status === 'confirmed')
    .flatMap((o) => [
      'BEGIN:VEVENT',
      ...common(b, options),
      zoned('RECURRENCE-ID', o.originalStart, tz),
      zoned('DTSTART', o.start, tz),
      zoned('DTEND', o.end, tz),
      'STATUS:CONFIRMED',
      'TRANSP:OPAQUE',
      'END:VEVENT',
    ]);
  return [...master, ...overrides];
}

function span(bookings: readonly BookingAggregate[], timeZone: string): [Date, Date] {
  const instants = bookings
    .filter((b) => b.timeZone === timeZone)
    .flatMap((b) => [b.start, b.end, ...b.occurrences.flatMap((o) => [o.start, o.end])]);
  const times = instants.map((d) => d.getTime());
  return [new Date(Math.min(...times)), new Date(Math.max(...times))];
}

function calendar(
  method: 'REQUEST' | 'CANCEL' | 'PUBLISH',
  bookings: readonly BookingAggregate[],
  options: IcsOptions,
  extra: string[] = [],
): string {
  const zones = [...new Set(bookings.map((b) => b.timeZone))].sort();
  return serialise([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    line('PRODID', PRODID),
    'CALSCALE:GREGORIAN',
    line('METHOD', method),
    ...extra,
    ...zones.flatMap((tz) => vtimezone(tz, ...span(bookings, tz))),
    ...bookings.flatMap((b) => events(b, options)),
    'END:VCALENDAR',
  ]);
}

/** The invitation for one booking: REQUEST, or CANCEL once it is cancelled. */
export function bookingIcs(b: BookingAggregate, options: IcsOptions): string {
  return calendar(b.status === 'cancelled' ? 'CANCEL' : 'REQUEST', [b], options);
}

/** An office's bookings as a subscribable feed. */
export function officeFeedIcs(
  office: { id: string; name: string },
  bookings: readonly BookingAggregate[],
  options: IcsOptions,
): string {
  return calendar('PUBLISH', bookings, options, [line('X-WR-CALNAME', escapeText(office.name))]);
}
