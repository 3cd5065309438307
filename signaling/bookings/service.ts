// Booking use cases. Every change runs in one transaction with its audit
// row; overlaps are refused by the database's EXCLUDE constraint, and
// checked first only to name every colliding occurrence in the 409.
import { randomUUID } from 'node:crypto';
import type { StaffIdentity } from '../auth/identity.js';
import type { AuditAction } from '../audit/sink.js';
import { appendAudit } from '../audit/dbSink.js';
import { requireOffice } from '../catalog/permissions.js';
import { requireRoom } from '../catalog/roomService.js';
import { getUsers } from '../catalog/users.js';
import { badRequest, conflict, forbidden, notFound } from '../core/domainError.js';
import {
  isDatabaseError,
  isRetryable,
  SqlState,
  type Database,
  type Queryable,
} from '../db/index.js';
import { INVISIBLE_TEXT, isVisibleText, normalizeText } from '../protocol/text.js';
import { expandRecurrence, type Slot } from './recurrence.js';
import { changesTiming, replanSeries } from './replan.js';
import * as repo from './repository.js';
import type { BookingAggregate } from './repository.js';
import * as occurrences from './occurrences.js';
import { conflictError, findConflicts, refuseConflicts } from './conflicts.js';
import * as rules from './rules.js';
import type {
  BookingListQuery,
  CreateBookingInput,
  InviteeInput,
  UpdateBookingInput,
  UpdateOccurrenceInput,
} from '../protocol/api/bookings.js';

export interface Actor {
  identity: StaffIdentity;
  ip: string | undefined;
}

export interface BookingServiceDeps {
  db: Database;
  now: () => Date;
}

const DAY_MS = 86_400_000;
/** Tries of one change before a repeated deadlock is reported as the error it is. */
const MAX_ATTEMPTS = 3;

