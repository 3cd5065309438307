// The port through which signaling learns which SFU nodes are alive and how
// loaded they are. Placement, the SFU router and the admin views read it; the
// registry in Redis (registry.ts) is its cluster implementation.
import type { NodeRecord } from '../../sfu/api/registry.js';

export interface NodeDirectory {
  /**
   * The live nodes, sorted by node id: records whose key has not expired and
   * whose `updatedAt` is younger than three heartbeats, minus nodes reported
   * unreachable (below) until they are reachable again.
   */
  snapshot(): Promise<NodeRecord[]>;
  /**
   * Called with the live nodes whenever a node arrives, leaves, or changes
   * state, incarnation or addresses (checked every heartbeat and at once on
   * `markGone`/`markReachable`; load changes alone do not count). Returns the
   * unsubscribe.
   */
  onChange(listener: (nodes: NodeRecord[]) => void): () => void;
  /**
   * Signaling's connection to this incarnation of the node dropped: it is
   * gone at once, without waiting for its key to expire (the node may still
   * be renewing it, cut off from us only). A record of another incarnation
   * is live again.
   */
  markGone(nodeId: string, incarnation: string): void;
  /** The connection to the node is back: its record counts again. */
  markReachable(nodeId: string): void;
  close(): Promise<void>;
}
