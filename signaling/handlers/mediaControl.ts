// Pausing someone else's media on the server (mute, stop video). There is no
// remote unmute: only the owner resumes their producers.
import type { Services } from '../core/context.js';
import type { MediaSource } from '../protocol/index.js';

/** Pauses producers of a peer this node serves; returns how many were paused. */
export async function pauseSources(
  services: Services,
  room: string,
  peerId: string,
  sources: readonly MediaSource[],
  byName: string,
): Promise<number> {
  const peer = services.rooms.peer(room, peerId);
  if (!peer) return 0;
  let paused = 0;
  for (const [producerId, producer] of peer.producers) {
    if (!sources.includes(producer.source) || producer.paused) continue;
    await services.sfu.call('pauseProducer', { roomId: room, peerId: peer.mediaId, producerId });
    producer.paused = true;
    paused += 1;
    services.notify.toRoom(room, 'producerPaused', { peerId, producerId });
    services.notify.toSocket(peer.socketId, 'mutedByHost', { source: producer.source, byName });
  }
  return paused;
}
