// Entry policy for a deployment with a database: persistent rooms follow
// their settings and bookings (the organiser hosts during a booked slot,
// named co-hosts co-host, invitees skip the lobby); other names fall back to
// the ad-hoc policy (embedded mode, or ADHOC_ROOMS).
import { effectiveRoomPolicy } from '../bookings/policy.js';
import type { Queryable } from '../db/index.js';
import type { EntryPolicy } from './entryPolicy.js';

export function createBookedRoomPolicy(
  db: Queryable,
  fallback: EntryPolicy,
  now: () => Date = () => new Date(),
): EntryPolicy {
  return {
    async decide(room, identity, roomHasHost) {
      const policy = await effectiveRoomPolicy(db, room, identity, now());
      if (!policy.exists) return fallback.decide(room, identity, roomHasHost);
      if (identity.kind === 'guest' && !policy.guestsAllowed) {
        return {
          exists: true,
          role: 'guest',
          skipLobby: false,
          lobbyByDefault: true,
          refusal: { code: 'FORBIDDEN', message: 'this room does not admit guests' },
        };
      }
      let initialPasscodeHash: string | undefined;
      if (policy.passcodeRequired) {
        const rows = await db.query<{ passcode_hash: string | null }>(
          'SELECT passcode_hash FROM rooms WHERE slug = $1',
          [room],
        );
        initialPasscodeHash = rows.rows[0]?.passcode_hash ?? undefined;
      }
      return {
        exists: true,
        role: policy.role,
        skipLobby: policy.skipLobby,
        lobbyByDefault: policy.lobby,
        initialPasscodeHash,
      };
    },
  };
}
