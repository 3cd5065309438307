// Entering a room: identity, ban, lock, passcode and lobby checks, then
// membership (control state, shared by all nodes) and media (this node).
import { randomUUID } from 'node:crypto';
import type { MeetingRole } from '../protocol/roles.js';
import { AppError } from '../core/errors.js';
import type { HandlerContext } from '../core/context.js';
import {
  PROTOCOL_VERSION,
  protocolMajor,
  roomNameSchema,
  type ErrorCode,
  type ParsedRequest,
  type ResponseData,
} from '../protocol/index.js';
import {
  forgetMember,
  isModerator,
  lobbyView,
  newRoomControl,
  settingsView,
  type MemberState,
  type RoomControl,
} from '../rooms/control.js';
import { verifyPasscode } from '../catalog/passcode.js';
import { toPeerInfo } from '../rooms/registry.js';
import { attachMedia } from './attachMedia.js';
import { CapacityExceededError } from '../cluster/placement.js';
import { moderatorGroup, roomGroup } from '../socket/notifier.js';
import { chatView } from './chatView.js';
import { personIdOf, displayNameOf, hasLastingId, newPeerId, userIdOf } from './identityOf.js';
import { recordDeparture } from '../rooms/membership.js';
import { iceServersField } from '../turn/credentials.js';
import type { Handler } from './types.js';

type Entry =
  | {
      kind: 'joined';
      control: RoomControl;
      member: MemberState;
      meetingStarted: boolean;
      /** The dropped place of the same person that this join took over. */
      replaced: string | undefined;
    }
  | { kind: 'lobby'; control: RoomControl }
  | { kind: 'refused'; code: 'BANNED' | 'ROOM_LOCKED' | 'PASSCODE_REQUIRED'; message: string }
  /** The room gained or lost its host since the entry was decided: decide again. */
  | { kind: 'stale' };

/**
 * How often an entry is decided again when the room's host changes under it;
 * after that, only the role actually given exempts from passcode and lobby.
 */
const DECISION_ATTEMPTS = 3;

/**
 * Refusals that are access decisions: each leaves an audit row with its code.
 * PASSCODE_REQUIRED is not one: it is the room asking for its passcode, which
 * every entry to a passcode room gets first.
 */
const AUDITED_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'BANNED',
  'ROOM_LOCKED',
  'PASSCODE_INVALID',
  'FORBIDDEN',
  'RATE_LIMITED',
]);

/**
 * The same staff member back from a reload or another device while their
 * dropped connection still holds a place: they take that place (its role and
 * raised hand) rather than appear twice and lose, say, host to whoever
 * succeeds them. Guests and anonymous visitors have no lasting id (a link may
 * be shared), so theirs stays until the grace period ends or they resume.
 */
function droppedPlaceOf(
  control: RoomControl,
  userId: string,
  peerId: string,
): MemberState | undefined {
  return Object.values(control.members).find(
    (m) => m.userId === userId && m.peerId !== peerId && m.disconnectedAt !== undefined,
  );
}

/** `peerId` takes the dropped member's place, and its place in the hands queue. */
function takeOver(control: RoomControl, dropped: MemberState, peerId: string): void {
  const hand = control.hands.indexOf(dropped.peerId);
  forgetMember(control, dropped.peerId);
  if (hand >= 0) control.hands.splice(hand, 0, peerId);
}

/** One host per room: a second would-be host enters one rank lower. */
function roleGiven(control: RoomControl, role: MeetingRole, staffAdmin: boolean): MeetingRole {
  if (role !== 'host') return role;
  if (hasHost(control)) return staffAdmin ? 'cohost' : 'participant';
  return 'host';
}

const hasHost = (control: RoomControl | undefined): boolean =>
  Object.values(control?.members ?? {}).some((m) => m.role === 'host');

/**
 * Checks the passcode against a room's hash; returns the hash it matched. A
 * right passcode gives its attempt back: the budget counts failures, so a
 * whole office behind one address is not locked out.
 */
async function checkPasscode(
  ctx: HandlerContext,
  hash: string,
  passcode: string | undefined,
): Promise<string> {
  if (passcode === undefined || passcode === '')
    throw new AppError('PASSCODE_REQUIRED', 'this room needs a passcode');
  const attempts = ctx.services.passcodeAttempts;
  if (!(await attempts.take(ctx.session.ip))) {
    throw new AppError('RATE_LIMITED', 'too many passcode attempts; wait a minute');
  }
  if (!(await verifyPasscode(passcode, hash))) {
    throw new AppError('PASSCODE_INVALID', 'wrong passcode');
  }
  await attempts.giveBack(ctx.session.ip);
  return hash;
}

