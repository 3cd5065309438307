// Leaving (or being taken out of) a room: control state, media, groups.
import type { HandlerContext, Services } from '../core/context.js';
import { lobbyView, type MemberState, type RoomControl } from '../rooms/control.js';
import { toPeerInfo } from '../rooms/registry.js';
import { moderatorGroup, roomGroup } from '../socket/notifier.js';
import type { Handler } from './types.js';

/** When the host leaves, the longest-present co-host takes over. */
function succession(control: RoomControl): MemberState | undefined {
  if (Object.values(control.members).some((m) => m.role === 'host')) return undefined;
  const next = Object.values(control.members)
    .filter((m) => m.role === 'cohost')
    .sort((a, b) => a.joinedAt - b.joinedAt)[0];
  if (next) next.role = 'host';
  return next;
}

/** Removes a member from the control state; returns the new state (undefined: room gone). */
export async function removeMember(services: Services, room: string, peerId: string) {
  return services.store.update(room, (state) => {
    if (!state || !state.members[peerId])
      return { next: state, result: { state, promoted: undefined, handWasUp: false } };
    delete state.members[peerId];
    const handWasUp = state.hands.includes(peerId);
    state.hands = state.hands.filter((p) => p !== peerId);
    const promoted = succession(state);
    const empty = Object.keys(state.members).length === 0 && Object.keys(state.lobby).length === 0;
    return {
      next: empty ? undefined : state,
      result: { state: empty ? undefined : state, promoted, handWasUp },
    };
  });
}

/** Takes the session out of its room or lobby, everywhere. Idempotent. */
export async function leaveRoom(ctx: HandlerContext): Promise<void> {
  const { session, services } = ctx;
  const waiting = session.waiting;
  if (waiting) {
    session.waiting = undefined;
    const lobby = await services.store.update(waiting.room, (state) => {
      if (!state?.lobby[waiting.peerId]) return { next: state, result: undefined };
      delete state.lobby[waiting.peerId];
      const empty =
        Object.keys(state.members).length === 0 && Object.keys(state.lobby).length === 0;
      return { next: empty ? undefined : state, result: lobbyView(state) };
    });
    if (lobby) services.notify.toModerators(waiting.room, 'lobbyChanged', { lobby });
  }

  const peer = session.peer;
  if (!peer) return;
  session.peer = undefined;
  const { state, promoted, handWasUp } = await removeMember(services, peer.roomName, peer.id);
  const lastOnThisNode = services.rooms.removePeer(peer.roomName, peer.id);
  ctx.leaveGroup(roomGroup(peer.roomName));
  ctx.leaveGroup(moderatorGroup(peer.roomName));
  services.notify.toRoom(peer.roomName, 'peerLeft', { peerId: peer.id });
  if (handWasUp && state)
    services.notify.toRoom(peer.roomName, 'handsChanged', { hands: state.hands });
  if (promoted && state) {
    services.notify.setGroup(promoted.socketId, moderatorGroup(peer.roomName), true);
    services.notify.toRoom(peer.roomName, 'peerUpdated', {
      peer: toPeerInfo(promoted, services.rooms.peer(peer.roomName, promoted.peerId)),
    });
    services.notify.toModerators(peer.roomName, 'lobbyChanged', { lobby: lobbyView(state) });
  }
  try {
    await services.sfu.call('closePeer', { roomId: peer.roomName, peerId: peer.id });
    if (lastOnThisNode && !services.rooms.room(peer.roomName)) {
      await services.sfu.call('closeRoom', { roomId: peer.roomName });
    }
  } catch (error) {
    services.log.error({ err: error, room: peer.roomName, peer: peer.id }, 'SFU cleanup failed');
  }
  session.log.info({}, 'peer left');
}

export const leave: Handler<'leave'> = async (ctx) => {
  await leaveRoom(ctx);
  return {};
};
