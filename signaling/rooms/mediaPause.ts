// Pausing someone else's media on the server (mute, stop video). There is no
// remote unmute: only the owner resumes their producers.
import type { SfuApi } from '../../sfu/api/index.js';
import type { MediaSource } from '../protocol/index.js';
import type { Notifier } from '../socket/notifier.js';
import type { RoomRegistry } from './registry.js';

export interface MediaPausePorts {
  readonly sfu: SfuApi;
  readonly rooms: Pick<RoomRegistry, 'peer'>;
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
  for (const [producerId, producer] of peer.producers) {
    if (!sources.includes(producer.source) || producer.paused) continue;
    await ports.sfu.call('pauseProducer', { roomId: room, peerId: peer.mediaId, producerId });
    producer.paused = true;
    paused += 1;
    ports.notify.toRoom(room, 'producerPaused', { peerId, producerId });
    ports.notify.toSocket(peer.socketId, 'mutedByHost', { source: producer.source, byName });
  }
  return paused;
}
