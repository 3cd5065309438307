// The connections this signaling node serves and what each uses in the SFU:
// its transports and consumers (producers are the SFU's to say: see
// mediaView.ts). Roles, lobby and hands are control state and live in the
// room-state store instead.
import type { ProducerInfo } from '../../sfu/api/index.js';
import {
  mediaSourceSchema,
  type MediaSource,
  type PeerInfo,
  type RtpCapabilities,
} from '../protocol/index.js';
import type { MemberState } from './control.js';

export interface PeerState {
  /**
   * The member's peer id, which is also its peer id in the SFU: a resumed
   * connection carries on with the same SFU peer (its owner, not its id,
   * tells the old connection from the new one).
   */
  readonly id: string;
  readonly roomName: string;
  /** The SFU room's epoch this connection's media belongs to (see SfuEvent). */
  epoch: string;
  readonly userId: string;
  readonly displayName: string;
  readonly socketId: string;
  /** Set by `ready`: the peer can receive, and with what. */
  rtpCapabilities: RtpCapabilities | undefined;
  readonly transports: Map<string, 'send' | 'recv'>;
  /** consumerId -> producerId */
  readonly consumers: Map<string, string>;
  /**
   * Producers this peer receives or is being given a consumer for: at most
   * one consumer per (receiver, producer), even while one is in flight.
   * producerId -> the claim of the consume that holds it.
   */
  readonly receiving: Map<string, symbol>;
}

type MediaFields = 'rtpCapabilities' | 'transports' | 'consumers' | 'receiving';

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
  rooms(): IterableIterator<RoomState>;
}

/** The source a producer was labelled with at `produce` (undefined for a label of no source). */
export function sourceOf(producer: Pick<ProducerInfo, 'label'>): MediaSource | undefined {
  const parsed = mediaSourceSchema.safeParse(producer.label);
  return parsed.success ? parsed.data : undefined;
}

/** A member as others see it, with its producers as the SFU has them. */
export function toPeerInfo(member: MemberState, producers: readonly ProducerInfo[]): PeerInfo {
  return {
    id: member.peerId,
    displayName: member.displayName,
    role: member.role,
    guest: member.guest,
    reconnecting: member.disconnectedAt !== undefined,
    producers: producers.flatMap((p) => {
      const source = sourceOf(p);
      if (!source || p.peerId !== member.peerId) return [];
      return [{ producerId: p.producerId, kind: p.kind, source, paused: p.paused }];
    }),
  };
}

export function resetMedia(peer: PeerState): void {
  peer.rtpCapabilities = undefined;
  peer.transports.clear();
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
    rooms: () => rooms.values(),
  };
}
