// What a visit to a room knows, as one immutable value: where we are in it
// (phase), who we are, the others, room settings, raised hands and — for
// hosts and co-hosts — the lobby queue. Pure functions from one to the next.
import type {
  LobbyEntry,
  MeetingRoleName,
  NotificationPayload,
  ResponseData,
  RoomSettings,
} from '../../../signaling/protocol/index.js';
import type { LocalTracks } from '../media/localMedia.js';
import type { SignalingError } from '../signaling/client.js';
import { linkDown, steadyLink, type MediaLink } from './mediaLink.js';
import { peersFromJoin, type Peers } from './peers.js';

export type Phase =
  | 'idle'
  | 'joining'
  /** Waiting in the lobby for a host. */
  | 'lobby'
  | 'joined'
  | 'reconnecting'
  | 'left'
  | 'failed'
  /** A host turned us away from the lobby. */
  | 'denied'
  /** Removed, banned, or the meeting ended. */
  | 'removed';

export type RemovedReason = NotificationPayload<'removed'>['reason'];
export type JoinedReply = Extract<ResponseData<'join'>, { status: 'joined' }>;

export type Notice =
  | { readonly key: 'noDevices' | 'noCamera' | 'noMic' }
  | { readonly key: 'mediaFailed'; readonly message: string };

export interface Self {
  readonly peerId: string;
  /** As the server shows it (staff names come from the token). */
  readonly displayName: string;
  readonly role: MeetingRoleName;
}

export interface RoomState {
  readonly phase: Phase;
  /** Known once joined. */
  readonly self: Self | undefined;
  readonly peers: Peers;
  readonly settings: RoomSettings;
  /** Raised hands, oldest first (peer ids, ours included). */
  readonly hands: readonly string[];
  /** The lobby queue, oldest first; only hosts and co-hosts get it. */
  readonly lobby: readonly LobbyEntry[];
  /** Ours, once the devices answered. */
  readonly localTracks: LocalTracks | undefined;
  readonly notices: readonly Notice[];
  /** Why the phase is 'failed'. */
  readonly error: SignalingError | undefined;
  /** Why the phase is 'removed'. */
  readonly removedReason: RemovedReason | undefined;
  /** When the meeting began, on this browser's clock (epoch ms), if the server said. */
  readonly meetingSince: number | undefined;
  /** Our media path, apart from signaling (mediaLink.ts). */
  readonly mediaLink: MediaLink;
}

export type StateChange = (state: RoomState) => RoomState;

export const defaultSettings: RoomSettings = {
  locked: false,
  lobby: false,
  hasPasscode: false,
  chatEnabled: true,
  screenShareAllowed: true,
};

export const initialRoomState: RoomState = {
  phase: 'idle',
  self: undefined,
  peers: new Map(),
  settings: defaultSettings,
  hands: [],
  lobby: [],
  localTracks: undefined,
  notices: [],
  error: undefined,
  removedReason: undefined,
  meetingSince: undefined,
  mediaLink: steadyLink,
};

export const isModeratorRole = (role: MeetingRoleName | undefined): boolean =>
  role === 'host' || role === 'cohost';

/**
 * The "reconnecting audio and video" notice: only in the meeting, so never
 * together with the signaling banner, which says more while it is down.
 */
export const mediaReconnecting = (state: RoomState): boolean =>
  state.phase === 'joined' && linkDown(state.mediaLink);

/** The state the join reply describes (peers, settings, hands, lobby, the meeting's start). */
export function fromJoined(
  state: RoomState,
  reply: JoinedReply,
  now: number = Date.now(),
): RoomState {
  return {
    ...state,
    phase: 'joined',
    self: { peerId: reply.peerId, displayName: reply.displayName, role: reply.role },
    peers: peersFromJoin(reply.peers),
    settings: reply.settings,
    hands: reply.hands,
    lobby: reply.lobby ?? [],
    // A duration, not a time: whatever this browser's clock says, the timer
    // shows what the server measured.
    meetingSince: reply.meetingElapsedMs === undefined ? undefined : now - reply.meetingElapsedMs,
  };
}

/** Our role changed (peerUpdated about us): the lobby is for moderators only. */
export function withSelfRole(state: RoomState, role: MeetingRoleName): RoomState {
  if (!state.self) return state;
  return {
    ...state,
    self: { ...state.self, role },
    lobby: isModeratorRole(role) ? state.lobby : [],
  };
}

/** Applies a change to the other peers unless the notification is about us. */
export function aboutOthers(peerId: string, change: (peers: Peers) => Peers): StateChange {
  return (state) =>
    state.self?.peerId === peerId ? state : { ...state, peers: change(state.peers) };
}
