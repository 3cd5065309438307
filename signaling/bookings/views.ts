// What the API returns for bookings and conflicts.
import { joinUrl } from '../catalog/roomService.js';
import type { Conflict } from './conflicts.js';
import type { OccurrenceInWindow } from './occurrences.js';
import type { BookingAggregate } from './repository.js';
import type { BookingView, ConflictDetails, OccurrenceListItem } from '../protocol/api/bookings.js';

export function bookingView(b: BookingAggregate, publicUrl: string): BookingView {
  return {
    id: b.id,
    room: b.room.slug,
    roomName: b.room.name,
    officeId: b.room.officeId,
    organiser: { subject: b.organiser, displayName: b.organiserName },
    title: b.title,
    description: b.description,
    timeZone: b.timeZone,
    start: b.start.toISOString(),
    end: b.end.toISOString(),
    recurrence:
      b.rrule === null ? null : { rule: b.rrule, exdates: b.exdates.map((d) => d.toISOString()) },
    status: b.status,
    sequence: b.sequence,
    invitations: b.invitations,
    occurrences: b.occurrences.map((o) => ({
      id: o.id,
      start: o.start.toISOString(),
      end: o.end.toISOString(),
      originalStart: o.originalStart.toISOString(),
      status: o.status,
      modified: o.modified,
    })),
    joinUrl: joinUrl(publicUrl, b.room.slug),
    icsUrl: `/api/bookings/${b.id}/ics`,
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
  };
}

export const occurrenceListItem = (o: OccurrenceInWindow): OccurrenceListItem => ({
  id: o.id,
  bookingId: o.bookingId,
  room: o.roomSlug,
  title: o.title,
  organiser: o.organiser,
  timeZone: o.timeZone,
  start: o.start.toISOString(),
  end: o.end.toISOString(),
  status: o.status,
});

export const conflictDetails = (conflicts: readonly Conflict[]): ConflictDetails => ({
  conflicts: conflicts.map((c) => ({
    requested: { start: c.requested.start.toISOString(), end: c.requested.end.toISOString() },
    booking: {
      id: c.booking.id,
      title: c.booking.title,
      occurrenceId: c.booking.occurrenceId,
      start: c.booking.start.toISOString(),
      end: c.booking.end.toISOString(),
    },
  })),
});
