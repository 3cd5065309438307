// Server-side consumption: whenever a producer and a ready receiver meet, the
// server creates a paused consumer and tells the receiver; the receiver
// resumes it once its local consumer exists. A receiver gets at most one
// consumer per producer: `ready` and a producer's fan-out may meet the same
// pair at the same time, and only the first one to claim it consumes.
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
  if (receiver.receiving.has(producerId)) return;
  const claim = Symbol(producerId);
  receiver.receiving.set(producerId, claim);
  let delivered = false;
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
    // The receiver's media may have been reset meanwhile (its claim is gone).
    if (receiver.receiving.get(producerId) !== claim) return;
    receiver.consumers.set(consumer.consumerId, producerId);
    delivered = true;
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
    const { error: reason, detail } = toProtocolError(error);
    services.log.warn(
      {
        room: receiver.roomName,
        peer: receiver.id,
        producer: producerId,
        code: reason.code,
        detail,
      },
      'could not consume',
    );
  } finally {
    // Released when no consumer came of it, so a later ready may try again.
    if (!delivered && receiver.receiving.get(producerId) === claim) {
      receiver.receiving.delete(producerId);
    }
  }
}

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
  // A snapshot: producers added from now on reach this peer by their own
  // fan-out; a pair already claimed (by a fan-out or an earlier ready) is skipped.
  const room = ctx.services.rooms.room(peer.roomName);
  const pending = [...(room?.peers.values() ?? [])]
    .filter((other) => other.id !== peer.id)
    .flatMap((other) => [...other.producers.keys()].map((producerId) => ({ other, producerId })));
  for (const { other, producerId } of pending) {
    await consumeFor(ctx.services, peer, other, producerId);
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
