// Room use cases: who may see and change which rooms, and the view returned.
import { randomUUID } from 'node:crypto';
import type { StaffIdentity } from '../auth/identity.js';
import { conflict, forbidden, notFound } from '../core/domainError.js';
import { isDatabaseError, SqlState, type Queryable } from '../db/index.js';
import { getOffice } from './offices.js';
import { hashPasscode } from './passcode.js';
import { requireOffice } from './permissions.js';
import type { CreateRoomInput, RoomView, UpdateRoomInput } from '../protocol/api/rooms.js';
import { findRoomBySlug, insertRoom, listRooms, saveRoom, type Room } from './rooms.js';

export const joinUrl = (publicUrl: string, slug: string) =>
  `${publicUrl.replace(/\/+$/, '')}/r/${encodeURIComponent(slug)}`;

export function roomView(room: Room, publicUrl: string): RoomView {
  return {
    id: room.id,
    slug: room.slug,
    name: room.name,
    officeId: room.officeId,
    capacity: room.capacity,
    lobby: room.lobby,
    passcodeSet: room.passcodeHash !== null,
    guestsAllowed: room.guestsAllowed,
    chatRetentionDays: room.chatRetentionDays,
    joinUrl: joinUrl(publicUrl, room.slug),
    createdAt: room.createdAt.toISOString(),
    updatedAt: room.updatedAt.toISOString(),
  };
}

export async function requireRoom(db: Queryable, slug: string): Promise<Room> {
  const room = await findRoomBySlug(db, slug);
  if (!room) throw notFound(`room ${slug} does not exist`);
  return room;
}

export async function createRoom(
  db: Queryable,
  identity: StaffIdentity,
  input: CreateRoomInput,
  now: Date,
): Promise<Room> {
  const officeId = input.officeId ?? identity.office;
  if (officeId === undefined) throw forbidden('you belong to no office; name one in officeId');
  requireOffice(identity, officeId, 'create its rooms');
  if (!(await getOffice(db, officeId))) throw notFound(`office ${officeId} does not exist`);
  try {
    return await insertRoom(db, {
      id: randomUUID(),
      slug: input.slug,
      name: input.name,
      officeId,
      capacity: input.capacity,
      lobby: input.lobby,
      passcodeHash: input.passcode === null ? null : await hashPasscode(input.passcode),
      guestsAllowed: input.guestsAllowed,
      chatRetentionDays: input.chatRetentionDays,
      createdAt: now,
      updatedAt: now,
    });
  } catch (error) {
    if (isDatabaseError(error, SqlState.uniqueViolation))
      throw conflict(`a room named ${input.slug} already exists`);
    throw error;
  }
}

export async function updateRoom(
  db: Queryable,
  identity: StaffIdentity,
  slug: string,
  patch: UpdateRoomInput,
  now: Date,
): Promise<Room> {
  const room = await requireRoom(db, slug);
  requireOffice(identity, room.officeId, 'change its rooms');
  let passcodeHash = room.passcodeHash;
  if (patch.passcode !== undefined)
    passcodeHash = patch.passcode === null ? null : await hashPasscode(patch.passcode);
  return saveRoom(db, {
    ...room,
    name: patch.name ?? room.name,
    capacity: patch.capacity ?? room.capacity,
    lobby: patch.lobby ?? room.lobby,
    passcodeHash,
    guestsAllowed: patch.guestsAllowed ?? room.guestsAllowed,
    chatRetentionDays: patch.chatRetentionDays ?? room.chatRetentionDays,
    updatedAt: now,
  });
}

export async function viewRoom(
  db: Queryable,
  identity: StaffIdentity,
  slug: string,
): Promise<Room> {
  const room = await requireRoom(db, slug);
  requireOffice(identity, room.officeId, 'see its rooms');
  return room;
}

/** Admins see every office's rooms (or one office's); staff see their own office's. */
export async function roomsFor(
  db: Queryable,
  identity: StaffIdentity,
  officeId: string | undefined,
): Promise<Room[]> {
  if (identity.globalRole === 'admin') return listRooms(db, officeId);
  const own = identity.office;
  if (own === undefined || (officeId !== undefined && officeId !== own))
    throw forbidden('staff see only their own office’s rooms');
  return listRooms(db, own);
}
