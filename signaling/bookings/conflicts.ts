// Overlaps, found and reported: the database refuses them (EXCLUDE); this
// finds every colliding occurrence so a 409 can name them all.
import { conflict } from '../core/domainError.js';
import type { Queryable } from '../db/index.js';
import { conflictDetails } from './views.js';

export interface Conflict {
  requested: { start: Date; end: Date };
  booking: { id: string; title: string; occurrenceId: string; start: Date; end: Date };
}

/**
 * Confirmed occurrences of the room that overlap any requested slot, except
 * those listed in `ignore` (the ones a change is about to replace).
 */
export async function findConflicts(
  db: Queryable,
  roomId: string,
  slots: readonly { start: Date; end: Date }[],
  ignore: readonly string[] = [],
): Promise<Conflict[]> {
  const { rows } = await db.query<{
    idx: number;
    req_start: Date;
    req_end: Date;
    booking_id: string;
    title: string;
    occurrence_id: string;
    starts_at: Date;
    ends_at: Date;
  }>(
    `SELECT s.idx, s.starts_at AS req_start, s.ends_at AS req_end, o.booking_id, b.title,
       o.id AS occurrence_id, o.starts_at, o.ends_at
     FROM jsonb_to_recordset($2::jsonb) AS s(idx integer, starts_at timestamptz, ends_at timestamptz)
     JOIN booking_occurrences o ON o.room_id = $1 AND o.status = 'confirmed'
       AND o.during && tstzrange(s.starts_at, s.ends_at, '[)')
     JOIN bookings b ON b.id = o.booking_id
     WHERE o.id NOT IN (SELECT (jsonb_array_elements_text($3::jsonb))::uuid)
     ORDER BY s.idx, o.starts_at
     LIMIT 50`,
    [
      roomId,
      JSON.stringify(
        slots.map((s, idx) => ({
          idx,
          starts_at: s.start.toISOString(),
          ends_at: s.end.toISOString(),
        })),
      ),
      JSON.stringify(ignore),
    ],
  );
  return rows.map((r) => ({
    requested: { start: r.req_start, end: r.req_end },
    booking: {
      id: r.booking_id,
      title: r.title,
      occurrenceId: r.occurrence_id,
      start: r.starts_at,
      end: r.ends_at,
    },
  }));
}

export function conflictError(conflicts: readonly Conflict[]) {
  const first = conflicts[0];
  const what = first
    ? `${first.requested.start.toISOString()} collides with “${first.booking.title}” ` +
      `(${first.booking.start.toISOString()}–${first.booking.end.toISOString()})`
    : 'the requested time collides with another booking';
  return conflict(`the room is already booked: ${what}`, conflictDetails(conflicts));
}

/** Throws the 409 when any requested slot collides with a confirmed occurrence. */
export async function refuseConflicts(
  db: Queryable,
  roomId: string,
  slots: readonly { start: Date; end: Date }[],
  ignore: readonly string[],
): Promise<void> {
  const conflicts = await findConflicts(db, roomId, slots, ignore);
  if (conflicts.length > 0) throw conflictError(conflicts);
}
