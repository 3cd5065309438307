// What a receiver controls about its own consumers: pause one it does not
// show (resumeConsumer starts it again) and pick the simulcast layer that
// fits the tile it is drawn in.
import { AppError } from '../core/errors.js';
import type { PeerState } from '../rooms/registry.js';
import { requirePeer, type Handler } from './types.js';

function ownConsumer(peer: PeerState, consumerId: string): void {
  if (!peer.consumers.has(consumerId)) throw new AppError('NOT_FOUND', 'unknown consumer');
}

export const pauseConsumer: Handler<'pauseConsumer'> = async (ctx, { consumerId }) => {
  const peer = requirePeer(ctx);
  ownConsumer(peer, consumerId);
  await ctx.services.sfu.call('pauseConsumer', {
    roomId: peer.roomName,
    peerId: peer.id,
    consumerId,
  });
  return {};
};

export const setConsumerPreferredLayers: Handler<'setConsumerPreferredLayers'> = async (
  ctx,
  { consumerId, spatialLayer, temporalLayer },
) => {
  const peer = requirePeer(ctx);
  ownConsumer(peer, consumerId);
  await ctx.services.sfu.call('setConsumerPreferredLayers', {
    roomId: peer.roomName,
    peerId: peer.id,
    consumerId,
    spatialLayer,
    ...(temporalLayer === undefined ? {} : { temporalLayer }),
  });
  return {};
};
