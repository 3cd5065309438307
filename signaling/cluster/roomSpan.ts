// What this signaling node knows of how its rooms spread over SFU nodes: the
// node each of its peers' media sit on (a cache of peerNodes.ts), the node
// each producer comes from (learnt from events, listings and produce
// replies), and the nodes where a room has a part. Memory only; it is
// rebuilt from the records and the nodes' listings after a restart.
export interface RoomSpan {
  notePeer(roomId: string, peerId: string, nodeId: string): void;
  nodeOf(roomId: string, peerId: string): string | undefined;
  forgetPeer(roomId: string, peerId: string): void;
  /** This node's peers of the room and the node each one's media sit on. */
  peers(roomId: string): ReadonlyMap<string, string>;
  /** This node's peers whose media sit on `nodeId`. */
  peersOn(roomId: string, nodeId: string): string[];
  noteProducer(roomId: string, producerId: string, nodeId: string): void;
  producerNode(roomId: string, producerId: string): string | undefined;
  forgetProducer(roomId: string, producerId: string): void;
  notePart(roomId: string, nodeId: string): void;
  hasPart(roomId: string, nodeId: string): boolean;
  /** The room's part on that node is gone, with its peers' media and producers. */
  forgetNode(roomId: string, nodeId: string): void;
  forgetRoom(roomId: string): void;
}

interface Span {
  peers: Map<string, string>;
  producers: Map<string, string>;
  parts: Set<string>;
}

export function createRoomSpan(): RoomSpan {
  const rooms = new Map<string, Span>();
  const of = (roomId: string): Span => {
    let span = rooms.get(roomId);
    if (!span)
      rooms.set(roomId, (span = { peers: new Map(), producers: new Map(), parts: new Set() }));
    return span;
  };
  return {
    notePeer(roomId, peerId, nodeId) {
      const span = of(roomId);
      span.peers.set(peerId, nodeId);
      span.parts.add(nodeId);
    },
    nodeOf: (roomId, peerId) => rooms.get(roomId)?.peers.get(peerId),
    forgetPeer(roomId, peerId) {
      rooms.get(roomId)?.peers.delete(peerId);
    },
    peers: (roomId) => new Map(rooms.get(roomId)?.peers ?? []),
    peersOn(roomId, nodeId) {
      const span = rooms.get(roomId);
      return span
        ? [...span.peers].filter(([, on]) => on === nodeId).map(([peerId]) => peerId)
        : [];
    },
    noteProducer(roomId, producerId, nodeId) {
      const span = of(roomId);
      span.producers.set(producerId, nodeId);
      span.parts.add(nodeId);
    },
    producerNode: (roomId, producerId) => rooms.get(roomId)?.producers.get(producerId),
    forgetProducer(roomId, producerId) {
      rooms.get(roomId)?.producers.delete(producerId);
    },
    notePart(roomId, nodeId) {
      of(roomId).parts.add(nodeId);
    },
    hasPart: (roomId, nodeId) => rooms.get(roomId)?.parts.has(nodeId) ?? false,
    forgetNode(roomId, nodeId) {
      const span = rooms.get(roomId);
      if (!span) return;
      span.parts.delete(nodeId);
      for (const [producerId, on] of span.producers) {
        if (on === nodeId) span.producers.delete(producerId);
      }
    },
    forgetRoom(roomId) {
      rooms.delete(roomId);
    },
  };
}
