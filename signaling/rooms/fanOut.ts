// Server-side consumption: whenever a producer and a ready receiver of this
// node meet, the server creates a paused consumer and tells the receiver; the
// receiver resumes it once its local consumer exists. A receiver gets at most
// one consumer per producer: `ready` and a producer's fan-out may meet the
// same pair at the same time, and only the first one to claim it consumes.
import type { ProducerInfo, SfuApi } from '../../sfu/api/index.js';
import { toProtocolError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Notifier } from '../socket/notifier.js';
import type { MediaView } from './mediaView.js';
import { sourceOf, type PeerState, type RoomRegistry } from './registry.js';

export interface FanOutPorts {
  readonly sfu: SfuApi;
  readonly rooms: Pick<RoomRegistry, 'peer' | 'room'>;
  readonly media: Pick<MediaView, 'producer'>;
  readonly notify: Notifier;
  readonly log: Logger;
}

export async function consumeFor(
  ports: FanOutPorts,
  receiver: PeerState,
  producer: ProducerInfo,
): Promise<void> {
  const { producerId } = producer;
  const source = sourceOf(producer);
  const recvTransportId = [...receiver.transports].findLast(([, dir]) => dir === 'recv')?.[0];
  if (!source || producer.peerId === receiver.id) return;
  if (!receiver.rtpCapabilities || !recvTransportId) return;
  if (receiver.receiving.has(producerId)) return;
  const claim = Symbol(producerId);
  receiver.receiving.set(producerId, claim);
  let delivered = false;
  try {
    const consumer = await ports.sfu.call('consume', {
      roomId: receiver.roomName,
      peerId: receiver.id,
      transportId: recvTransportId,
      producerId,
      rtpCapabilities: receiver.rtpCapabilities,
    });
    // The producer may have closed while the SFU worked: the SFU closes such
    // a consumer itself; the receiver never hears of it.
    const current = ports.media.producer(receiver.roomName, producerId);
    if (!current) return;
    // The receiver's media may have been reset meanwhile (its claim is gone).
    if (receiver.receiving.get(producerId) !== claim) return;
    if (ports.rooms.peer(receiver.roomName, receiver.id) !== receiver) return;
    receiver.consumers.set(consumer.consumerId, producerId);
    delivered = true;
    ports.notify.toSocket(receiver.socketId, 'newConsumer', {
      consumerId: consumer.consumerId,
      producerId,
      peerId: producer.peerId,
      kind: consumer.kind,
      source,
      rtpParameters: consumer.rtpParameters,
      // The view holds the latest pause state (a pause may have landed while
      // this consumer was being created).
      producerPaused: current.paused || consumer.producerPaused,
    });
  } catch (error) {
    // One receiver that cannot take one stream must not disturb the others.
    const { error: reason, detail } = toProtocolError(error);
    ports.log.warn(
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

/** A new producer reaches every ready receiver of this node in its room. */
export async function fanOut(ports: FanOutPorts, room: string, producer: ProducerInfo) {
  const receivers = [...(ports.rooms.room(room)?.peers.values() ?? [])];
  await Promise.all(receivers.map((receiver) => consumeFor(ports, receiver, producer)));
}
