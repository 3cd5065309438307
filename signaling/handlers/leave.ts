// Leaving (or being taken out of) a room: control state, media, groups. A
// dropped connection is not a leave: the member keeps its place for the
// reconnect grace period and may resume it from any node.
import type { HandlerContext, Services } from '../core/context.js';
import { forgetMember, lobbyView, type MemberState, type RoomControl } from '../rooms/control.js';
import { toPeerInfo, type PeerState } from '../rooms/registry.js';
import { moderatorGroup, roomGroup } from '../socket/notifier.js';
import type { Handler } from './types.js';

/** When the host leaves, the longest-present co-host takes over. */
function succession(control: RoomControl): MemberState | undefined {
  if (Object.values(control.members).some((m) => m.role === 'host')) return undefined;
  const next = Object.values(control.members)
    .filter((m) => m.role === 'cohost' && m.disconnectedAt === undefined)
    .sort((a, b) => a.joinedAt - b.joinedAt)[0];
  if (next) next.role = 'host';
  return next;
}

interface Removal {
  removed: boolean;
  meetingId: string | undefined;
  state: RoomControl | undefined;
  promoted: MemberState | undefined;
  handWasUp: boolean;
}

/** Removes a member (if `still` holds for it) from the control state. */
export async function removeMember(
  services: Services,
  room: string,
  peerId: string,
  still: (member: MemberState) => boolean = () => true,
): Promise<Removal> {
  return services.store.update<Removal>(room, (state) => {
    const member = state?.members[peerId];
    if (!state || !member || !still(member)) {
      return {
        next: state,
        result: {
          removed: false,
          meetingId: undefined,
          state,
          promoted: undefined,
          handWasUp: false,
        },
      };
    }
    const handWasUp = state.hands.includes(peerId);
    forgetMember(state, peerId);
    const promoted = succession(state);
    const empty = Object.keys(state.members).length === 0 && Object.keys(state.lobby).length === 0;
    const next = empty ? undefined : state;
    return {
      next,
      result: { removed: true, meetingId: state.meetingId, state: next, promoted, handWasUp },
    };
  });
}

/**
 * Meeting history: a peer's stay ends (`peerId`), and with the last one out
 * the meeting (which also closes every stay still open).
 */
export function recordDeparture(
  services: Services,
  meetingId: string,
  peerId: string | undefined,
  meetingOver: boolean,
): void {
  const record = async () => {
    if (peerId !== undefined) await services.meetings.left(meetingId, peerId);
    if (meetingOver) await services.meetings.ended(meetingId);
  };
  record().catch((error: unknown) =>
    services.log.error({ err: error, meeting: meetingId }, 'meeting history not recorded'),
  );
}

/** Tells the room that a member is gone (and who hosts now, if that changed). */
export function announceDeparture(
  services: Services,
  room: string,
  peerId: string,
  removal: Removal,
): void {
  const { state, promoted, handWasUp, meetingId } = removal;
  if (meetingId) recordDeparture(services, meetingId, peerId, state === undefined);
  services.notify.toRoom(room, 'peerLeft', { peerId });
  if (handWasUp && state) services.notify.toRoom(room, 'handsChanged', { hands: state.hands });
  if (promoted && state) {
    services.notify.setGroup(promoted.socketId, moderatorGroup(room), true);
    services.notify.toRoom(room, 'peerUpdated', {
      peer: toPeerInfo(promoted, services.rooms.peer(room, promoted.peerId)),
    });
    services.notify.toModerators(room, 'lobbyChanged', { lobby: lobbyView(state) });
  }
}

/** Closes a peer's media on this node (SFU and registry). */
async function releaseMedia(services: Services, peer: PeerState): Promise<void> {
  const lastOnThisNode = services.rooms.removePeer(peer.roomName, peer.id, peer);
  try {
    await services.sfu.call('closePeer', { roomId: peer.roomName, peerId: peer.mediaId });
    if (lastOnThisNode && !services.rooms.room(peer.roomName)) {
      await services.sfu.call('closeRoom', { roomId: peer.roomName });
    }
  } catch (error) {
    services.log.error({ err: error, room: peer.roomName, peer: peer.id }, 'SFU cleanup failed');
  }
}

async function leaveLobby(ctx: HandlerContext): Promise<void> {
  const { session, services } = ctx;
  const waiting = session.waiting;
  if (!waiting) return;
  session.waiting = undefined;
  const lobby = await services.store.update(waiting.room, (state) => {
    if (!state?.lobby[waiting.peerId]) return { next: state, result: undefined };
    delete state.lobby[waiting.peerId];
    const empty = Object.keys(state.members).length === 0 && Object.keys(state.lobby).length === 0;
    return { next: empty ? undefined : state, result: lobbyView(state) };
  });
  if (lobby) services.notify.toModerators(waiting.room, 'lobbyChanged', { lobby });
}

/** Takes the session out of its room or lobby, everywhere. Idempotent. */
export async function leaveRoom(ctx: HandlerContext): Promise<void> {
  const { session, services } = ctx;
  await leaveLobby(ctx);
  const peer = session.peer;
  if (!peer) return;
  session.peer = undefined;
  const removal = await removeMember(
    services,
    peer.roomName,
    peer.id,
    (m) => m.socketId === session.socketId,
  );
  ctx.leaveGroup(roomGroup(peer.roomName));
  ctx.leaveGroup(moderatorGroup(peer.roomName));
  if (removal.removed) announceDeparture(services, peer.roomName, peer.id, removal);
  await releaseMedia(services, peer);
  session.log.info({}, 'peer left');
}

/**
 * The connection dropped: media goes now (it is rebuilt on resume), the place
 * in the room is kept for the grace period, then given up.
 */
export async function dropConnection(ctx: HandlerContext, graceMs: number): Promise<void> {
  const { session, services } = ctx;
  await leaveLobby(ctx);
  const peer = session.peer;
  if (!peer) return;
  session.peer = undefined;
  await releaseMedia(services, peer);
  const at = Date.now();
  const kept = await services.store.update(peer.roomName, (state) => {
    const member = state?.members[peer.id];
    if (!state || !member || member.socketId !== session.socketId)
      return { next: state, result: undefined };
    member.disconnectedAt = at;
    return { next: state, result: member };
  });
  if (!kept) return;
  // The others keep the tile but show that this person is coming back.
  services.notify.toRoom(peer.roomName, 'peerUpdated', { peer: toPeerInfo(kept, undefined) });
  session.log.info({ graceMs }, 'connection dropped; place kept for resume');
  const expire = async () => {
    const removal = await removeMember(
      services,
      peer.roomName,
      peer.id,
      (m) => m.disconnectedAt === at && m.socketId === session.socketId,
    );
    if (removal.removed) {
      announceDeparture(services, peer.roomName, peer.id, removal);
      session.log.info({}, 'peer did not come back; removed');
    }
  };
  setTimeout(() => {
    expire().catch((error: unknown) =>
      session.log.error({ err: error }, 'removing a dropped peer failed'),
    );
  }, graceMs).unref();
}

export const leave: Handler<'leave'> = async (ctx) => {
  await leaveRoom(ctx);
  return {};
};
