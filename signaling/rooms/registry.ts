// Live state of the rooms this signaling node serves: who is in which room and
// which transports, producers and consumers each peer owns. (Cross-node state
// arrives with the room-state store; this in-memory registry is its first user.)
import type { MediaSource, PeerInfo } from '../protocol/index.js';

export interface ProducerState {
  readonly kind: 'audio' | 'video';
  readonly source: MediaSource;
  paused: boolean;
}

export interface PeerState {
  readonly id: string;
  readonly roomName: string;
  readonly displayName: string;
  readonly socketId: string;
  /** Set by `ready`: the peer can receive, and with what. */
  rtpCapabilities: Record<string, unknown> | undefined;
  readonly transports: Map<string, 'send' | 'recv'>;
  readonly producers: Map<string, ProducerState>;
  /** consumerId -> producerId */
  readonly consumers: Map<string, string>;
}

export interface RoomState {
  readonly name: string;
  readonly peers: Map<string, PeerState>;
}

export interface RoomRegistry {
  room(name: string): RoomState | undefined;
  addPeer(
    peer: Omit<PeerState, 'rtpCapabilities' | 'transports' | 'producers' | 'consumers'>,
  ): PeerState;
  /** Removes the peer; returns true when its room is now empty (and gone). */
  removePeer(roomName: string, peerId: string): boolean;
  peer(roomName: string, peerId: string): PeerState | undefined;
  rooms(): IterableIterator<RoomState>;
}

export function toPeerInfo(peer: PeerState): PeerInfo {
  return {
    id: peer.id,
    displayName: peer.displayName,
    producers: [...peer.producers].map(([producerId, p]) => ({
      producerId,
      kind: p.kind,
      source: p.source,
      paused: p.paused,
    })),
  };
}

export function resetMedia(peer: PeerState): void {
  peer.rtpCapabilities = undefined;
  peer.transports.clear();
  peer.producers.clear();
  peer.consumers.clear();
}

export function createRoomRegistry(): RoomRegistry {
  const rooms = new Map<string, RoomState>();
  return {
    room: (name) => rooms.get(name),
    addPeer(init) {
      let room = rooms.get(init.roomName);
      if (!room) {
        room = { name: init.roomName, peers: new Map() };
        rooms.set(init.roomName, room);
      }
      const peer: PeerState = {
        ...init,
        rtpCapabilities: undefined,
        transports: new Map(),
        producers: new Map(),
        consumers: new Map(),
      };
      room.peers.set(peer.id, peer);
      return peer;
    },
    removePeer(roomName, peerId) {
      const room = rooms.get(roomName);
      if (!room) return false;
      room.peers.delete(peerId);
      if (room.peers.size > 0) return false;
      rooms.delete(roomName);
      return true;
    },
    peer: (roomName, peerId) => rooms.get(roomName)?.peers.get(peerId),
    rooms: () => rooms.values(),
  };
}