export function createBookingService({ db, now }: BookingServiceDeps) {
  /**
   * Runs a change under the room's booking lock. A concurrent booking that won
   * the race surfaces as the same 409; a transaction PostgreSQL aborted to break
   * a deadlock (or a serialisation failure) runs again, so the loser of such a
   * race learns who won instead of getting a 500.
   */
  async function guarded<T>(
    roomId: string,
    slots: readonly { start: Date; end: Date }[],
    ignore: readonly string[],
    change: (tx: Queryable) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await db.transaction(async (tx) => {
          await repo.lockRoomBookings(tx, roomId);
          return change(tx);
        });
      } catch (error) {
        if (isRetryable(error) && attempt < MAX_ATTEMPTS) continue;
        if (!isDatabaseError(error, SqlState.exclusionViolation)) throw error;
        throw conflictError(await findConflicts(db, roomId, slots, ignore));
      }
    }
  }

  async function audit(
    tx: Queryable,
    actor: Actor,
    action: AuditAction,
    booking: { id: string; room: { slug: string } },
    details: Record<string, unknown>,
  ) {
    await appendAudit(tx, {
      action,
      actor: actor.identity.subject,
      target: booking.id,
      room: booking.room.slug,
      at: now(),
      details,
      ip: actor.ip,
    });
  }

  async function invitationsFor(invitees: readonly InviteeInput[], cohosts: readonly string[]) {
    const subjects = [...cohosts, ...invitees.flatMap((i) => (i.subject ? [i.subject] : []))];
    const names = new Map((await getUsers(db, subjects)).map((u) => [u.subject, u.displayName]));
    return rules.mergeInvitations(invitees, cohosts, names);
  }

  async function load(tx: Queryable, id: string, forUpdate = false): Promise<BookingAggregate> {
    const booking = await repo.loadBooking(tx, id, { forUpdate });
    if (!booking) throw notFound(`booking ${id} does not exist`);
    return booking;
  }

  async function loadForChange(tx: Queryable, actor: Actor, id: string) {
    const booking = await load(tx, id, true);
    if (!rules.canChange(actor.identity, booking))
      throw forbidden('only the organiser, the office’s staff or an admin may change this booking');
    if (booking.status === 'cancelled') throw conflict('the booking is cancelled');
    return booking;
  }

  async function create(actor: Actor, input: CreateBookingInput): Promise<BookingAggregate> {
    const title = visibleTitle(input.title);
    const start = new Date(input.start);
    const end = new Date(input.end);
    rules.requireTimeZone(input.timeZone);
    rules.checkSlot(start, end);
    rules.checkNotPast(start, now());
    const room = await requireRoom(db, input.room);
    requireOffice(actor.identity, room.officeId, 'book its rooms');
    const { rrule, slots } = expandRecurrence({
      start,
      end,
      timeZone: input.timeZone,
      rrule: input.recurrence?.rule ?? null,
      exdates: (input.recurrence?.exdates ?? []).map((d) => new Date(d)),
    });
    const invitations = await invitationsFor(input.invitees, input.cohosts);
    rules.checkCapacity(invitations, actor.identity.subject, room.capacity);

    const id = randomUUID();
    const at = now();
    await guarded(room.id, slots, [], async (tx) => {
      await refuseConflicts(tx, room.id, slots, []);
      await repo.insertBooking(tx, {
        id,
        roomId: room.id,
        organiser: actor.identity.subject,
        title,
        description: input.description,
        timeZone: input.timeZone,
        start,
        end,
        rrule,
        exdates: (input.recurrence?.exdates ?? []).map((d) => new Date(d)),
        status: 'confirmed',
        sequence: 0,
        createdAt: at,
        updatedAt: at,
      });
      await occurrences.insertOccurrences(
        tx,
        id,
        room.id,
        slots.map((s) => ({ ...s, id: randomUUID() })),
      );
      await repo.replaceInvitations(tx, id, invitations, randomUUID);
      await audit(
        tx,
        actor,
        'booking.create',
        { id, room },
        {
          title,
          start: start.toISOString(),
          end: end.toISOString(),
          timeZone: input.timeZone,
          rrule,
          occurrences: slots.length,
          invited: invitations.length,
        },
      );
    });
    return load(db, id);
  }

  async function updateSeries(
    actor: Actor,
    id: string,
    patch: UpdateBookingInput,
  ): Promise<BookingAggregate> {
    const title = patch.title === undefined ? undefined : visibleTitle(patch.title);
    const before = await load(db, id);
    const plan = changesTiming(patch) ? replanSeries(before, patch, now()) : undefined;
    const replaced = plan
      ? before.occurrences.filter((o) => o.start.getTime() >= plan.from.getTime()).map((o) => o.id)
      : [];
    const invitations =
      patch.invitees !== undefined || patch.cohosts !== undefined
        ? await invitationsFor(
            patch.invitees ?? before.invitations.filter((i) => i.role === 'attendee').map(asInput),
            patch.cohosts ??
              before.invitations.flatMap((i) =>
                i.role === 'cohost' && i.subject ? [i.subject] : [],
              ),
          )
        : undefined;

    await guarded(before.room.id, plan?.slots ?? [], replaced, async (tx) => {
      const booking = await loadForChange(tx, actor, id);
      if (invitations) {
        rules.checkCapacity(invitations, booking.organiser, booking.room.capacity);
        await repo.replaceInvitations(tx, id, invitations, randomUUID);
      }
      if (plan) {
        await occurrences.deleteOccurrencesFrom(tx, id, plan.from);
        await refuseConflicts(tx, booking.room.id, plan.slots, []);
        await occurrences.insertOccurrences(
          tx,
          id,
          booking.room.id,
          plan.slots.map((s: Slot) => ({ ...s, id: randomUUID() })),
        );
      }
      await repo.saveBooking(tx, {
        ...booking,
        title: title ?? booking.title,
        description: patch.description ?? booking.description,
        ...(plan && {
          start: plan.start,
          end: plan.end,
          timeZone: plan.timeZone,
          rrule: plan.rrule,
          exdates: plan.exdates,
        }),
        sequence: booking.sequence + 1,
        updatedAt: now(),
      });
      await audit(tx, actor, 'booking.update', booking, {
        scope: 'series',
        changed: Object.keys(patch).sort(),
        ...(plan && {
          start: plan.start.toISOString(),
          end: plan.end.toISOString(),
          rrule: plan.rrule,
        }),
        sequence: booking.sequence + 1,
      });
    });
    return load(db, id);
  }

  async function updateOccurrence(
    actor: Actor,
    id: string,
    occurrenceId: string,
    patch: UpdateOccurrenceInput,
  ): Promise<BookingAggregate> {
    const before = await load(db, id);
    const occurrence = before.occurrences.find((o) => o.id === occurrenceId);
    if (!occurrence) throw notFound(`booking ${id} has no occurrence ${occurrenceId}`);
    const start = patch.start === undefined ? occurrence.start : new Date(patch.start);
    const end =
      patch.end === undefined
        ? new Date(start.getTime() + occurrence.end.getTime() - occurrence.start.getTime())
        : new Date(patch.end);
    rules.checkSlot(start, end);
    rules.checkNotPast(start, now());
    if (occurrence.end.getTime() <= now().getTime()) throw badRequest('that occurrence is over');
    const slot = [{ start, end }];

    await guarded(before.room.id, slot, [occurrenceId], async (tx) => {
      const booking = await loadForChange(tx, actor, id);
      const current = booking.occurrences.find((o) => o.id === occurrenceId);
      if (current?.status !== 'confirmed') throw conflict('that occurrence is cancelled');
      await refuseConflicts(tx, booking.room.id, slot, [occurrenceId]);
      const recurring = booking.rrule !== null;
      await occurrences.moveOccurrence(tx, occurrenceId, { start, end }, recurring);
      await repo.saveBooking(tx, {
        ...booking,
        // A one-off booking is its only occurrence: the booking moves with it.
        ...(!recurring && { start, end }),
        sequence: booking.sequence + 1,
        updatedAt: now(),
      });
      await audit(tx, actor, 'booking.update', booking, {
        scope: 'occurrence',
        occurrenceId,
        from: { start: current.start.toISOString(), end: current.end.toISOString() },
        to: { start: start.toISOString(), end: end.toISOString() },
        sequence: booking.sequence + 1,
      });
    });
    return load(db, id);
  }

  /** Cancels the series (every occurrence not yet over), or one occurrence. Idempotent. */
  async function cancel(
    actor: Actor,
    id: string,
    occurrenceId: string | null,
  ): Promise<BookingAggregate> {
    await db.transaction(async (tx) => {
      const booking = await load(tx, id, true);
      if (!rules.canChange(actor.identity, booking))
        throw forbidden(
          'only the organiser, the office’s staff or an admin may cancel this booking',
        );
      const occurrence =
        occurrenceId === null ? undefined : booking.occurrences.find((o) => o.id === occurrenceId);
      if (occurrenceId !== null && !occurrence)
        throw notFound(`booking ${id} has no occurrence ${occurrenceId}`);
      if (booking.status === 'cancelled' || occurrence?.status === 'cancelled') return;
      if (occurrence && occurrence.end.getTime() <= now().getTime())
        throw badRequest('that occurrence is over');
      await occurrences.cancelOccurrences(tx, id, occurrenceId, now());
      const left =
        occurrenceId === null
          ? []
          : booking.occurrences.filter((o) => o.status === 'confirmed' && o.id !== occurrenceId);
      await repo.saveBooking(tx, {
        ...booking,
        status: left.length === 0 ? 'cancelled' : 'confirmed',
        sequence: booking.sequence + 1,
        updatedAt: now(),
      });
      await audit(tx, actor, 'booking.cancel', booking, {
        scope: occurrenceId === null ? 'series' : 'occurrence',
        ...(occurrenceId !== null && { occurrenceId }),
        sequence: booking.sequence + 1,
      });
    });
    return load(db, id);
  }

  async function get(identity: StaffIdentity, id: string): Promise<BookingAggregate> {
    const booking = await load(db, id);
    if (!rules.canView(identity, booking))
      throw forbidden(
        'only the organiser, invitees, the office’s staff or an admin see this booking',
      );
    return booking;
  }

  async function list(identity: StaffIdentity, query: BookingListQuery) {
    const from = query.from === undefined ? now() : new Date(query.from);
    const to = query.to === undefined ? new Date(from.getTime() + 31 * DAY_MS) : new Date(query.to);
    if (to.getTime() <= from.getTime()) throw badRequest('to must be after from');
    if (to.getTime() - from.getTime() > 400 * DAY_MS)
      throw badRequest('the window is at most 400 days');
    let roomId: string | undefined;
    if (query.room !== undefined) {
      const room = await requireRoom(db, query.room);
      requireOffice(identity, room.officeId, 'see its bookings');
      roomId = room.id;
    } else if (query.officeId !== undefined) {
      requireOffice(identity, query.officeId, 'see its bookings');
    }
    return occurrences.listOccurrences(db, {
      roomId,
      officeId: query.officeId,
      from,
      to,
      includeCancelled: query.includeCancelled === 'true',
    });
  }

  return { create, updateSeries, updateOccurrence, cancel, get, list };
}

export type BookingService = ReturnType<typeof createBookingService>;

/** The title as stored (NFC); one that renders as nothing is refused. */
function visibleTitle(title: string): string {
  const text = normalizeText(title);
  if (!isVisibleText(text)) throw badRequest(`title ${INVISIBLE_TEXT}`);
  return text;
}

const asInput = (i: repo.Invitation): InviteeInput => ({
  ...(i.subject !== null && { subject: i.subject }),
  ...(i.email !== null && { email: i.email }),
  ...(i.name !== null && { name: i.name }),
});
