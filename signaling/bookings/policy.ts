// Bookings drive meetings: during a booked slot the organiser hosts, named
// co-hosts co-host and invitees skip the lobby; otherwise the room's own
// settings apply. `decideRoomPolicy` is the rule (pure); `effectiveRoomPolicy`
// loads what it needs.
import type { Identity } from '../auth/identity.js';
import type { MeetingRole } from '../protocol/roles.js';
import type { Queryable } from '../db/index.js';

export interface RoomPolicy {
  /** A persistent room of that name exists. */
  exists: boolean;
  role: MeetingRole;
  /** Straight in, even when the room has a lobby (and no passcode asked). */
  skipLobby: boolean;
  lobby: boolean;
  passcodeRequired: boolean;
  guestsAllowed: boolean;
  /** The booking whose slot is running, if any. */
  bookingId: string | undefined;
}

export interface PolicyRoom {
  officeId: string;
  lobby: boolean;
  passcodeSet: boolean;
  guestsAllowed: boolean;
}

export interface ActiveSlot {
  bookingId: string;
  organiser: string;
  cohosts: readonly string[];
  invitees: readonly string[];
}

/** The role someone has by who they are, before bookings and offices count. */
function baseRole(roomSlug: string, identity: Identity): MeetingRole {
  if (identity.kind === 'staff') return 'participant';
  // An invite grants its role in its own room only.
  if (identity.kind === 'guest' && identity.room === roomSlug) return identity.role;
  return 'guest';
}

export function decideRoomPolicy(
  roomSlug: string,
  room: PolicyRoom | undefined,
  slot: ActiveSlot | undefined,
  identity: Identity,
): RoomPolicy {
  const outsiderRole = baseRole(roomSlug, identity);
  if (!room)
    return {
      exists: false,
      role: outsiderRole,
      skipLobby: false,
      lobby: false,
      passcodeRequired: false,
      guestsAllowed: true,
      bookingId: undefined,
    };
  let role = outsiderRole;
  let skipLobby = false;
  if (identity.kind === 'staff') {
    const who = identity.subject;
    if (slot) {
      if (who === slot.organiser) role = 'host';
      else if (slot.cohosts.includes(who)) role = 'cohost';
      skipLobby = role !== 'participant' || slot.invitees.includes(who);
    } else if (identity.office === room.officeId) {
      // Outside bookings the owning office runs its room.
      role = 'host';
      skipLobby = true;
    }
  }
  return {
    exists: true,
    role,
    skipLobby,
    lobby: room.lobby,
    passcodeRequired: room.passcodeSet && !skipLobby,
    guestsAllowed: room.guestsAllowed,
    bookingId: slot?.bookingId,
  };
}

export async function effectiveRoomPolicy(
  db: Queryable,
  roomSlug: string,
  identity: Identity,
  at: Date,
): Promise<RoomPolicy> {
  const rooms = await db.query<{
    id: string;
    office_id: string;
    lobby: boolean;
    passcode_set: boolean;
    guests_allowed: boolean;
  }>(
    `SELECT id, office_id, lobby, passcode_hash IS NOT NULL AS passcode_set, guests_allowed
     FROM rooms WHERE slug = $1`,
    [roomSlug],
  );
  const room = rooms.rows[0];
  if (!room) return decideRoomPolicy(roomSlug, undefined, undefined, identity);
  const slots = await db.query<{ booking_id: string; organiser: string }>(
    `SELECT o.booking_id, b.organiser FROM booking_occurrences o
     JOIN bookings b ON b.id = o.booking_id
     WHERE o.room_id = $1 AND o.status = 'confirmed' AND o.during @> $2::timestamptz`,
    [room.id, at],
  );
  const active = slots.rows[0];
  let slot: ActiveSlot | undefined;
  if (active) {
    const invited = await db.query<{ subject: string; role: 'attendee' | 'cohost' }>(
      'SELECT subject, role FROM invitations WHERE booking_id = $1 AND subject IS NOT NULL',
      [active.booking_id],
    );
    slot = {
      bookingId: active.booking_id,
      organiser: active.organiser,
      cohosts: invited.rows.filter((i) => i.role === 'cohost').map((i) => i.subject),
      invitees: invited.rows.filter((i) => i.role === 'attendee').map((i) => i.subject),
    };
  }
  return decideRoomPolicy(
    roomSlug,
    {
      officeId: room.office_id,
      lobby: room.lobby,
      passcodeSet: room.passcode_set,
      guestsAllowed: room.guests_allowed,
    },
    slot,
    identity,
  );
}
