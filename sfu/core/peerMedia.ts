// What one peer holds in a room: the router its media was placed on, and its
// transports, producers and consumers (each removed from its map when it
// closes).
import type { types } from 'mediasoup';
import type { ProducerInfo, TransportDirection } from '../api/methods.js';
import type { RoomRouter } from './roomRouters.js';

export interface PeerMedia {
  /** Set by closePeer: whatever an in-flight request creates for it afterwards is closed. */
  closed: boolean;
  /** The router the peer's media is on, chosen with its first transport. */
  placed: Promise<RoomRouter> | undefined;
  router: RoomRouter | undefined;
  readonly transports: Map<string, types.WebRtcTransport>;
  readonly producers: Map<string, types.Producer>;
  readonly consumers: Map<string, types.Consumer>;
}

export const newPeerMedia = (): PeerMedia => ({
  closed: false,
  placed: undefined,
  router: undefined,
  transports: new Map(),
  producers: new Map(),
  consumers: new Map(),
});

/** What a peer holds in the room, as attachPeer answers it. */
export interface PeerSnapshot {
  transports: { transportId: string; direction: TransportDirection }[];
  producers: ProducerInfo[];
  consumers: {
    consumerId: string;
    producerId: string;
    kind: 'audio' | 'video';
    paused: boolean;
    producerPaused: boolean;
  }[];
}

export function snapshotOf(
  media: PeerMedia,
  describe: (producer: types.Producer) => ProducerInfo,
): PeerSnapshot {
  return {
    transports: [...media.transports.values()].map((t) => ({
      transportId: t.id,
      direction: (t.appData as { direction: TransportDirection }).direction,
    })),
    producers: [...media.producers.values()].map(describe),
    consumers: [...media.consumers.values()].map((c) => ({
      consumerId: c.id,
      producerId: c.producerId,
      kind: c.kind,
      paused: c.paused,
      producerPaused: c.producerPaused,
    })),
  };
}
