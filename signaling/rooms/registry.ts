// Media state of the peers this signaling node serves: which transports,
// producers and consumers each owns in the SFU. Roles, lobby and hands are
// control state and live in the room-state store instead.
import type { MediaSource, PeerInfo, RtpCapabilities } from '../protocol/index.js';
import type { MemberState } from './control.js';

export interface ProducerState {
  readonly kind: 'audio' | 'video';
  readonly source: MediaSource;
  paused: boolean;
}

export interface PeerState {
  readonly id: string;
  /**
   * The peer's id in the SFU: one per connection, so the media of a dropped
   * connection and of its resumed successor never mix.
   */
  readonly mediaId: string;
  readonly roomName: string;
  readonly userId: string;
  readonly displayName: string;
  readonly socketId: string;
  /** Set by `ready`: the peer can receive, and with what. */
  rtpCapabilities: RtpCapabilities | undefined;
  readonly transports: Map<string, 'send' | 'recv'>;
  readonly producers: Map<string, ProducerState>;
  /** consumerId -> producerId */
  readonly consumers: Map<string, string>;
  /**
   * Producers this peer receives or is being given a consumer for: at most
   * one consumer per (receiver, producer), even while one is in flight.
   * producerId -> the claim of the consume that holds it.
   */
  readonly receiving: Map<string, symbol>;
}

type MediaFields = 'rtpCapabilities' | 'transports' | 'producers' | 'consumers' | 'receiving';

export interface RoomState {
  readonly name: string;
  readonly peers: Map<string, PeerState>;
}

export interface RoomRegistry {
  room(name: string): RoomState | undefined;
  addPeer(peer: Omit<PeerState, MediaFields>): PeerState;
  /**
   * Removes the peer (only that very entry, when `expected` is given: a
   * resumed peer with the same id must not lose its new entry); returns true
   * when its room has no peer left on this node.
   */
  removePeer(roomName: string, peerId: string, expected?: PeerState): boolean;
  peer(roomName: string, peerId: string): PeerState | undefined;
  /** The peer whose current connection has this SFU id. */
  peerByMedia(roomName: string, mediaId: string): PeerState | undefined;
  rooms(): IterableIterator<RoomState>;
}

/** SFU id of a peer's connection: `<peerId>:<connection>`. */
export const mediaIdOf = (peerId: string, connection: string): string => `${peerId}:${connection}`;
const mediaPeerId = (mediaId: string): string => mediaId.split(':')[0] ?? mediaId;

export function toPeerInfo(member: MemberState, media: PeerState | undefined): PeerInfo {
  return {
    id: member.peerId,
    displayName: member.displayName,
    role: member.role,
    guest: member.guest,
    reconnecting: member.disconnectedAt !== undefined,
    producers: [...(media?.producers ?? [])].map(([producerId, p]) => ({
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
  peer.receiving.clear();
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
        receiving: new Map(),
      };
      room.peers.set(peer.id, peer);
      return peer;
    },
    removePeer(roomName, peerId, expected) {
      const room = rooms.get(roomName);
      if (!room) return false;
      if (expected === undefined || room.peers.get(peerId) === expected) room.peers.delete(peerId);
      if (room.peers.size > 0) return false;
      rooms.delete(roomName);
      return true;
    },
    peer: (roomName, peerId) => rooms.get(roomName)?.peers.get(peerId),
    peerByMedia(roomName, mediaId) {
      const peer = rooms.get(roomName)?.peers.get(mediaPeerId(mediaId));
      return peer?.mediaId === mediaId ? peer : undefined;
    },
    rooms: () => rooms.values(),
  };
}
