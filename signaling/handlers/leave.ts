// Leaving (or being taken out of) a room: control state, media, groups. A
// dropped connection is not a leave: the member keeps its place for the
// reconnect grace period and may resume it from any node. What leaving means
// for the room (succession, history, notifications) is the membership
// service's.
import type { HandlerContext } from '../core/context.js';
import type { Services } from '../core/context.js';
import { toPeerInfo, type PeerState } from '../rooms/registry.js';
import { moderatorGroup, roomGroup } from '../socket/notifier.js';
import type { Handler } from './types.js';

/**
 * This connection no longer serves the peer here. Its SFU peer is not closed
 * here: leaving closes it through the membership service (which knows whether
 * the member really left), and a dropped connection keeps it running for a
 * resume on any node.
 */
function releaseMedia(services: Services, peer: PeerState): void {
  services.rooms.removePeer(peer.roomName, peer.id, peer);
  services.watch.update(peer.roomName);
}

async function leaveLobby(ctx: HandlerContext): Promise<void> {
  const { session, services } = ctx;
  const waiting = session.waiting;
  if (!waiting) return;
  session.waiting = undefined;
  await services.membership.leaveLobby(
    waiting.room,
    waiting.peerId,
    (socketId) => socketId === session.socketId,
  );
}

/** Takes the session out of its room or lobby, everywhere. Idempotent. */
export async function leaveRoom(ctx: HandlerContext): Promise<void> {
  const { session, services } = ctx;
  await leaveLobby(ctx);
  const peer = session.peer;
  if (!peer) return;
  session.peer = undefined;
  await services.membership.remove(peer.roomName, peer.id, {
    still: (m) => m.socketId === session.socketId,
  });
  ctx.leaveGroup(roomGroup(peer.roomName));
  ctx.leaveGroup(moderatorGroup(peer.roomName));
  releaseMedia(services, peer);
  session.log.info({}, 'peer left');
}

/**
 * The connection dropped: the place in the room is kept for the grace period,
 * then given up. Its media keeps running in the SFU meanwhile (this node's
 * lease holds it) so that a resume, on this node or another, carries on with
 * it; the membership service closes it when the place is given up.
 */
export async function dropConnection(
  ctx: HandlerContext,
  graceMs: number,
  after: (ms: number, fn: () => void) => void,
): Promise<void> {
  const { session, services } = ctx;
  await leaveLobby(ctx);
  const peer = session.peer;
  if (!peer) return;
  session.peer = undefined;
  releaseMedia(services, peer);
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
  services.notify.toRoom(peer.roomName, 'peerUpdated', {
    peer: toPeerInfo(kept, services.media.producersOf(peer.roomName, peer.id)),
  });
  session.log.info({ graceMs }, 'connection dropped; place kept for resume');
  const expire = async () => {
    const removed = await services.membership.remove(peer.roomName, peer.id, {
      still: (m) => m.disconnectedAt === at && m.socketId === session.socketId,
    });
    if (removed) session.log.info({}, 'peer did not come back; removed');
  };
  after(graceMs, () => {
    expire().catch((error: unknown) =>
      session.log.error({ err: error }, 'removing a dropped peer failed'),
    );
  });
}

export const leave: Handler<'leave'> = async (ctx) => {
  await leaveRoom(ctx);
  return {};
};
