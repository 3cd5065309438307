// Who may enter which room, and as what. Embedded mode: ad-hoc rooms where
// the first joiner hosts. Production: ad-hoc rooms only when enabled, and
// nobody hosts by arriving first (persistent and booked rooms come from the
// persistence layer through this same interface).
import type { Identity } from '../auth/identity.js';
import type { MeetingRole } from '../protocol/roles.js';

export interface EntryDecision {
  /** The room may be entered at all (exists, or ad-hoc rooms allowed). */
  readonly exists: boolean;
  /** The role this person gets when they enter. */
  readonly role: MeetingRole;
  /** Skips the lobby even if the room has one (invited, or a moderator). */
  readonly skipLobby: boolean;
  /** Whether a room created by this entry starts with a lobby. */
  readonly lobbyByDefault: boolean;
  /** The persistent room's passcode hash, for a meeting created by this entry. */
  readonly initialPasscodeHash?: string | undefined;
  /** The room exists but will not have this person (e.g. no guests allowed). */
  readonly refusal?: { code: 'FORBIDDEN'; message: string } | undefined;
}

export interface EntryPolicy {
  /** `roomIsEmpty`: nobody is in the room's control state yet. */
  decide(room: string, identity: Identity, roomHasHost: boolean): Promise<EntryDecision>;
}

export function createAdHocPolicy(options: {
  mode: 'embedded' | 'production';
  adHocRooms: boolean;
}): EntryPolicy {
  return {
    async decide(room, identity, roomHasHost) {
      const allowed = options.mode === 'embedded' || options.adHocRooms;
      if (!allowed)
        return { exists: false, role: 'guest', skipLobby: false, lobbyByDefault: false };
      let role: MeetingRole;
      if (identity.kind === 'guest') role = identity.role;
      else if (options.mode === 'embedded') role = roomHasHost ? 'participant' : 'host';
      else if (identity.kind === 'staff' && identity.globalRole === 'admin') role = 'host';
      else role = 'participant';
      return {
        exists: true,
        role,
        skipLobby: role === 'host' || role === 'cohost',
        // Embedded rooms are for trying Veche: no lobby unless a host turns it on.
        lobbyByDefault: options.mode === 'production',
      };
    },
  };
}
