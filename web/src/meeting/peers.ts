// The other participants as the notifications describe them: pure functions
// from one immutable state to the next.
import type { MediaSource, MeetingRoleName, PeerInfo } from '../../../signaling/protocol/index.js';

export interface RemoteProducer {
  /** Unknown while only a pause/resume notification mentioned the producer. */
  readonly source: MediaSource | undefined;
  readonly paused: boolean;
}

export interface RemotePeer {
  readonly id: string;
  readonly displayName: string;
  readonly role: MeetingRoleName;
  /** Joined by invite link. */
  readonly guest: boolean;
  /**
   * False while we know the peer only from media notifications that overtook
   * its peerJoined: kept so nothing is lost, but not shown.
   */
  readonly announced: boolean;
  /** Their connection dropped; the server keeps their place for a while. */
  readonly reconnecting: boolean;
  /** producerId -> state */
  readonly producers: ReadonlyMap<string, RemoteProducer>;
}

/** peerId -> peer, in the order they arrived. */
export type Peers = ReadonlyMap<string, RemotePeer>;

function fromInfo(info: PeerInfo): RemotePeer {
  return {
    id: info.id,
    displayName: info.displayName,
    role: info.role,
    guest: info.guest,
    announced: true,
    reconnecting: info.reconnecting,
    producers: new Map(
      info.producers.map((p) => [p.producerId, { source: p.source, paused: p.paused }]),
    ),
  };
}

function updatePeer(peers: Peers, peerId: string, update: (peer: RemotePeer) => RemotePeer): Peers {
  const peer = peers.get(peerId) ?? {
    id: peerId,
    displayName: '',
    role: 'participant',
    guest: false,
    announced: false,
    reconnecting: false,
    producers: new Map(),
  };
  return new Map(peers).set(peerId, update(peer));
}

function withProducer(peer: RemotePeer, producerId: string, producer: RemoteProducer): RemotePeer {
  return { ...peer, producers: new Map(peer.producers).set(producerId, producer) };
}

export function peersFromJoin(list: readonly PeerInfo[]): Peers {
  return new Map(list.map((info) => [info.id, fromInfo(info)]));
}

export function peerJoined(peers: Peers, info: PeerInfo): Peers {
  const known = peers.get(info.id);
  const joined = fromInfo(info);
  // Keep what later notifications already said about its producers.
  const producers = known ? new Map([...joined.producers, ...known.producers]) : joined.producers;
  return new Map(peers).set(info.id, { ...joined, producers });
}

/**
 * Role, name or connection changed; what media notifications said about
 * producers stays (a dropped peer's consumers close on their own).
 */
export function peerUpdated(peers: Peers, info: PeerInfo): Peers {
  const known = peers.get(info.id);
  if (!known) return peerJoined(peers, info);
  return new Map(peers).set(info.id, {
    ...known,
    displayName: info.displayName,
    role: info.role,
    guest: info.guest,
    reconnecting: info.reconnecting,
    announced: true,
  });
}

export function peerLeft(peers: Peers, peerId: string): Peers {
  if (!peers.has(peerId)) return peers;
  const next = new Map(peers);
  next.delete(peerId);
  return next;
}

/**
 * A consumer for the producer exists. Its paused flag is a snapshot taken when
 * the server created the consumer; a pause/resume notification already seen
 * for this producer is at least as recent, so it wins.
 */
export function producerConsumed(
  peers: Peers,
  peerId: string,
  producerId: string,
  source: MediaSource,
  paused: boolean,
): Peers {
  return updatePeer(peers, peerId, (peer) =>
    withProducer(peer, producerId, {
      source,
      paused: peer.producers.get(producerId)?.paused ?? paused,
    }),
  );
}

export function producerPausedChanged(
  peers: Peers,
  peerId: string,
  producerId: string,
  paused: boolean,
): Peers {
  return updatePeer(peers, peerId, (peer) =>
    withProducer(peer, producerId, { source: peer.producers.get(producerId)?.source, paused }),
  );
}

/** The producer closed (its consumer was closed by the server). */
export function producerClosed(peers: Peers, producerId: string): Peers {
  for (const peer of peers.values()) {
    if (!peer.producers.has(producerId)) continue;
    const producers = new Map(peer.producers);
    producers.delete(producerId);
    // What is left of a peer that never showed up (it left meanwhile) goes.
    if (!peer.announced && producers.size === 0) return peerLeft(peers, peer.id);
    return new Map(peers).set(peer.id, { ...peer, producers });
  }
  return peers;
}

/** The participants to show, in the order they arrived. */
export const visiblePeers = (peers: Peers): RemotePeer[] =>
  [...peers.values()].filter((peer) => peer.announced);

/** After a media reset every producer in the room is gone until re-produced. */
export function withoutProducers(peers: Peers): Peers {
  return new Map([...peers].map(([id, peer]) => [id, { ...peer, producers: new Map() }]));
}

/** Whether the peer sends this source unpaused. */
export function isLive(peer: RemotePeer, source: MediaSource): boolean {
  for (const producer of peer.producers.values()) {
    if (producer.source === source && !producer.paused) return true;
  }
  return false;
}
