// Where the admin API learns which SFU nodes there are and how to reach each:
// the one SFU inside this process, a fixed SFU_NODES list, or the cluster's
// registry. Each source says which node carries a room's media and, where a
// room may span nodes (the registry), the node of each participant's media.
import type { NodeRecord, SfuApi } from '../../sfu/api/index.js';
import type { NodeDirectory } from '../cluster/nodeDirectory.js';

export interface SfuNodeHandle {
  readonly id: string;
  /** The node's own record, when the source has one (the registry). */
  readonly record?: NodeRecord;
  /** Where signaling reaches it; undefined for the SFU inside this process. */
  readonly internalUrl?: string;
  readonly sfu: SfuApi;
}

export interface SfuNodeSource {
  nodes(): Promise<readonly SfuNodeHandle[]>;
  /** The node a room's media is on (its home, when it spans nodes), when known. */
  nodeOfRoom(room: string): Promise<string | undefined>;
  /**
   * The node each placed peer's media sit on, when a room may span nodes
   * (the registry); peers not listed are on the room's node.
   */
  nodesOfPeers?(room: string): Promise<ReadonlyMap<string, string>>;
  /** Rooms closed on a migrating node are opened on other nodes (placement by load). */
  readonly canMigrate?: boolean;
}

/** The id admins see for the SFU running inside this signaling process. */
export const EMBEDDED_NODE_ID = 'embedded';

export function embeddedNodeSource(sfu: SfuApi): SfuNodeSource {
  const handle: SfuNodeHandle = { id: EMBEDDED_NODE_ID, sfu };
  return {
    nodes: async () => [handle],
    nodeOfRoom: async () => EMBEDDED_NODE_ID,
  };
}

/** A node of a fixed list is named by its URL's host and port: stable, and what operators wrote. */
export function fixedNodeId(url: string): string {
  return new URL(url).host;
}

/**
 * A fixed SFU_NODES list, in its order; `nodeOf` is the router's choice of
 * node (index into the list) for a room.
 */
export function fixedNodeSource(
  nodes: ReadonlyArray<{ url: string; sfu: SfuApi }>,
  nodeOf: (room: string) => number,
): SfuNodeSource {
  const handles: SfuNodeHandle[] = nodes.map(({ url, sfu }) => ({
    id: fixedNodeId(url),
    internalUrl: url,
    sfu,
  }));
  return {
    nodes: async () => handles,
    nodeOfRoom: async (room) => handles[nodeOf(room)]?.id,
  };
}

/**
 * The cluster's registry (SFU_NODES=registry): the live nodes with their own
 * records; `clientFor` gives the connection to a node (made once, kept by the
 * caller), `homeOf` the node a room was placed on, `nodesOfPeers` where
 * each of its peers' media sit.
 */
export function registryNodeSource(
  directory: Pick<NodeDirectory, 'snapshot'>,
  clientFor: (record: NodeRecord) => SfuApi,
  homeOf: (room: string) => Promise<string | undefined>,
  nodesOfPeers: (room: string) => Promise<ReadonlyMap<string, string>>,
): SfuNodeSource {
  return {
    async nodes() {
      return (await directory.snapshot()).map((record) => ({
        id: record.nodeId,
        record,
        internalUrl: record.internalUrl,
        sfu: clientFor(record),
      }));
    },
    nodeOfRoom: homeOf,
    nodesOfPeers,
    canMigrate: true,
  };
}
