// Server-side consumption on request: `ready` consumes every producer the
// room has (as the SFU says) for the caller; producers opened later reach it
// through the fan-out of their producerOpened event (rooms/fanOut.ts).
import { AppError } from '../core/errors.js';
import { consumeFor } from '../rooms/fanOut.js';
import { requirePeer, type Handler } from './types.js';

export const ready: Handler<'ready'> = async (ctx, { rtpCapabilities }) => {
  const peer = requirePeer(ctx);
  if (![...peer.transports.values()].includes('recv')) {
    throw new AppError('BAD_REQUEST', 'create a recv transport before ready');
  }
  // Refused here, where the client hears it, rather than at every consume.
  const { canReceive, missing } = await ctx.services.sfu.call('checkRtpCapabilities', {
    roomId: peer.roomName,
    rtpCapabilities,
  });
  if (!canReceive) {
    throw new AppError('BAD_REQUEST', `this client cannot receive ${missing.join(' and ')}`);
  }
  peer.rtpCapabilities = rtpCapabilities;
  // A snapshot: producers opened from now on reach this peer by their own
  // fan-out; a pair already claimed (by a fan-out or an earlier ready) is
  // skipped. Sent again after a resume that kept media, it gives what was
  // opened meanwhile.
  await ctx.services.media.synced(peer.roomName);
  for (const producer of ctx.services.media.producers(peer.roomName)) {
    await consumeFor(ctx.services, peer, producer);
  }
  return {};
};

export const resumeConsumer: Handler<'resumeConsumer'> = async (ctx, { consumerId }) => {
  const peer = requirePeer(ctx);
  if (!peer.consumers.has(consumerId)) throw new AppError('NOT_FOUND', 'unknown consumer');
  await ctx.services.sfu.call('resumeConsumer', {
    roomId: peer.roomName,
    peerId: peer.id,
    consumerId,
  });
  return {};
};
