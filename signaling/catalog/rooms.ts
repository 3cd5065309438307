// Persistent rooms: repository functions over the rooms table.
import { onlyRow, type Queryable } from '../db/index.js';

export interface Room {
  id: string;
  slug: string;
  name: string;
  officeId: string;
  capacity: number;
  lobby: boolean;
  passcodeHash: string | null;
  guestsAllowed: boolean;
  chatRetentionDays: number;
  createdAt: Date;
  updatedAt: Date;
}

type RoomRow = {
  id: string;
  slug: string;
  name: string;
  office_id: string;
  capacity: number;
  lobby: boolean;
  passcode_hash: string | null;
  guests_allowed: boolean;
  chat_retention_days: number;
  created_at: Date;
  updated_at: Date;
};

const columns = `id, slug, name, office_id, capacity, lobby, passcode_hash, guests_allowed,
  chat_retention_days, created_at, updated_at`;

const toRoom = (r: RoomRow): Room => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  officeId: r.office_id,
  capacity: r.capacity,
  lobby: r.lobby,
  passcodeHash: r.passcode_hash,
  guestsAllowed: r.guests_allowed,
  chatRetentionDays: r.chat_retention_days,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function insertRoom(db: Queryable, room: Room): Promise<Room> {
  const { rows } = await db.query<RoomRow>(
    `INSERT INTO rooms (id, slug, name, office_id, capacity, lobby, passcode_hash, guests_allowed,
       chat_retention_days, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     RETURNING ${columns}`,
    [
      room.id,
      room.slug,
      room.name,
      room.officeId,
      room.capacity,
      room.lobby,
      room.passcodeHash,
      room.guestsAllowed,
      room.chatRetentionDays,
      room.createdAt,
      room.updatedAt,
    ],
  );
  return toRoom(onlyRow(rows, 'room'));
}

export async function saveRoom(db: Queryable, room: Room): Promise<Room> {
  const { rows } = await db.query<RoomRow>(
    `UPDATE rooms SET name = $2, capacity = $3, lobby = $4, passcode_hash = $5,
       guests_allowed = $6, chat_retention_days = $7, updated_at = $8
     WHERE id = $1 RETURNING ${columns}`,
    [
      room.id,
      room.name,
      room.capacity,
      room.lobby,
      room.passcodeHash,
      room.guestsAllowed,
      room.chatRetentionDays,
      room.updatedAt,
    ],
  );
  return toRoom(onlyRow(rows, 'room'));
}

export async function findRoomBySlug(db: Queryable, slug: string): Promise<Room | undefined> {
  const { rows } = await db.query<RoomRow>(`SELECT ${columns} FROM rooms WHERE slug = $1`, [slug]);
  return rows[0] && toRoom(rows[0]);
}

export async function findRoomById(db: Queryable, id: string): Promise<Room | undefined> {
  const { rows } = await db.query<RoomRow>(`SELECT ${columns} FROM rooms WHERE id = $1`, [id]);
  return rows[0] && toRoom(rows[0]);
}

/** Rooms of one office, or of every office when `officeId` is undefined. */
export async function listRooms(db: Queryable, officeId: string | undefined): Promise<Room[]> {
  const { rows } = await db.query<RoomRow>(
    `SELECT ${columns} FROM rooms WHERE $1::text IS NULL OR office_id = $1 ORDER BY slug`,
    [officeId ?? null],
  );
  return rows.map(toRoom);
}