export const join: Handler<'join'> = async (ctx, req) => {
  try {
    return await enter(ctx, req);
  } catch (error) {
    if (error instanceof AppError && AUDITED_REFUSALS.has(error.code)) {
      await auditRefusal(ctx, req.room, error.code);
    }
    throw error;
  }
};

/** Refused entries are access events: who, which room, why (the reply's code). */
async function auditRefusal(ctx: HandlerContext, room: string, code: ErrorCode): Promise<void> {
  const { session, services } = ctx;
  const peerId = session.waiting?.peerId ?? session.socketId;
  try {
    await services.audit.record({
      action: 'join.refused',
      actor: userIdOf(session.identity, peerId),
      target: undefined,
      room: room.slice(0, 64),
      at: new Date(),
      details: {
        code,
        ...(session.identity.kind === 'guest' ? { invite: session.identity.inviteId } : {}),
      },
      ip: session.ip,
    });
  } catch (error) {
    // The refusal stands either way; a lost audit row is an error in the log.
    session.log.error({ err: error, code }, 'refused join not audited');
  }
}

async function enter(
  ctx: HandlerContext,
  req: ParsedRequest<'join'>,
): Promise<ResponseData<'join'>> {
  if (protocolMajor(req.protocolVersion) !== protocolMajor(PROTOCOL_VERSION)) {
    throw new AppError(
      'PROTOCOL_VERSION_MISMATCH',
      `server speaks protocol ${PROTOCOL_VERSION}; reload the page`,
    );
  }
  const parsedRoom = roomNameSchema.safeParse(req.room);
  if (!parsedRoom.success)
    throw new AppError('INVALID_ROOM_NAME', 'room names are 1–64 letters, digits, - and _');
  const roomName = parsedRoom.data;
  const { session, services } = ctx;
  if (session.peer) throw new AppError('ALREADY_JOINED', 'this connection already joined a room');
  if (session.waiting && session.waiting.room !== roomName) {
    throw new AppError('ALREADY_JOINED', 'this connection waits in another room');
  }
  const { identity } = session;
  if (identity.kind === 'guest' && identity.room !== roomName) {
    throw new AppError('FORBIDDEN', 'this invite is for another room');
  }

  if (req.resumeToken && !session.waiting) {
    const resumed = await tryResume(ctx, roomName, req.resumeToken, req.keepMedia === true);
    if (resumed) return resumed;
  }

  const peerId = session.waiting?.peerId ?? newPeerId();
  const userId = userIdOf(identity, peerId);
  const admission = personIdOf({ userId, peerId, guest: identity.kind === 'guest' });
  const displayName = displayNameOf(identity, req.displayName);
  const staffAdmin = identity.kind === 'staff' && identity.globalRole === 'admin';
  /** The hash the given passcode matched, once checked (it is checked once per hash). */
  let verifiedHash: string | undefined;
  let entry: Entry = { kind: 'stale' };
  for (let attempt = 1; entry.kind === 'stale'; attempt++) {
    const lastAttempt = attempt >= DECISION_ATTEMPTS;
    const current = await services.store.read(roomName);
    if (current?.banned.includes(userId))
      throw new AppError('BANNED', 'you were removed from this meeting');
    const hostPresent = hasHost(current);
    const decision = await services.policy.decide(roomName, identity, hostPresent);
    if (!decision.exists) throw new AppError('ROOM_NOT_FOUND', 'no such room');
    if (decision.refusal) throw new AppError(decision.refusal.code, decision.refusal.message);
    // Moderators, the invited and those already admitted give no passcode —
    // as the policy sees it now; the role given below has the last word.
    const policyExempts = isModerator(decision.role) || decision.skipLobby;
    const admitted = (control: RoomControl | undefined) =>
      control?.admitted.includes(admission) ?? false;
    // A room that does not exist yet starts with its persistent passcode, if any.
    const hash = current ? current.passcodeHash : decision.initialPasscodeHash;
    if (hash && hash !== verifiedHash && !policyExempts && !admitted(current)) {
      verifiedHash = await checkPasscode(ctx, hash, req.passcode);
    }

    entry = await services.store.update<Entry>(roomName, (state) => {
      const control = state ?? {
        ...newRoomControl(roomName, decision.lobbyByDefault),
        passcodeHash: decision.initialPasscodeHash,
      };
      if (control.banned.includes(userId)) {
        return {
          next: state,
          result: {
            kind: 'refused',
            code: 'BANNED',
            message: 'you were removed from this meeting',
          },
        };
      }
      // The policy decided on a room with (or without) a host; it no longer is
      // one. A would-be host who lost the race must not keep a host's passes.
      const decisionHolds = hasHost(control) === hostPresent;
      if (!decisionHolds && !lastAttempt) return { next: state, result: { kind: 'stale' } };
      const dropped = hasLastingId(identity) ? droppedPlaceOf(control, userId, peerId) : undefined;
      const role = dropped?.role ?? roleGiven(control, decision.role, staffAdmin);
      const moderator = isModerator(role);
      const exempt = moderator || (decisionHolds && policyExempts) || admitted(control);
      // Someone taking back their own place is no newcomer: no lock, no lobby.
      if (control.settings.locked && !moderator && !dropped) {
        return {
          next: state,
          result: { kind: 'refused', code: 'ROOM_LOCKED', message: 'the room is locked' },
        };
      }
      // A passcode set after we checked, or one this entry turned out to need.
      if (control.passcodeHash !== undefined && control.passcodeHash !== verifiedHash && !exempt) {
        return {
          next: state,
          result: {
            kind: 'refused',
            code: 'PASSCODE_REQUIRED',
            message: 'this room needs a passcode',
          },
        };
      }
      const base = {
        peerId,
        userId,
        displayName,
        guest: identity.kind === 'guest',
        role,
        node: services.node,
        socketId: session.socketId,
      };
      if (control.settings.lobby && !exempt && !dropped) {
        control.lobby[peerId] = { ...base, since: control.lobby[peerId]?.since ?? Date.now() };
        return { next: control, result: { kind: 'lobby', control } };
      }
      delete control.lobby[peerId];
      if (dropped) takeOver(control, dropped, peerId);
      const member: MemberState = { ...base, joinedAt: Date.now() };
      control.members[peerId] = member;
      const meetingStarted = control.meetingId === undefined;
      if (meetingStarted) {
        control.meetingId = randomUUID();
        control.meetingStartedAt = Date.now();
      }
      return {
        next: control,
        result: { kind: 'joined', control, member, meetingStarted, replaced: dropped?.peerId },
      };
    });
  }

  if (entry.kind === 'refused') throw new AppError(entry.code, entry.message);
  if (entry.kind === 'lobby') {
    session.waiting = { room: roomName, peerId };
    services.notify.toModerators(roomName, 'lobbyChanged', { lobby: lobbyView(entry.control) });
    session.log.info({ room: roomName, peer: peerId }, 'waiting in lobby');
    return {
      status: 'lobby',
      protocolVersion: PROTOCOL_VERSION,
      peerId,
      room: roomName,
      displayName,
    };
  }
  if (entry.replaced) forgetDroppedPlace(ctx, entry.control, entry.replaced, entry.member.peerId);
  await recordJoin(ctx, entry.control, entry.member, entry.meetingStarted);
  return enterMeeting(ctx, entry.control, entry.member, undefined);
}

