// SQL for the occurrences of bookings: the rows the EXCLUDE constraint covers.
// Lists of values go in as one JSON parameter (jsonb_to_recordset), the same
// on pg and PGlite.
import type { Queryable } from '../db/index.js';
import type { Slot } from './recurrence.js';
import {
  occurrenceColumns,
  toOccurrence,
  type Occurrence,
  type OccurrenceRow,
} from './repository.js';

export async function insertOccurrences(
  tx: Queryable,
  bookingId: string,
  roomId: string,
  slots: readonly (Slot & { id: string })[],
): Promise<void> {
  await tx.query(
    `INSERT INTO booking_occurrences (id, booking_id, room_id, original_start, starts_at, ends_at)
     SELECT s.id, $1, $2, s.original_start, s.starts_at, s.ends_at
     FROM jsonb_to_recordset($3::jsonb)
       AS s(id uuid, original_start timestamptz, starts_at timestamptz, ends_at timestamptz)`,
    [
      bookingId,
      roomId,
      JSON.stringify(
        slots.map((s) => ({
          id: s.id,
          original_start: s.originalStart.toISOString(),
          starts_at: s.start.toISOString(),
          ends_at: s.end.toISOString(),
        })),
      ),
    ],
  );
}

/** Removes occurrences not yet started (a series being re-planned). */
export async function deleteOccurrencesFrom(
  tx: Queryable,
  bookingId: string,
  from: Date,
): Promise<void> {
  await tx.query('DELETE FROM booking_occurrences WHERE booking_id = $1 AND starts_at >= $2', [
    bookingId,
    from,
  ]);
}

export async function moveOccurrence(
  tx: Queryable,
  occurrenceId: string,
  slot: { start: Date; end: Date },
  modified: boolean,
): Promise<void> {
  await tx.query(
    'UPDATE booking_occurrences SET starts_at = $2, ends_at = $3, modified = $4 WHERE id = $1',
    [occurrenceId, slot.start, slot.end, modified],
  );
}

/** Cancels one occurrence, or every occurrence not yet ended when `occurrenceId` is null. */
export async function cancelOccurrences(
  tx: Queryable,
  bookingId: string,
  occurrenceId: string | null,
  notEndedBy: Date,
): Promise<number> {
  const { rowCount } = await tx.query(
    `UPDATE booking_occurrences SET status = 'cancelled'
     WHERE booking_id = $1 AND status = 'confirmed'
       AND ($2::uuid IS NULL AND ends_at > $3 OR id = $2::uuid)`,
    [bookingId, occurrenceId, notEndedBy],
  );
  return rowCount;
}

export interface OccurrenceInWindow extends Occurrence {
  roomSlug: string;
  title: string;
  organiser: string;
  timeZone: string;
}

export async function listOccurrences(
  db: Queryable,
  filter: {
    roomId?: string | undefined;
    officeId?: string | undefined;
    from: Date;
    to: Date;
    includeCancelled: boolean;
  },
): Promise<OccurrenceInWindow[]> {
  const { rows } = await db.query<
    OccurrenceRow & { room_slug: string; title: string; organiser: string; time_zone: string }
  >(
    `SELECT ${occurrenceColumns}, r.slug AS room_slug, b.title, b.organiser, b.time_zone
     FROM booking_occurrences o
     JOIN bookings b ON b.id = o.booking_id JOIN rooms r ON r.id = o.room_id
     WHERE ($1::uuid IS NULL OR o.room_id = $1::uuid) AND ($2::text IS NULL OR r.office_id = $2)
       AND o.during && tstzrange($3, $4, '[)')
       AND ($5 OR o.status = 'confirmed')
     ORDER BY o.starts_at, r.slug
     LIMIT 2000`,
    [
      filter.roomId ?? null,
      filter.officeId ?? null,
      filter.from,
      filter.to,
      filter.includeCancelled,
    ],
  );
  return rows.map((r) => ({
    ...toOccurrence(r),
    roomSlug: r.room_slug,
    title: r.title,
    organiser: r.organiser,
    timeZone: r.time_zone,
  }));
}
