// Server-side consumption: whenever a producer and a ready receiver meet, the
// server creates a paused consumer and tells the receiver; the receiver
// resumes it once its local consumer exists.
import type { Services } from '../core/context.js';
import { AppError, toProtocolError } from '../core/errors.js';
import type { PeerState } from '../rooms/registry.js';
import { requirePeer, type Handler } from './types.js';

export async function consumeFor(
  services: Services,
  receiver: PeerState,
  owner: PeerState,
  producerId: string,
): Promise<void> {
  const producer = owner.producers.get(producerId);
  const recvTransportId = [...receiver.transports].findLast(([, dir]) => dir === 'recv')?.[0];
  if (!producer || !receiver.rtpCapabilities || !recvTransportId) return;
  try {
    const consumer = await services.sfu.call('consume', {
      roomId: receiver.roomName,
      peerId: receiver.mediaId,
      transportId: recvTransportId,
      producerId,
      rtpCapabilities: receiver.rtpCapabilities,
    });
    // The owner may have left (or stopped this track) while the SFU worked:
    // the SFU closes such a consumer itself; the receiver never hears of it.
    const current = owner.producers.get(producerId);
    if (!current || services.rooms.peer(owner.roomName, owner.id) !== owner) return;
    receiver.consumers.set(consumer.consumerId, producerId);
    services.notify.toSocket(receiver.socketId, 'newConsumer', {
      consumerId: consumer.consumerId,
      producerId,
      peerId: owner.id,
      kind: consumer.kind,
      source: producer.source,
      rtpParameters: consumer.rtpParameters,
      // The registry holds the latest pause state (a pause may have landed
      // while this consumer was being created).
      producerPaused: current.paused || consumer.producerPaused,
    });
  } catch (error) {
    // One receiver that cannot take one stream must not disturb the others.
    const { error: reason } = toProtocolError(error);
    services.log.warn(
      {
        room: receiver.roomName,
        peer: receiver.id,
        producer: producerId,
        code: reason.code,
        msg: reason.message,
      },
      'could not consume',
    );
  }
}

export const ready: Handler<'ready'> = async (ctx, { rtpCapabilities }) => {
  const peer = requirePeer(ctx);
  if (![...peer.transports.values()].includes('recv')) {
    throw new AppError('BAD_REQUEST', 'create a recv transport before ready');
  }
  const firstTime = peer.rtpCapabilities === undefined;
  peer.rtpCapabilities = rtpCapabilities;
  if (firstTime) {
    const room = ctx.services.rooms.room(peer.roomName);
    for (const other of room?.peers.values() ?? []) {
      if (other.id === peer.id) continue;
      for (const producerId of other.producers.keys()) {
        await consumeFor(ctx.services, peer, other, producerId);
      }
    }
  }
  return {};
};

export const resumeConsumer: Handler<'resumeConsumer'> = async (ctx, { consumerId }) => {
  const peer = requirePeer(ctx);
  if (!peer.consumers.has(consumerId)) throw new AppError('NOT_FOUND', 'unknown consumer');
  await ctx.services.sfu.call('resumeConsumer', {
    roomId: peer.roomName,
    peerId: peer.mediaId,
    consumerId,
  });
  return {};
};