/** The others drop the old tile; the meeting history ends that stay. */
function forgetDroppedPlace(
  ctx: HandlerContext,
  control: RoomControl,
  peerId: string,
  by: string,
): void {
  const { services, session } = ctx;
  if (control.meetingId) recordDeparture(services, control.meetingId, peerId, false);
  services.notify.toRoom(control.name, 'peerLeft', { peerId });
  // The dropped place's media goes with it (the newcomer starts its own).
  services.sfu.call('closePeer', { roomId: control.name, peerId }).catch((error: unknown) => {
    session.log.error({ err: error, peer: peerId }, 'SFU peer of a replaced place not closed');
  });
  // Their raised hand kept its place in the queue, under the new id.
  if (control.hands.includes(by)) {
    services.notify.toRoom(control.name, 'handsChanged', { hands: control.hands });
  }
  session.log.info({ replaced: peerId }, 'took over the dropped place of the same person');
}

/** Meeting history; a failure to record is logged, never a failed join. */
async function recordJoin(
  ctx: HandlerContext,
  control: RoomControl,
  member: MemberState,
  started: boolean,
) {
  const meetingId = control.meetingId;
  if (!meetingId) return;
  try {
    if (started) await ctx.services.meetings.started(meetingId, control.name);
    await ctx.services.meetings.joined(meetingId, member);
  } catch (error) {
    ctx.session.log.error({ err: error }, 'meeting history not recorded');
  }
}

/**
 * Reclaims the place of a dropped connection: same peer id, role and hand.
 * A connection the server has not yet seen drop is taken over. Returns
 * undefined when there is nothing to resume (then this is a normal join).
 */
