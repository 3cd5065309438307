// A room's control state: who is in it with which role, who waits in the
// lobby, who is banned, raised hands and settings. It lives in the room-state
// store (memory or Redis) so any signaling node can serve any peer; it is
// plain JSON so the Redis store can keep it as one value.
import type { MeetingRole } from '../protocol/roles.js';
import type { LobbyEntry, RoomSettings } from '../protocol/index.js';

export interface MemberState {
  readonly peerId: string;
  /** Stable person id: staff subject, `guest:<inviteId>` or `anon:<id>`. */
  readonly userId: string;
  readonly displayName: string;
  readonly guest: boolean;
  role: MeetingRole;
  /** The signaling node and socket that serve this peer. */
  readonly node: string;
  readonly socketId: string;
  readonly joinedAt: number;
  /** Set while the connection is down and the peer may still resume. */
  disconnectedAt?: number | undefined;
}

export interface LobbyState {
  readonly peerId: string;
  readonly userId: string;
  readonly displayName: string;
  readonly guest: boolean;
  readonly role: MeetingRole;
  readonly node: string;
  readonly socketId: string;
  readonly since: number;
}

export interface RoomControl {
  readonly name: string;
  settings: { locked: boolean; lobby: boolean; chatEnabled: boolean; screenShareAllowed: boolean };
  /** scrypt hash (see passcode.ts), never the passcode. */
  passcodeHash: string | undefined;
  members: Record<string, MemberState>;
  lobby: Record<string, LobbyState>;
  /** People admitted from the lobby in this meeting: they skip it on rejoin. */
  admitted: string[];
  banned: string[];
  /** Raised hands, oldest first. */
  hands: string[];
  /**
   * The member the SFU last named the dominant speaker: a newcomer (on any
   * node) starts from it instead of waiting for the next change.
   */
  activeSpeaker?: string | undefined;
  /** The meeting (history record) running since the first member joined. */
  meetingId?: string | undefined;
  /** When that meeting began (epoch ms, the server's clock). */
  meetingStartedAt?: number | undefined;
}

export function newRoomControl(name: string, lobby: boolean): RoomControl {
  return {
    name,
    settings: { locked: false, lobby, chatEnabled: true, screenShareAllowed: true },
    passcodeHash: undefined,
    members: {},
    lobby: {},
    admitted: [],
    banned: [],
    hands: [],
  };
}

export function settingsView(control: RoomControl): RoomSettings {
  return { ...control.settings, hasPasscode: control.passcodeHash !== undefined };
}

export function lobbyView(control: RoomControl): LobbyEntry[] {
  return Object.values(control.lobby)
    .sort((a, b) => a.since - b.since)
    .map((e) => ({
      peerId: e.peerId,
      displayName: e.displayName,
      guest: e.guest,
      waitingSince: e.since,
    }));
}

export function membersWithRole(
  control: RoomControl,
  roles: readonly MeetingRole[],
): MemberState[] {
  return Object.values(control.members).filter((m) => roles.includes(m.role));
}

/** A member is gone for good: nothing may keep pointing at them. */
export function forgetMember(control: RoomControl, peerId: string): void {
  delete control.members[peerId];
  control.hands = control.hands.filter((p) => p !== peerId);
  if (control.activeSpeaker === peerId) control.activeSpeaker = undefined;
}

export const isModerator = (role: MeetingRole): boolean => role === 'host' || role === 'cohost';
