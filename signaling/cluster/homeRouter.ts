// One SfuApi over the SFU nodes of the registry (SFU_NODES=registry). Each
// room lives on one node, its home: chosen by load when the room opens
// (placement.ts), recorded with compare-and-set (roomHomes.ts) so every
// signaling node sends the room to the same node, and kept while that node
// is live, draining or not. Room-scoped calls go to the home; node-wide ones
// to every live node, answered as the fixed-list router answers them.
import {
  SfuError,
  type NodeRecord,
  type SfuApi,
  type SfuEventListener,
  type SfuMethodName,
  type SfuRequest,
  type SfuResponse,
} from '../../sfu/api/index.js';
import type { Logger } from '../core/logger.js';
import type { NodeDirectory } from './nodeDirectory.js';
import { CapacityExceededError, decideHome, homeTakesPeer } from './placement.js';
import type { RoomHomes } from './roomHomes.js';
import { createSfuRouter } from './sfuRouter.js';

export interface HomeRouterOptions {
  directory: Pick<NodeDirectory, 'snapshot' | 'onChange'>;
  homes: RoomHomes;
  /** The nodes' clients, opened on first use; their owner closes them. */
  clients: NodeClientPool;
  log: Logger;
}

/** One client per registry node, opened when first needed (the remote SFU clients). */
export interface NodeClientPool {
  /** The client of this live node. */
  get(node: NodeRecord): SfuApi;
  /** Events of every node's client, present and future. */
  onEvent(listener: SfuEventListener): () => void;
  /** A client's connection came back: the rooms watched on it need resynchronising. */
  onReconnect(listener: () => void): () => void;
}

export interface HomeRouter extends SfuApi {
  /** The room's home as this router last knew it (tests, admin views). */
  homeOf(roomId: string): string | undefined;
  /**
   * Watched rooms are to be resynchronised: a node's connection came back
   * (events meanwhile were lost), or a node restarted or left the registry
   * (its rooms are gone: they are opened again, on it or elsewhere).
   */
  onReconnect(listener: () => void): () => void;
}

/** Another writer replaced the home between our read and our write this many times: give up. */
const PLACE_ATTEMPTS = 5;

const roomOf = (request: unknown): string | undefined => {
  const roomId = (request as { roomId?: unknown }).roomId;
  return typeof roomId === 'string' ? roomId : undefined;
};

export function createHomeRouter(options: HomeRouterOptions): HomeRouter {
  const { directory, homes, clients } = options;
  const log = options.log.child({ component: 'home-router' });
  const reconnectListeners = new Set<() => void>();
  /** Live nodes as last seen, by id. */
  const live = new Map<string, NodeRecord>();
  /** Room → its home, as last resolved here (only while that incarnation is live). */
  const known = new Map<string, NodeRecord>();
  /** Rooms this node watches (has peers in) → the client they are watched on. */
  const watched = new Map<string, SfuApi | undefined>();
  let closed = false;

  function notifyReconnect(): void {
    for (const listener of [...reconnectListeners]) listener();
  }
  const stopReconnects = clients.onReconnect(notifyReconnect);

  function see(nodes: readonly NodeRecord[]): void {
    live.clear();
    for (const node of nodes) live.set(node.nodeId, node);
  }

  // A node that left the registry or restarted as a new incarnation took its
  // rooms with it: the rooms watched on it are resynchronised (as after a
  // reconnect), find their room gone, and are opened again — on the restarted
  // node, or placed anew. Until a watched room has a live home again, every
  // change of the live set asks once more.
  const stopWatching = directory.onChange((nodes) => {
    see(nodes);
    for (const [roomId, home] of [...known]) {
      if (live.get(home.nodeId)?.incarnation !== home.incarnation) known.delete(roomId);
    }
    // Also when a node arrives: a room that could not be reopened anywhere may be now.
    if ([...watched.keys()].some((roomId) => !known.has(roomId))) notifyReconnect();
  });

  /** The room's events come from its home's client (watched again when that changes). */
  function follow(roomId: string, api: SfuApi): void {
    if (!watched.has(roomId)) return;
    const before = watched.get(roomId);
    if (before === api) return;
    before?.unwatchRoom(roomId);
    api.watchRoom(roomId);
    watched.set(roomId, api);
  }

  function remember(roomId: string, node: NodeRecord): SfuApi {
    known.set(roomId, node);
    const api = clients.get(node);
    follow(roomId, api);
    return api;
  }

  /**
   * The room's home for opening it: kept when live, else placed by load and
   * recorded with compare-and-set. `admitting`: a peer is about to enter, so
   * a full home refuses (the room does not spread over nodes yet).
   */
  async function place(roomId: string, admitting: boolean): Promise<SfuApi> {
    let recorded = await homes.get(roomId);
    for (let attempt = 0; attempt < PLACE_ATTEMPTS; attempt++) {
      const nodes = await directory.snapshot();
      see(nodes);
      const decision = decideHome(nodes, recorded);
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
      if (admitting && !homeTakesPeer(nodes, home)) throw new CapacityExceededError(roomId);
      return remember(roomId, live.get(home) as NodeRecord);
    }
    throw new SfuError('SFU_UNAVAILABLE', `the home of room ${roomId} kept changing`);
  }

  /** The live home of a room already open somewhere; none: the room has no media now. */
  async function find(roomId: string): Promise<SfuApi> {
    // Known here and still live (a node that leaves is forgotten at once): no Redis.
    const cached = known.get(roomId);
    if (cached) return clients.get(cached);
    see(await directory.snapshot());
    const home = await homes.get(roomId);
    const node = home === undefined ? undefined : live.get(home);
    if (!node) throw new SfuError('ROOM_NOT_ON_NODE', `room ${roomId} has no live home`);
    return remember(roomId, node);
  }

  /** Every live node, as a fixed-list router for the node-wide calls. */
  async function everyNode(): Promise<SfuApi> {
    const nodes = await directory.snapshot();
    see(nodes);
    if (nodes.length === 0) throw new SfuError('SFU_UNAVAILABLE', 'no SFU node is registered');
    return createSfuRouter(nodes.map((node) => clients.get(node)));
  }

  async function call<M extends SfuMethodName>(
    method: M,
    request: SfuRequest<M>,
  ): Promise<SfuResponse<M>> {
    if (closed) throw new SfuError('SFU_UNAVAILABLE', 'SFU router closed');
    const roomId = roomOf(request);
    if (roomId !== undefined) {
      const node = method === 'openRoom' ? await place(roomId, true) : await find(roomId);
      return node.call(method, request);
    }
    if (method === 'renewLease') {
      // Rooms with peers here keep their homes as long as they keep their leases.
      await homes.refresh([...watched.keys()]).catch((error: unknown) => {
        log.warn({ err: error }, 'refreshing room homes failed');
      });
    }
    return (await everyNode()).call(method, request);
  }

  return {
    call,
    homeOf: (roomId) => known.get(roomId)?.nodeId,
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    onEvent: (listener) => clients.onEvent(listener),
    watchRoom(roomId) {
      if (watched.has(roomId)) return;
      watched.set(roomId, undefined);
      const home = known.get(roomId);
      if (home) {
        follow(roomId, clients.get(home));
        return;
      }
      // Not resolved here yet (opened by another signaling node): find it, then watch.
      void find(roomId).catch((error: unknown) => {
        log.debug({ err: error, room: roomId }, 'watching a room without a live home');
      });
    },
    unwatchRoom(roomId) {
      watched.get(roomId)?.unwatchRoom(roomId);
      watched.delete(roomId);
    },
    async close() {
      closed = true;
      stopWatching();
      stopReconnects();
    },
  };
}
