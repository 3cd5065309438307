// What a room tells about its media: every room-scoped event is stamped with
// the room's epoch and the next sequence number, and each producer and
// consumer reports its own pauses and closing (unless the room is closing
// everything itself, which it reports once).
import type { types } from 'mediasoup';
import type { CloseReason, RoomEventInput, SfuEvent } from '../api/events.js';
import type { ProducerInfo } from '../api/methods.js';

/**
 * Stamps a room's events with its epoch and the next sequence number. Every
 * room-scoped event goes through one of these, so `seq` counts 1, 2, 3 …
 * within an epoch with no gap.
 */
export function createRoomEmitter(epoch: string, emit: (event: SfuEvent) => void) {
  let seq = 0;
  return {
    emit: (event: RoomEventInput): void => emit({ ...event, epoch, seq: ++seq } as SfuEvent),
    /** The number of the last event sent (0 before the first). */
    lastSeq: () => seq,
  };
}

export interface Reporting {
  roomId: string;
  emit: (event: RoomEventInput) => void;
  /** Why the room is closing everything itself, if it is. */
  closing(): CloseReason | undefined;
}

/** Reports a peer's new producer, its pauses and its closing (`onClosed` runs first). */
export function reportProducer(
  r: Reporting,
  info: ProducerInfo,
  producer: types.Producer,
  onClosed: () => void,
): void {
  const { roomId, emit } = r;
  const { peerId, producerId } = info;
  emit({ type: 'producerOpened', roomId, ...info });
  producer.observer.on('pause', () => {
    if (!r.closing()) emit({ type: 'producerPaused', roomId, peerId, producerId });
  });
  producer.observer.on('resume', () => {
    if (!r.closing()) emit({ type: 'producerResumed', roomId, peerId, producerId });
  });
  producer.observer.once('close', () => {
    onClosed();
    if (!r.closing()) {
      emit({ type: 'producerClosed', roomId, peerId, producerId, reason: 'producerClosed' });
    }
  });
}

/** Reports what happens to a peer's consumer because of its producer or its transport. */
export function reportConsumer(r: Reporting, peerId: string, consumer: types.Consumer): void {
  const { roomId, emit } = r;
  const consumerId = consumer.id;
  const closeEvent = (reason: CloseReason) => {
    if (r.closing()) return;
    emit({
      type: 'consumerClosed',
      roomId,
      peerId,
      consumerId,
      producerId: consumer.producerId,
      reason,
    });
  };
  consumer.on('producerclose', () => closeEvent('producerClosed'));
  consumer.on('transportclose', () => closeEvent('transportClosed'));
  consumer.on('producerpause', () =>
    emit({ type: 'consumerPaused', roomId, peerId, consumerId, byProducer: true }),
  );
  consumer.on('producerresume', () =>
    emit({ type: 'consumerResumed', roomId, peerId, consumerId, byProducer: true }),
  );
}
