import type { HandlerContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { can } from '../protocol/permissions.js';
import { consumeFor } from './consume.js';
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
  for (const existing of peer.producers.values()) {
    if (existing.source === req.source)
      throw new AppError('BAD_REQUEST', `already producing ${req.source}`);
  }
  if (req.source === 'screen' || req.source === 'screenAudio') await requireScreenShare(ctx);
  const expectedKind = req.source === 'mic' || req.source === 'screenAudio' ? 'audio' : 'video';
  if (req.kind !== expectedKind)
    throw new AppError('BAD_REQUEST', `${req.source} must be ${expectedKind}`);
  const paused = req.paused ?? false;
  const { producerId } = await ctx.services.sfu.call('produce', {
    roomId: peer.roomName,
    peerId: peer.mediaId,
    transportId: req.transportId,
    kind: req.kind,
    rtpParameters: req.rtpParameters,
    paused,
  });
  peer.producers.set(producerId, { kind: req.kind, source: req.source, paused });
  const room = ctx.services.rooms.room(peer.roomName);
  const receivers = [...(room?.peers.values() ?? [])].filter((p) => p.id !== peer.id);
  // Reply first so the sender's track starts flowing, then fan out.
  queueMicrotask(() => {
    void Promise.all(
      receivers.map((receiver) => consumeFor(ctx.services, receiver, peer, producerId)),
    );
  });
  return { producerId };
};

function ownProducer(ctx: Parameters<Handler<'pauseProducer'>>[0], producerId: string) {
  const peer = requirePeer(ctx);
  const producer = peer.producers.get(producerId);
  if (!producer) throw new AppError('NOT_FOUND', 'unknown producer');
  return { peer, producer };
}

export const pauseProducer: Handler<'pauseProducer'> = async (ctx, { producerId }) => {
  const { peer, producer } = ownProducer(ctx, producerId);
  await ctx.services.sfu.call('pauseProducer', {
    roomId: peer.roomName,
    peerId: peer.mediaId,
    producerId,
  });
  producer.paused = true;
  ctx.services.notify.toRoom(
    peer.roomName,
    'producerPaused',
    { peerId: peer.id, producerId },
    peer.socketId,
  );
  return {};
};

export const resumeProducer: Handler<'resumeProducer'> = async (ctx, { producerId }) => {
  const { peer, producer } = ownProducer(ctx, producerId);
  await ctx.services.sfu.call('resumeProducer', {
    roomId: peer.roomName,
    peerId: peer.mediaId,
    producerId,
  });
  producer.paused = false;
  ctx.services.notify.toRoom(
    peer.roomName,
    'producerResumed',
    { peerId: peer.id, producerId },
    peer.socketId,
  );
  return {};
};

export const closeProducer: Handler<'closeProducer'> = async (ctx, { producerId }) => {
  const { peer } = ownProducer(ctx, producerId);
  peer.producers.delete(producerId);
  await ctx.services.sfu.call('closeProducer', {
    roomId: peer.roomName,
    peerId: peer.mediaId,
    producerId,
  });
  return {};
};
