// Meeting history: each actual session of a room, who joined when and for
// how long. Signaling calls the four recorders; the API reads the queries.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/index.js';

export interface MeetingStart {
  /** The meeting's id (signaling assigns it when the room's state is created). */
  id?: string;
  roomSlug: string;
  at: Date;
}

export interface PeerJoin {
  peerId: string;
  /** Staff subject, `guest:<inviteId>` or `anon:<peerId>`. */
  userKey: string;
  displayName: string;
  at: Date;
}

/** Opens a meeting record; links it to the room and to the booked slot running at `at`, if any. */
export async function meetingStarted(db: Queryable, start: MeetingStart): Promise<string> {
  const id = start.id ?? randomUUID();
  await db.query(
    `INSERT INTO meetings (id, room_slug, room_id, occurrence_id, started_at)
     SELECT $1, $2::text, r.id,
       (SELECT o.id FROM booking_occurrences o
        WHERE o.room_id = r.id AND o.status = 'confirmed' AND o.during @> $3::timestamptz
        LIMIT 1),
       $3
     FROM (SELECT $2::text AS slug) s LEFT JOIN rooms r ON r.slug = s.slug`,
    [id, start.roomSlug, start.at],
  );
  return id;
}

export async function peerJoined(db: Queryable, meetingId: string, join: PeerJoin): Promise<void> {
  await db.query(
    `INSERT INTO meeting_participants (id, meeting_id, peer_id, user_key, display_name, joined_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [randomUUID(), meetingId, join.peerId, join.userKey, join.displayName, join.at],
  );
  await db.query(
    `UPDATE meetings SET peak_participants = greatest(peak_participants,
       (SELECT count(*) FROM meeting_participants WHERE meeting_id = $1 AND left_at IS NULL))
     WHERE id = $1`,
    [meetingId],
  );
}

export async function peerLeft(
  db: Queryable,
  meetingId: string,
  peerId: string,
  at: Date,
): Promise<void> {
  await db.query(
    `UPDATE meeting_participants SET left_at = $3
     WHERE meeting_id = $1 AND peer_id = $2 AND left_at IS NULL`,
    [meetingId, peerId, at],
  );
}

/** Closes the meeting and the stay of everyone still in it. */
export async function meetingEnded(db: Queryable, meetingId: string, at: Date): Promise<void> {
  await db.query(
    'UPDATE meeting_participants SET left_at = $2 WHERE meeting_id = $1 AND left_at IS NULL',
    [meetingId, at],
  );
  await db.query('UPDATE meetings SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL', [
    meetingId,
    at,
  ]);
}

export interface ParticipantRecord {
  peerId: string;
  userKey: string;
  displayName: string;
  joinedAt: Date;
  leftAt: Date | null;
  /** Whole seconds present; up to now for someone still in the meeting. */
  seconds: number;
}

export interface MeetingRecord {
  id: string;
  roomSlug: string;
  occurrenceId: string | null;
  startedAt: Date;
  endedAt: Date | null;
  peakParticipants: number;
  participants: ParticipantRecord[];
}

export interface HistoryQuery {
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  now: Date;
}

type MeetingRow = {
  id: string;
  room_slug: string;
  occurrence_id: string | null;
  started_at: Date;
  ended_at: Date | null;
  peak_participants: number;
};

type ParticipantRow = {
  meeting_id: string;
  peer_id: string;
  user_key: string;
  display_name: string;
  joined_at: Date;
  left_at: Date | null;
};

async function withParticipants(
  db: Queryable,
  meetings: MeetingRow[],
  now: Date,
): Promise<MeetingRecord[]> {
  if (meetings.length === 0) return [];
  const { rows } = await db.query<ParticipantRow>(
    `SELECT meeting_id, peer_id, user_key, display_name, joined_at, left_at
     FROM meeting_participants
     WHERE meeting_id IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid)
     ORDER BY joined_at, peer_id`,
    [JSON.stringify(meetings.map((m) => m.id))],
  );
  return meetings.map((m) => ({
    id: m.id,
    roomSlug: m.room_slug,
    occurrenceId: m.occurrence_id,
    startedAt: m.started_at,
    endedAt: m.ended_at,
    peakParticipants: m.peak_participants,
    participants: rows
      .filter((p) => p.meeting_id === m.id)
      .map((p) => ({
        peerId: p.peer_id,
        userKey: p.user_key,
        displayName: p.display_name,
        joinedAt: p.joined_at,
        leftAt: p.left_at,
        seconds: Math.max(
          0,
          Math.floor(((p.left_at ?? now).getTime() - p.joined_at.getTime()) / 1000),
        ),
      })),
  }));
}

const inWindow = `($2::timestamptz IS NULL OR coalesce(m.ended_at, 'infinity') >= $2)
  AND ($3::timestamptz IS NULL OR m.started_at < $3)`;

/** Newest first. */
export async function meetingsOfRoom(
  db: Queryable,
  roomSlug: string,
  query: HistoryQuery,
): Promise<MeetingRecord[]> {
  const { rows } = await db.query<MeetingRow>(
    `SELECT m.id, m.room_slug, m.occurrence_id, m.started_at, m.ended_at, m.peak_participants
     FROM meetings m WHERE m.room_slug = $1 AND ${inWindow}
     ORDER BY m.started_at DESC LIMIT $4`,
    [roomSlug, query.from ?? null, query.to ?? null, query.limit],
  );
  return withParticipants(db, rows, query.now);
}

/** Meetings in the office's persistent rooms, newest first. */
export async function meetingsOfOffice(
  db: Queryable,
  officeId: string,
  query: HistoryQuery,
): Promise<MeetingRecord[]> {
  const { rows } = await db.query<MeetingRow>(
    `SELECT m.id, m.room_slug, m.occurrence_id, m.started_at, m.ended_at, m.peak_participants
     FROM meetings m JOIN rooms r ON r.id = m.room_id
     WHERE r.office_id = $1 AND ${inWindow}
     ORDER BY m.started_at DESC LIMIT $4`,
    [officeId, query.from ?? null, query.to ?? null, query.limit],
  );
  return withParticipants(db, rows, query.now);
}
