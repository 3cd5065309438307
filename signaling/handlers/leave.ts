import type { HandlerContext } from '../core/context.js';
import { roomGroup } from '../socket/notifier.js';
import type { Handler } from './types.js';

/** Removes the session's peer everywhere: SFU media, registry, group. Idempotent. */
export async function leaveRoom(ctx: HandlerContext): Promise<void> {
  const peer = ctx.session.peer;
  if (!peer) return;
  ctx.session.peer = undefined;
  const { services } = ctx;
  const roomEmpty = services.rooms.removePeer(peer.roomName, peer.id);
  ctx.leaveGroup(roomGroup(peer.roomName));
  services.notify.toRoom(peer.roomName, 'peerLeft', { peerId: peer.id });
  try {
    await services.sfu.call('closePeer', { roomId: peer.roomName, peerId: peer.id });
    if (roomEmpty && !services.rooms.room(peer.roomName)) {
      await services.sfu.call('closeRoom', { roomId: peer.roomName });
    }
  } catch (error) {
    services.log.error({ err: error, room: peer.roomName, peer: peer.id }, 'SFU cleanup failed');
  }
  ctx.session.log.info({}, 'peer left');
}

export const leave: Handler<'leave'> = async (ctx) => {
  await leaveRoom(ctx);
  return {};
};