async function tryResume(
  ctx: HandlerContext,
  roomName: string,
  token: string,
  keepMedia: boolean,
): Promise<ResponseData<'join'> | undefined> {
  const { session, services } = ctx;
  const claims = await services.resume.verify(token);
  if (!claims || claims.room !== roomName) return undefined;
  if (userIdOf(session.identity, claims.peerId) !== claims.userId) return undefined;
  const taken = await services.store.update(roomName, (state) => {
    const member = state?.members[claims.peerId];
    if (
      !state ||
      !member ||
      member.userId !== claims.userId ||
      state.banned.includes(member.userId)
    ) {
      return { next: state, result: undefined };
    }
    const updated: MemberState = {
      ...member,
      socketId: session.socketId,
      node: services.node,
      disconnectedAt: undefined,
    };
    state.members[member.peerId] = updated;
    return {
      next: state,
      result: { control: state, member: updated, previousSocket: member.socketId },
    };
  });
  if (!taken) return undefined;
  // The old connection (if the server still thinks it alive) goes; its clean-up
  // touches only its own media, never this connection's.
  if (taken.previousSocket !== session.socketId) services.notify.disconnect(taken.previousSocket);
  session.log.info({ room: roomName, peer: claims.peerId }, 'peer resumed');
  return enterMeeting(ctx, taken.control, taken.member, { keepMedia });
}

/**
 * Enters a member into the room's media on this node. `resume` is set when
 * this connection took over a dropped one's place: its SFU peer is adopted,
 * with its media when the client kept it.
 */
async function enterMeeting(
  ctx: HandlerContext,
  control: RoomControl,
  member: MemberState,
  resume: { keepMedia: boolean } | undefined,
): Promise<ResponseData<'join'>> {
  const { session, services } = ctx;
  const roomName = control.name;
  const resumed = resume !== undefined;
  session.waiting = undefined;
  session.log = session.log.child({ room: roomName, peer: member.peerId });
  let attached;
  try {
    attached = await attachMedia(services, roomName, member.peerId, resume);
  } catch (error) {
    // No media, no place: the member entered the shared state above.
    await services.membership.remove(roomName, member.peerId, {
      still: (m) => m.socketId === session.socketId,
    });
    if (error instanceof CapacityExceededError) {
      throw new AppError('CAPACITY_EXCEEDED', 'no media server has room for this meeting now');
    }
    throw error;
  }
  const peer = services.rooms.addPeer({
    id: member.peerId,
    roomName,
    epoch: attached.epoch,
    userId: member.userId,
    displayName: member.displayName,
    socketId: session.socketId,
  });
  for (const [transportId, direction] of attached.transports)
    peer.transports.set(transportId, direction);
  for (const [consumerId, producerId] of attached.consumers) {
    peer.consumers.set(consumerId, producerId);
    peer.receiving.set(producerId, Symbol(producerId));
  }
  session.peer = peer;
  services.watch.update(roomName);
  // A view of this room from before it was (re)opened asks the SFU again.
  services.media.track(roomName);
  await services.media.synced(roomName);
  const { rtpCapabilities } = attached;
  ctx.joinGroup(roomGroup(roomName));
  if (isModerator(member.role)) ctx.joinGroup(moderatorGroup(roomName));
  services.notify.toRoom(
    roomName,
    resumed ? 'peerUpdated' : 'peerJoined',
    { peer: toPeerInfo(member, services.media.producersOf(roomName, member.peerId)) },
    session.socketId,
  );
  if (Object.keys(control.lobby).length > 0) {
    services.notify.toModerators(roomName, 'lobbyChanged', { lobby: lobbyView(control) });
  }
  session.log.info({ role: member.role, guest: member.guest }, 'peer joined');

  const others = Object.values(control.members).filter((m) => m.peerId !== member.peerId);
  const person = personIdOf(member);
  const history = await services.chat.history(roomName, person, 100);
  return {
    status: 'joined',
    protocolVersion: PROTOCOL_VERSION,
    peerId: member.peerId,
    room: roomName,
    role: member.role,
    displayName: member.displayName,
    routerRtpCapabilities: rtpCapabilities,
    ...iceServersField(services.turn.iceServers()),
    peers: others.map((m) => toPeerInfo(m, services.media.producersOf(roomName, m.peerId))),
    settings: settingsView(control),
    hands: control.hands,
    ...(control.activeSpeaker ? { activeSpeaker: control.activeSpeaker } : {}),
    ...(control.meetingStartedAt !== undefined
      ? { meetingElapsedMs: Math.max(0, Date.now() - control.meetingStartedAt) }
      : {}),
    chat: history.map((message) => chatView(message, control, person)),
    ...(isModerator(member.role) ? { lobby: lobbyView(control) } : {}),
    resumeToken: await services.resume.issue({
      room: roomName,
      peerId: member.peerId,
      userId: member.userId,
    }),
    resumed,
    ...(resumed ? { media: attached.media } : {}),
  };
}
