import type { HandlerContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { can } from '../protocol/permissions.js';
import { sourceOf } from '../rooms/registry.js';
import { requireMember, requirePeer, type Handler } from './types.js';

/** Screen sharing: everyone when the room allows it, otherwise hosts and co-hosts. */
async function requireScreenShare(ctx: HandlerContext): Promise<void> {
  const member = requireMember(ctx);
  const control = await ctx.services.store.read(requirePeer(ctx).roomName);
  const action = control?.settings.screenShareAllowed
    ? 'screen.share'
    : 'screen.shareWhenRestricted';
  if (!can(member.role, action))
    throw new AppError('FORBIDDEN', 'the host has not allowed screen sharing');
}

export const produce: Handler<'produce'> = async (ctx, req) => {
  const peer = requirePeer(ctx);
  if (peer.transports.get(req.transportId) !== 'send') {
    throw new AppError('NOT_FOUND', 'unknown send transport');
  }
  for (const existing of ctx.services.media.producersOf(peer.roomName, peer.id)) {
    if (sourceOf(existing) === req.source)
      throw new AppError('BAD_REQUEST', `already producing ${req.source}`);
  }
  if (req.source === 'screen' || req.source === 'screenAudio') await requireScreenShare(ctx);
  const expectedKind = req.source === 'mic' || req.source === 'screenAudio' ? 'audio' : 'video';
  if (req.kind !== expectedKind)
    throw new AppError('BAD_REQUEST', `${req.source} must be ${expectedKind}`);
  const paused = req.paused ?? false;
  const { producerId } = await ctx.services.sfu.call('produce', {
    roomId: peer.roomName,
    peerId: peer.id,
    transportId: req.transportId,
    kind: req.kind,
    rtpParameters: req.rtpParameters,
    paused,
    label: req.source,
  });
  // The SFU's producerOpened event offers it to every node's receivers; the
  // reply may come first, so the sender can pause it at once.
  ctx.services.media.noteProduced(peer.roomName, {
    peerId: peer.id,
    producerId,
    kind: req.kind,
    label: req.source,
    paused,
  });
  return { producerId };
};

function ownProducer(ctx: Parameters<Handler<'pauseProducer'>>[0], producerId: string) {
  const peer = requirePeer(ctx);
  const producer = ctx.services.media.producer(peer.roomName, producerId);
  if (producer?.peerId !== peer.id) throw new AppError('NOT_FOUND', 'unknown producer');
  return peer;
}

// Pause, resume and close reach the other participants from the SFU's events
// (each node tells its own connections), not from here.
export const pauseProducer: Handler<'pauseProducer'> = async (ctx, { producerId }) => {
  const peer = ownProducer(ctx, producerId);
  await ctx.services.sfu.call('pauseProducer', {
    roomId: peer.roomName,
    peerId: peer.id,
    producerId,
  });
  ctx.services.media.notePaused(peer.roomName, producerId, true);
  return {};
};

export const resumeProducer: Handler<'resumeProducer'> = async (ctx, { producerId }) => {
  const peer = ownProducer(ctx, producerId);
  await ctx.services.sfu.call('resumeProducer', {
    roomId: peer.roomName,
    peerId: peer.id,
    producerId,
  });
  ctx.services.media.notePaused(peer.roomName, producerId, false);
  return {};
};

export const closeProducer: Handler<'closeProducer'> = async (ctx, { producerId }) => {
  const peer = ownProducer(ctx, producerId);
  await ctx.services.sfu.call('closeProducer', {
    roomId: peer.roomName,
    peerId: peer.id,
    producerId,
  });
  ctx.services.media.noteClosed(peer.roomName, producerId);
  return {};
};
