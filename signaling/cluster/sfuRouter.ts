// One SfuApi over several SFU nodes (SFU_NODES). Each room lives on one node,
// chosen by a stable hash of its name, so every signaling node places a room
// on the same SFU node without asking anybody (placement by load comes with
// the cluster's registry). Room-scoped calls go to the room's node; the
// node-wide ones are sent to every node and their answers merged; an ICE
// probe (no room) goes to the least loaded node (iceProbeNodes.ts).
import {
  SfuError,
  type SfuApi,
  type SfuEventListener,
  type SfuMethodName,
  type SfuRequest,
  type SfuResponse,
} from '../../sfu/api/index.js';
import { closeProbe, connectProbe, leastLoadedNode, type ProbeNode } from './iceProbeNodes.js';

/** FNV-1a over the name's UTF-8 bytes: stable across processes, versions and platforms. */
export function roomHash(roomId: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(roomId)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export interface SfuRouter extends SfuApi {
  /** Index (in the list given) of the node that holds this room. */
  nodeOf(roomId: string): number;
}

const roomOf = (request: unknown): string | undefined => {
  const roomId = (request as { roomId?: unknown }).roomId;
  return typeof roomId === 'string' ? roomId : undefined;
};

/** Every node's answer, or the first failure when no node answered. */
async function everyNode<T>(
  nodes: readonly SfuApi[],
  ask: (node: SfuApi) => Promise<T>,
): Promise<Array<T | undefined>> {
  const settled = await Promise.allSettled(nodes.map(ask));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed && settled.every((s) => s.status === 'rejected')) throw failed.reason;
  return settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
}

export function createSfuRouter(nodes: readonly SfuApi[]): SfuRouter {
  if (nodes.length === 0) throw new Error('an SFU router needs at least one SFU node');
  const nodeOf = (roomId: string) => roomHash(roomId) % nodes.length;
  const nodeFor = (roomId: string) => nodes[nodeOf(roomId)] as SfuApi;
  const probeNodes: ProbeNode[] = nodes.map((sfu, index) => ({ id: String(index), sfu }));

  /** Workers of all nodes numbered one after another, node by node, as getLoad lists them. */
  async function loads() {
    return everyNode(nodes, (node) => node.call('getLoad', {}));
  }

  async function call<M extends SfuMethodName>(
    method: M,
    request: SfuRequest<M>,
  ): Promise<SfuResponse<M>> {
    const roomId = roomOf(request);
    if (roomId !== undefined) return nodeFor(roomId).call(method, request);
    switch (method) {
      case 'renewLease': {
        // Every node: each holds some of this owner's rooms. A node that
        // cannot be reached fails the round (after the others were renewed).
        const settled = await Promise.allSettled(
          nodes.map((node) => node.call('renewLease', request as SfuRequest<'renewLease'>)),
        );
        const failed = settled.find((s) => s.status === 'rejected');
        if (failed) throw failed.reason;
        let rooms = 0;
        let peers = 0;
        for (const s of settled) {
          if (s.status !== 'fulfilled') continue;
          rooms += s.value.rooms;
          peers += s.value.peers;
        }
        return { rooms, peers } as SfuResponse<M>;
      }
      case 'getLoad': {
        // Workers of the nodes that answer; the index is the router's own.
        const workers = [];
        const answers = await loads();
        for (const load of answers) {
          for (const worker of load?.workers ?? []) workers.push(worker);
        }
        // The nodes together drain only when every one that answered does.
        const draining = answers.every((load) => load === undefined || load.state === 'DRAINING');
        return {
          workers: workers.map((worker, index) => ({ ...worker, index })),
          state: draining ? 'DRAINING' : 'SERVING',
        } as SfuResponse<M>;
      }
      case 'setWorkerDraining': {
        const { workerIndex, draining } = request as SfuRequest<'setWorkerDraining'>;
        let offset = 0;
        const answers = await loads();
        for (const [n, load] of answers.entries()) {
          const count = load?.workers.length ?? 0;
          if (workerIndex < offset + count) {
            const node = nodes[n] as SfuApi;
            const done = await node.call('setWorkerDraining', {
              workerIndex: workerIndex - offset,
              draining,
            });
            return { workerIndex, draining: done.draining } as SfuResponse<M>;
          }
          offset += count;
        }
        throw new SfuError('INVALID_REQUEST', `no worker ${workerIndex}`);
      }
      case 'getRtpCapabilities': {
        // The same on every node (they follow from the codec list); the first that answers.
        let lastError: unknown;
        for (const node of nodes) {
          try {
            return await node.call(method, request);
          } catch (error) {
            lastError = error;
          }
        }
        throw lastError;
      }
      // A probe is in no room: the least loaded node takes it; it is found where it is.
      case 'openIceProbe':
        return (await leastLoadedNode(probeNodes)).sfu.call(method, request);
      case 'connectIceProbe':
        return (await connectProbe(
          probeNodes,
          request as SfuRequest<'connectIceProbe'>,
        )) as SfuResponse<M>;
      case 'closeIceProbe':
        return (await closeProbe(
          probeNodes,
          request as SfuRequest<'closeIceProbe'>,
        )) as SfuResponse<M>;
      case 'setNodeDraining':
        // Which node is meant is said by calling that node (the cluster's admin API does).
        throw new SfuError('INVALID_REQUEST', 'setNodeDraining is asked of one node, not of all');
      default:
        throw new SfuError('INVALID_REQUEST', `${method} needs a room`);
    }
  }

  return {
    call,
    nodeOf,
    onEvent(listener: SfuEventListener) {
      const stops = nodes.map((node) => node.onEvent(listener));
      return () => {
        for (const stop of stops) stop();
      };
    },
    watchRoom: (roomId) => nodeFor(roomId).watchRoom(roomId),
    unwatchRoom: (roomId) => nodeFor(roomId).unwatchRoom(roomId),
    async close() {
      await Promise.all(nodes.map((node) => node.close()));
    },
  };
}
