// Pausing someone else's media on the server (mute, stop video). There is no
// remote unmute: only the owner resumes their producers.
import type { SfuApi } from '../../sfu/api/index.js';
import type { MediaSource } from '../protocol/index.js';
import type { Notifier } from '../socket/notifier.js';
import type { MediaView } from './mediaView.js';
import { sourceOf, type RoomRegistry } from './registry.js';

export interface MediaPausePorts {
  readonly sfu: SfuApi;
  readonly rooms: Pick<RoomRegistry, 'peer'>;
  readonly media: Pick<MediaView, 'producersOf' | 'notePaused'>;
  readonly notify: Notifier;
}

/** Pauses producers of a peer this node serves; returns how many were paused. */
export async function pauseSources(
  ports: MediaPausePorts,
  room: string,
  peerId: string,
  sources: readonly MediaSource[],
  byName: string,
): Promise<number> {
  const peer = ports.rooms.peer(room, peerId);
  if (!peer) return 0;
  let paused = 0;
  for (const producer of ports.media.producersOf(room, peerId)) {
    const source = sourceOf(producer);
    if (!source || !sources.includes(source) || producer.paused) continue;
    const { producerId } = producer;
    await ports.sfu.call('pauseProducer', { roomId: room, peerId, producerId });
    ports.media.notePaused(room, producerId, true);
    paused += 1;
    // The others hear it from the SFU's producerPaused event.
    ports.notify.toSocket(peer.socketId, 'mutedByHost', { source, byName });
  }
  return paused;
}
