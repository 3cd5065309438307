// Where a room's media live, decided from a snapshot of the registry. Pure:
// no I/O, no clock of its own (the caller passes `now`), so every rule here is
// a row in a table test and two signaling nodes given the same snapshot decide
// the same. A room has a home node and may span others: each peer's media sit
// on one node. Which worker inside a node takes a peer stays the node's own
// choice.
import type { NodeRecord } from '../../sfu/api/registry.js';

/** How many consumers a node is sized for: workers × SFU_CONSUMERS_PER_WORKER. */
export const capacityOf = (node: NodeRecord): number =>
  node.workers.length * node.consumersPerWorker;

/** Consumers the node carries now (what capacity is counted in). */
export const loadOf = (node: NodeRecord): number =>
  node.workers.reduce((sum, worker) => sum + worker.consumers, 0);

/** Rooms the node carries: one router per room and worker it uses. */
export const roomsOf = (node: NodeRecord): number =>
  node.workers.reduce((sum, worker) => sum + worker.routers, 0);

export const spareOf = (node: NodeRecord): number => capacityOf(node) - loadOf(node);

/**
 * Nodes whose record was renewed within `staleAfterMs` of `now` (three beats):
 * a node that stopped beating is gone even before its key expires.
 */
export function liveNodes(
  snapshot: readonly NodeRecord[],
  now: number,
  staleAfterMs: number,
): NodeRecord[] {
  return snapshot.filter((node) => now - node.updatedAt <= staleAfterMs);
}

/**
 * Most spare consumer capacity first; ties go to the node with fewer rooms,
 * then to the smaller id, so the order never depends on the snapshot's order.
 */
function better(a: NodeRecord, b: NodeRecord): number {
  return (
    spareOf(b) - spareOf(a) ||
    roomsOf(a) - roomsOf(b) ||
    (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0)
  );
}

/** The node a NEW room should open on, or undefined when no SERVING node has room left. */
export function pickNewHome(live: readonly NodeRecord[]): NodeRecord | undefined {
  const candidates = live.filter((node) => node.state === 'SERVING' && spareOf(node) > 0);
  return [...candidates].sort(better)[0];
}

export type HomeDecision =
  /** The recorded home is live: the room stays there (even while it drains). */
  | { kind: 'keep'; nodeId: string }
  /** No home, or its node is gone: open the room here (record it first). */
  | { kind: 'place'; nodeId: string; replaces: string | undefined }
  /** Nothing can take the room. */
  | { kind: 'full' };

/**
 * Where a room's media go. A room with a live home keeps it, DRAINING or not,
 * while that home still has the room (`recordedHasRoom`): its meeting goes on
 * there; only new rooms avoid draining nodes. A draining home that no longer
 * has the room (it migrated its rooms away, or the record outlived the
 * meeting) is replaced, like a home whose node left the registry.
 */
export function decideHome(
  live: readonly NodeRecord[],
  recorded: string | undefined,
  recordedHasRoom = true,
): HomeDecision {
  const node = live.find((n) => n.nodeId === recorded);
  if (recorded !== undefined && node && (node.state === 'SERVING' || recordedHasRoom)) {
    return { kind: 'keep', nodeId: recorded };
  }
  const next = pickNewHome(live);
  return next ? { kind: 'place', nodeId: next.nodeId, replaces: recorded } : { kind: 'full' };
}

export type PeerDecision =
  /** The peer's media stay where they are (its node is live). */
  | { kind: 'keep'; nodeId: string }
  /** The peer's media go to this node (record it first). */
  | { kind: 'place'; nodeId: string; replaces: string | undefined }
  /** No node can take the peer. */
  | { kind: 'full' };

const servingWithSpare = (node: NodeRecord | undefined): node is NodeRecord =>
  node !== undefined && node.state === 'SERVING' && spareOf(node) > 0;

/**
 * Which SFU node carries a peer's media. A peer already placed on a live
 * node stays (a resume, a rebuilt transport) — on a DRAINING node only while
 * it still has the room (`currentHasRoom`: a migrating node closed it). A newcomer goes to the room's
 * nodes — `roomNodes`, the home first, then the others by spare capacity —
 * unless they are full or DRAINING; then to the least-loaded SERVING node,
 * so the room spans one node more. When every SERVING node is full, a room
 * node that drains but has room left still takes it: a meeting is not
 * refused while its own nodes have space.
 */
export function decidePeerNode(
  live: readonly NodeRecord[],
  roomNodes: readonly string[],
  current: string | undefined,
  currentHasRoom = true,
): PeerDecision {
  const byId = new Map(live.map((node) => [node.nodeId, node]));
  const now = current === undefined ? undefined : byId.get(current);
  if (current !== undefined && now && (now.state === 'SERVING' || currentHasRoom)) {
    return { kind: 'keep', nodeId: current };
  }
  const [home, ...others] = roomNodes.filter(
    (id, i) => byId.has(id) && roomNodes.indexOf(id) === i,
  );
  const ordered = [
    ...(home === undefined ? [] : [byId.get(home) as NodeRecord]),
    ...others.map((id) => byId.get(id) as NodeRecord).sort(better),
  ];
  const chosen =
    ordered.find(servingWithSpare) ??
    pickNewHome(live) ??
    ordered.find((node) => spareOf(node) > 0);
  return chosen ? { kind: 'place', nodeId: chosen.nodeId, replaces: current } : { kind: 'full' };
}

/** No SFU node can take the room or the peer: the join fails with CAPACITY_EXCEEDED. */
export class CapacityExceededError extends Error {
  override readonly name = 'CapacityExceededError';
  constructor(readonly roomId: string) {
    super(`no SFU node can take room ${roomId}`);
  }
}
