// Booking rules that need no database: time bounds, zones, capacity, and
// who may see or change a booking.
import type { StaffIdentity } from '../auth/identity.js';
import { canManageOffice } from '../catalog/permissions.js';
import { badRequest } from '../core/domainError.js';
import type { InviteeInput } from '../protocol/api/bookings.js';
import type { BookingAggregate, Invitation } from './repository.js';
import { isValidTimeZone } from './timeZones.js';

const HOUR_MS = 3_600_000;
export const MAX_DURATION_MS = 24 * HOUR_MS;

export function requireTimeZone(timeZone: string): void {
  if (!isValidTimeZone(timeZone)) throw badRequest(`unknown time zone ${timeZone}`);
}

/** A slot of a booking: ends after it starts, lasts at most 24 h, in whole minutes. */
export function checkSlot(start: Date, end: Date): void {
  if (start.getTime() % 60_000 !== 0 || end.getTime() % 60_000 !== 0)
    throw badRequest('booking times are whole minutes');
  if (end.getTime() <= start.getTime()) throw badRequest('end must be after start');
  if (end.getTime() - start.getTime() > MAX_DURATION_MS)
    throw badRequest('a booking lasts at most 24 hours');
}

export function checkNotPast(start: Date, now: Date): void {
  if (start.getTime() < now.getTime()) throw badRequest('start is in the past');
}

/** Invitees plus co-hosts, one entry per person; a co-host listed as invitee stays a co-host. */
export function mergeInvitations(
  invitees: readonly InviteeInput[],
  cohosts: readonly string[],
  knownNames: ReadonlyMap<string, string>,
): Invitation[] {
  const bySubject = new Map<string, Invitation>();
  const byEmail = new Map<string, Invitation>();
  for (const subject of cohosts)
    bySubject.set(subject, {
      subject,
      email: null,
      name: knownNames.get(subject) ?? null,
      role: 'cohost',
    });
  for (const i of invitees) {
    const existing = i.subject === undefined ? undefined : bySubject.get(i.subject);
    if (existing) {
      existing.email ??= i.email ?? null;
      if (i.name !== undefined) existing.name = i.name;
      continue;
    }
    const email = i.email?.toLowerCase();
    if (i.subject === undefined && email !== undefined && byEmail.has(email)) continue;
    const invitation: Invitation = {
      subject: i.subject ?? null,
      email: email ?? null,
      name: i.name ?? (i.subject === undefined ? null : (knownNames.get(i.subject) ?? null)),
      role: 'attendee',
    };
    if (i.subject !== undefined) bySubject.set(i.subject, invitation);
    else if (email !== undefined) byEmail.set(email, invitation);
  }
  return [...bySubject.values(), ...byEmail.values()];
}

/** The organiser plus everyone invited must fit in the room. */
export function checkCapacity(
  invitations: readonly Invitation[],
  organiser: string,
  capacity: number,
) {
  const people = 1 + invitations.filter((i) => i.subject !== organiser).length;
  if (people > capacity)
    throw badRequest(
      `${people} people (the organiser and ${people - 1} invited) exceed the room's capacity of ${capacity}`,
      { capacity, people },
    );
}

export function canChange(identity: StaffIdentity, booking: BookingAggregate): boolean {
  return identity.subject === booking.organiser || canManageOffice(identity, booking.room.officeId);
}

export function canView(identity: StaffIdentity, booking: BookingAggregate): boolean {
  return (
    canChange(identity, booking) || booking.invitations.some((i) => i.subject === identity.subject)
  );
}
