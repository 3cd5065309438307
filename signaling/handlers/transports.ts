import { AppError } from '../core/errors.js';
import { iceServersField } from '../turn/credentials.js';
import { requirePeer, type Handler } from './types.js';

/**
 * A peer needs one send and one recv transport; a few more allow replacing
 * them. Closed transports (closeTransport, or closed in the SFU) no longer count.
 */
const MAX_TRANSPORTS_PER_PEER = 4;

export const createTransport: Handler<'createTransport'> = async (ctx, { direction }) => {
  const peer = requirePeer(ctx);
  if (peer.transports.size >= MAX_TRANSPORTS_PER_PEER) {
    throw new AppError('BAD_REQUEST', 'too many transports');
  }
  const transport = await ctx.services.sfu.call('createWebRtcTransport', {
    roomId: peer.roomName,
    peerId: peer.id,
    direction,
  });
  peer.transports.set(transport.id, direction);
  return { ...transport, ...iceServersField(ctx.services.turn.iceServers()) };
};

function ownTransport(ctx: Parameters<Handler<'connectTransport'>>[0], transportId: string) {
  const peer = requirePeer(ctx);
  if (!peer.transports.has(transportId)) throw new AppError('NOT_FOUND', 'unknown transport');
  return peer;
}

export const connectTransport: Handler<'connectTransport'> = async (
  ctx,
  { transportId, dtlsParameters },
) => {
  const peer = ownTransport(ctx, transportId);
  await ctx.services.sfu.call('connectWebRtcTransport', {
    roomId: peer.roomName,
    peerId: peer.id,
    transportId,
    dtlsParameters,
  });
  return {};
};

export const restartIce: Handler<'restartIce'> = async (ctx, { transportId }) => {
  const peer = ownTransport(ctx, transportId);
  const { iceParameters } = await ctx.services.sfu.call('restartIce', {
    roomId: peer.roomName,
    peerId: peer.id,
    transportId,
  });
  // coturn checks credentials only when allocating: the restart allocates anew.
  return { iceParameters, ...iceServersField(ctx.services.turn.iceServers()) };
};

export const closeTransport: Handler<'closeTransport'> = async (ctx, { transportId }) => {
  const peer = ownTransport(ctx, transportId);
  await ctx.services.sfu.call('closeTransport', {
    roomId: peer.roomName,
    peerId: peer.id,
    transportId,
  });
  // The SFU's transportClosed event forgets it too; this holds without events.
  peer.transports.delete(transportId);
  return {};
};
