// SQL for bookings and their invitations (occurrences: occurrences.ts). Lists of values go
// in as one JSON parameter (jsonb_to_recordset), the same on pg and PGlite.
import type { Queryable } from '../db/index.js';

export type Status = 'confirmed' | 'cancelled';

export interface Booking {
  id: string;
  roomId: string;
  organiser: string;
  title: string;
  description: string;
  timeZone: string;
  start: Date;
  end: Date;
  rrule: string | null;
  exdates: Date[];
  status: Status;
  sequence: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface Occurrence {
  id: string;
  bookingId: string;
  originalStart: Date;
  start: Date;
  end: Date;
  modified: boolean;
  status: Status;
}

export interface Invitation {
  subject: string | null;
  email: string | null;
  name: string | null;
  role: 'attendee' | 'cohost';
}

/** A booking with everything shown about it. */
export interface BookingAggregate extends Booking {
  room: { id: string; slug: string; name: string; officeId: string; capacity: number };
  organiserName: string;
  occurrences: Occurrence[];
  invitations: Invitation[];
}

type BookingRow = {
  id: string;
  room_id: string;
  organiser: string;
  title: string;
  description: string;
  time_zone: string;
  starts_at: Date;
  ends_at: Date;
  rrule: string | null;
  exdates: string[];
  status: Status;
  sequence: number;
  created_at: Date;
  updated_at: Date;
};

const toBooking = (r: BookingRow): Booking => ({
  id: r.id,
  roomId: r.room_id,
  organiser: r.organiser,
  title: r.title,
  description: r.description,
  timeZone: r.time_zone,
  start: r.starts_at,
  end: r.ends_at,
  rrule: r.rrule,
  exdates: r.exdates.map((d) => new Date(d)),
  status: r.status,
  sequence: r.sequence,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export type OccurrenceRow = {
  id: string;
  booking_id: string;
  original_start: Date;
  starts_at: Date;
  ends_at: Date;
  modified: boolean;
  status: Status;
};

export const toOccurrence = (r: OccurrenceRow): Occurrence => ({
  id: r.id,
  bookingId: r.booking_id,
  originalStart: r.original_start,
  start: r.starts_at,
  end: r.ends_at,
  modified: r.modified,
  status: r.status,
});

const bookingColumns = `b.id, b.room_id, b.organiser, b.title, b.description, b.time_zone,
  b.starts_at, b.ends_at, b.rrule, b.exdates, b.status, b.sequence, b.created_at, b.updated_at`;
export const occurrenceColumns = `o.id, o.booking_id, o.original_start, o.starts_at, o.ends_at,
  o.modified, o.status`;

/**
 * Takes the room's booking lock for the rest of the transaction. Every change
 * to a room's bookings takes it first, so they queue in one order instead of
 * meeting in the EXCLUDE constraint (or a booking's row) from two sides.
 * NO KEY UPDATE: inserts that merely reference the room are not held up.
 */
export async function lockRoomBookings(tx: Queryable, roomId: string): Promise<void> {
  await tx.query('SELECT 1 FROM rooms WHERE id = $1 FOR NO KEY UPDATE', [roomId]);
}

export async function insertBooking(tx: Queryable, b: Booking): Promise<void> {
  await tx.query(
    `INSERT INTO bookings (id, room_id, organiser, title, description, time_zone, starts_at,
       ends_at, rrule, exdates, status, sequence, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14)`,
    [
      b.id,
      b.roomId,
      b.organiser,
      b.title,
      b.description,
      b.timeZone,
      b.start,
      b.end,
      b.rrule,
      JSON.stringify(b.exdates.map((d) => d.toISOString())),
      b.status,
      b.sequence,
      b.createdAt,
      b.updatedAt,
    ],
  );
}

/** Writes the booking's changeable fields and its sequence. */
export async function saveBooking(tx: Queryable, b: Booking): Promise<void> {
  await tx.query(
    `UPDATE bookings SET title = $2, description = $3, time_zone = $4, starts_at = $5,
       ends_at = $6, rrule = $7, exdates = $8::jsonb, status = $9, sequence = $10, updated_at = $11
     WHERE id = $1`,
    [
      b.id,
      b.title,
      b.description,
      b.timeZone,
      b.start,
      b.end,
      b.rrule,
      JSON.stringify(b.exdates.map((d) => d.toISOString())),
      b.status,
      b.sequence,
      b.updatedAt,
    ],
  );
}

export async function replaceInvitations(
  tx: Queryable,
  bookingId: string,
  invitations: readonly Invitation[],
  newId: () => string,
): Promise<void> {
  await tx.query('DELETE FROM invitations WHERE booking_id = $1', [bookingId]);
  if (invitations.length === 0) return;
  await tx.query(
    `INSERT INTO invitations (id, booking_id, subject, email, name, role)
     SELECT i.id, $1, i.subject, i.email, i.name, i.role
     FROM jsonb_to_recordset($2::jsonb) AS i(id uuid, subject text, email text, name text, role text)`,
    [bookingId, JSON.stringify(invitations.map((i) => ({ id: newId(), ...i })))],
  );
}

export async function loadBooking(
  db: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<BookingAggregate | undefined> {
  const { rows } = await db.query<
    BookingRow & {
      room_slug: string;
      room_name: string;
      office_id: string;
      capacity: number;
      organiser_name: string | null;
    }
  >(
    `SELECT ${bookingColumns}, r.slug AS room_slug, r.name AS room_name, r.office_id, r.capacity,
       u.display_name AS organiser_name
     FROM bookings b JOIN rooms r ON r.id = b.room_id LEFT JOIN users u ON u.subject = b.organiser
     WHERE b.id = $1 ${options.forUpdate ? 'FOR UPDATE OF b' : ''}`,
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  const occurrences = await db.query<OccurrenceRow>(
    `SELECT ${occurrenceColumns} FROM booking_occurrences o WHERE o.booking_id = $1
     ORDER BY o.original_start`,
    [id],
  );
  const invitations = await db.query<{ [K in keyof Invitation]: Invitation[K] }>(
    `SELECT subject, email, name, role FROM invitations WHERE booking_id = $1
     ORDER BY role DESC, coalesce(name, subject, email)`,
    [id],
  );
  return {
    ...toBooking(row),
    room: {
      id: row.room_id,
      slug: row.room_slug,
      name: row.room_name,
      officeId: row.office_id,
      capacity: row.capacity,
    },
    organiserName: row.organiser_name ?? row.organiser,
    occurrences: occurrences.rows.map(toOccurrence),
    invitations: invitations.rows,
  };
}

/** Bookings of an office's rooms still relevant to a calendar (not ended before `since`). */
export async function bookingIdsOfOffice(
  db: Queryable,
  officeId: string,
  since: Date,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT b.id FROM bookings b JOIN rooms r ON r.id = b.room_id
     WHERE r.office_id = $1 AND b.status = 'confirmed'
       AND EXISTS (SELECT 1 FROM booking_occurrences o WHERE o.booking_id = b.id AND o.ends_at >= $2)
     ORDER BY b.starts_at LIMIT 500`,
    [officeId, since],
  );
  return rows.map((r) => r.id);
}
