// What a request handler gets: the caller's session and the services.
import type { SfuApi } from '../../sfu/api/index.js';
import type { AuditSink } from '../audit/sink.js';
import type { Identity } from '../auth/identity.js';
import type { InviteCodec } from '../auth/invites.js';
import type { ResumeCodec } from '../auth/resume.js';
import type { PeerCommands } from '../cluster/commands.js';
import type { ChatStore } from '../chat/store.js';
import type { Logger } from './logger.js';
import type { AttemptLimiter } from '../rooms/attemptLimiter.js';
import type { MemberState } from '../rooms/control.js';
import type { EntryPolicy } from '../rooms/entryPolicy.js';
import type { MeetingRecorder } from '../rooms/meetingRecorder.js';
import type { MediaView } from '../rooms/mediaView.js';
import type { Membership } from '../rooms/membership.js';
import type { RoomWatch } from '../rooms/roomWatch.js';
import type { RoomRegistry, PeerState } from '../rooms/registry.js';
import type { TurnIssuer } from '../turn/credentials.js';
import type { RoomStateStore } from '../rooms/stateStore.js';
import type { Notifier } from '../socket/notifier.js';
import type { SignalingMetrics } from '../metrics/signalingMetrics.js';

export interface Session {
  readonly socketId: string;
  readonly identity: Identity;
  /** Client address (the forwarded one behind TRUST_PROXY). */
  readonly ip: string;
  /** Set once the connection is a member of a room (media state on this node). */
  peer: PeerState | undefined;
  /** Set while the connection waits in a room's lobby. */
  waiting: { room: string; peerId: string } | undefined;
  log: Logger;
}

/**
 * What request handlers use. Collaborators outside the handlers (presence,
 * peer commands, SFU events, live administration) get narrow ports of their
 * own instead (see compose.ts and app.ts).
 */
export interface Services {
  readonly sfu: SfuApi;
  /** The connections this node serves, with their transports and consumers. */
  readonly rooms: RoomRegistry;
  /** The producers of the rooms this node watches, as the SFU has them. */
  readonly media: MediaView;
  /** Watches a room's SFU events while this node has connections in it. */
  readonly watch: RoomWatch;
  /** How long the SFU keeps what this node holds without a renewal (ms). */
  readonly leaseMs: number;
  /** Control state of rooms, shared by all nodes. */
  readonly store: RoomStateStore;
  readonly notify: Notifier;
  readonly chat: ChatStore;
  readonly audit: AuditSink;
  readonly policy: EntryPolicy;
  /** This signaling node's id. */
  readonly node: string;
  readonly log: Logger;
  /** Limits guessing: passcode attempts per client address (shared by nodes). */
  readonly passcodeAttempts: AttemptLimiter;
  readonly invites: InviteCodec;
  /** Signs and checks resume tokens. */
  readonly resume: ResumeCodec;
  /** How long a dropped peer keeps its place. */
  readonly reconnectGraceMs: number;
  /** Meeting history (who met when). */
  readonly meetings: MeetingRecorder;
  /** Every way out of a room or lobby: succession, history, announcements. */
  readonly membership: Membership;
  /** Commands that run on the node serving a peer. */
  readonly commands: PeerCommands;
  /** Base of links handed out (invites); undefined: the client builds it from its own origin. */
  readonly publicUrl: string | undefined;
  /** Fresh TURN credentials for every transport and ICE restart (none without a TURN server). */
  readonly turn: TurnIssuer;
  /** What clients report of their own timing (reportJoinTiming). */
  readonly metrics: Pick<SignalingMetrics, 'joinTiming'>;
}

export interface HandlerContext {
  readonly session: Session;
  readonly services: Services;
  /**
   * The caller as a member of its room, read from the store when the request
   * arrived (set for every request that is not an entry request).
   */
  readonly member: MemberState | undefined;
  /** Joins the connection to a broadcast group (socket.io room). */
  joinGroup(group: string): void;
  leaveGroup(group: string): void;
  /** A per-connection budget for reactions. */
  takeReaction(): boolean;
}
