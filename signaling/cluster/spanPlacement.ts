// Where a spanning room's media go, as the cluster router decides it: the
// room's home (placed by load, recorded with compare-and-set) and each
// peer's node (the room's nodes first, recorded the same way). The rules are
// the pure functions of placement.ts; this module reads the registry and the
// records, asks a draining node whether it still has a room, and writes the
// decisions.
import { SfuError, type NodeRecord, type SfuApi } from '../../sfu/api/index.js';
import type { Logger } from '../core/logger.js';
import type { PeerNodes } from './peerNodes.js';
import { CapacityExceededError, decideHome, decidePeerNode } from './placement.js';
import type { RoomHomes } from './roomHomes.js';
import type { RoomSpan } from './roomSpan.js';

/** Another writer replaced a record between our read and our write this many times: give up. */
const PLACE_ATTEMPTS = 5;

export interface SpanPlacementPorts {
  homes: RoomHomes;
  peers: PeerNodes;
  /** The client of a live node. */
  clients: { get(node: NodeRecord): SfuApi };
  /** Reads the registry (and updates `live`). */
  liveNodes(): Promise<NodeRecord[]>;
  /** The live nodes as last read, by id. */
  live: ReadonlyMap<string, NodeRecord>;
  /** Room → its home as last resolved (written here). */
  known: Map<string, NodeRecord>;
  span: RoomSpan;
  log: Logger;
}

export interface SpanPlacement {
  place(roomId: string): Promise<NodeRecord>;
  findHome(roomId: string): Promise<NodeRecord>;
  nodeOfPeer(roomId: string, peerId: string): Promise<string>;
  placePeer(roomId: string, peerId: string, home: string): Promise<string>;
}

export function createSpanPlacement(ports: SpanPlacementPorts): SpanPlacement {
  const { homes, peers, clients, liveNodes, live, known, span, log } = ports;

  /** The room's home for opening it: kept when live, else placed by load (compare-and-set). */
  async function place(roomId: string): Promise<NodeRecord> {
    let recorded = await homes.get(roomId);
    for (let attempt = 0; attempt < PLACE_ATTEMPTS; attempt++) {
      const nodes = await liveNodes();
      const decision = decideHome(nodes, recorded, await stillHas(roomId, recorded));
      if (decision.kind === 'full') throw new CapacityExceededError(roomId);
      let home = decision.nodeId;
      if (decision.kind === 'place') {
        const won = await homes.compareAndSet(roomId, decision.replaces, decision.nodeId);
        if (won !== decision.nodeId) {
          // Another signaling node placed it first (or the record changed): theirs, if live.
          recorded = won;
          if (won === undefined || !live.has(won)) continue;
          home = won;
        } else if (decision.replaces !== undefined) {
          log.info({ room: roomId, from: decision.replaces, to: home }, 'room moved to a new home');
        }
      }
      const node = live.get(home) as NodeRecord;
      known.set(roomId, node);
      return node;
    }
    throw new SfuError('SFU_UNAVAILABLE', `the home of room ${roomId} kept changing`);
  }

  /**
   * Whether a DRAINING node still has the room (a migrating node closed it:
   * it is to be opened elsewhere). Asked only of draining nodes; a serving
   * node, or one that does not answer, counts as having it.
   */
  async function stillHas(roomId: string, nodeId: string | undefined): Promise<boolean> {
    const node = nodeId === undefined ? undefined : live.get(nodeId);
    if (!node || node.state !== 'DRAINING') return true;
    try {
      return (await clients.get(node).call('inspectRoom', { roomId })).exists;
    } catch {
      return true;
    }
  }

  /** The live home of a room already open somewhere; none: the room has no media now. */
  async function findHome(roomId: string): Promise<NodeRecord> {
    const cached = known.get(roomId);
    if (cached) return cached;
    await liveNodes();
    const home = await homes.get(roomId);
    const node = home === undefined ? undefined : live.get(home);
    if (!node) throw new SfuError('ROOM_NOT_ON_NODE', `room ${roomId} has no live home`);
    known.set(roomId, node);
    return node;
  }

  /** The node a peer's media sit on: recorded, else the home (peers placed before spanning). */
  async function nodeOfPeer(roomId: string, peerId: string): Promise<string> {
    let nodeId = span.nodeOf(roomId, peerId);
    if (nodeId === undefined) {
      nodeId = (await peers.get(roomId, peerId)) ?? (await findHome(roomId)).nodeId;
      if (live.has(nodeId)) span.notePeer(roomId, peerId, nodeId);
    }
    if (!live.has(nodeId)) {
      await liveNodes();
      if (!live.has(nodeId)) {
        throw new SfuError('ROOM_NOT_ON_NODE', `the media node of peer ${peerId} is gone`);
      }
    }
    return nodeId;
  }

  /** Places a peer being attached: where it is if live, else by placement (compare-and-set). */
  async function placePeer(roomId: string, peerId: string, home: string): Promise<string> {
    let recorded = await peers.get(roomId, peerId);
    for (let attempt = 0; attempt < PLACE_ATTEMPTS; attempt++) {
      const nodes = await liveNodes();
      const roomNodes = [home, ...new Set((await peers.all(roomId)).values())];
      const decision = decidePeerNode(nodes, roomNodes, recorded, await stillHas(roomId, recorded));
      if (decision.kind === 'full') throw new CapacityExceededError(roomId);
      if (decision.kind === 'keep') return decision.nodeId;
      const won = await peers.compareAndSet(roomId, peerId, decision.replaces, decision.nodeId);
      if (won === decision.nodeId) {
        if (decision.nodeId !== home) {
          log.info({ room: roomId, peer: peerId, node: won }, 'peer placed off the room’s home');
        }
        return won;
      }
      recorded = won;
      if (won !== undefined && live.has(won)) return won;
    }
    throw new SfuError('SFU_UNAVAILABLE', `the node of peer ${peerId} kept changing`);
  }

  return { place, findHome, nodeOfPeer, placePeer };
}
