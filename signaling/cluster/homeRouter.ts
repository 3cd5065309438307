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
import type { RemoteSfu } from '../sfu/remoteSfu.js';
import type { NodeDirectory } from './nodeDirectory.js';
import { CapacityExceededError, decideHome, homeTakesPeer } from './placement.js';
import type { RoomHomes } from './roomHomes.js';
import { createSfuRouter } from './sfuRouter.js';

export interface HomeRouterOptions {
  directory: Pick<NodeDirectory, 'snapshot' | 'onChange'>;
  homes: RoomHomes;
  /** A client for one incarnation of a node (the remote SFU client); closed when the node leaves. */
  connect(node: NodeRecord): NodeClient;
  log: Logger;
}

/** What the router needs of a node's client: the SfuApi, and its reconnect notice when it has one. */
export type NodeClient = SfuApi & Partial<Pick<RemoteSfu, 'onReconnect'>>;

export interface HomeRouter extends SfuApi {
  /** The room's home as this router last knew it (tests, admin views). */
  homeOf(roomId: string): string | undefined;
  /**
   * A connection to a node came back (its events meanwhile were lost): the
   * watched rooms are to be resynchronised. Covers nodes connected later too.
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
  const { directory, homes } = options;
  const log = options.log.child({ component: 'home-router' });
  /** Node id → its client, for the incarnation it was made for. */
  const clients = new Map<
    string,
    { incarnation: string; api: NodeClient; stops: Array<() => void> }
  >();
  const listeners = new Set<SfuEventListener>();
  const reconnectListeners = new Set<() => void>();
  /** Room → its home, as last resolved here. */
  const known = new Map<string, string>();
  /** Rooms this node watches (has peers in): their events follow the home. */
  const watched = new Set<string>();
  let closed = false;

  function clientOf(node: NodeRecord): SfuApi {
    const current = clients.get(node.nodeId);
    if (current && current.incarnation === node.incarnation) return current.api;
    if (current) drop(node.nodeId);
    const api = options.connect(node);
    const stops = [...listeners].map((listener) => api.onEvent(listener));
    if (api.onReconnect) {
      stops.push(api.onReconnect(() => notifyReconnect()));
    }
    clients.set(node.nodeId, { incarnation: node.incarnation, api, stops });
    for (const [roomId, home] of known) {
      if (home === node.nodeId && watched.has(roomId)) api.watchRoom(roomId);
    }
    return api;
  }

  function drop(nodeId: string): void {
    const client = clients.get(nodeId);
    if (!client) return;
    clients.delete(nodeId);
    for (const stop of client.stops) stop();
    client.api.close().catch((error: unknown) => {
      log.warn({ err: error, nodeId }, 'closing an SFU node client failed');
    });
  }

  // A node that left the registry, or restarted as a new incarnation, loses
  // its client. The rooms watched on it lost their media: they are
  // resynchronised (as after a reconnect), find their room gone, and are
  // opened again — on the restarted node, or placed anew.
  const stopWatching = directory.onChange((nodes) => {
    const live = new Set(nodes.map((n) => `${n.nodeId}\n${n.incarnation}`));
    for (const [nodeId, client] of [...clients]) {
      if (!live.has(`${nodeId}\n${client.incarnation}`)) drop(nodeId);
    }
    let lost = false;
    for (const [roomId, home] of [...known]) {
      if (clients.has(home)) continue;
      known.delete(roomId);
      if (watched.has(roomId)) lost = true;
    }
    if (lost) notifyReconnect();
  });

  function notifyReconnect(): void {
    for (const listener of [...reconnectListeners]) listener();
  }

  /**
   * The room's home for opening it: kept when live, else placed by load and
   * recorded with compare-and-set. `admitting`: a peer is about to enter, so
   * a full home refuses (the room does not spread over nodes yet).
   */
  async function place(roomId: string, admitting: boolean): Promise<NodeRecord> {
    let recorded = await homes.get(roomId);
    for (let attempt = 0; attempt < PLACE_ATTEMPTS; attempt++) {
      const live = await directory.snapshot();
      const decision = decideHome(live, recorded);
      if (decision.kind === 'full') throw new CapacityExceededError(roomId);
      let home = decision.nodeId;
      if (decision.kind === 'place') {
        const won = await homes.compareAndSet(roomId, decision.replaces, decision.nodeId);
        if (won !== decision.nodeId) {
          // Another signaling node placed it first (or the record changed): theirs, if live.
          recorded = won;
          if (won === undefined || !live.some((n) => n.nodeId === won)) continue;
          home = won;
        } else if (decision.replaces !== undefined) {
          log.info({ room: roomId, from: decision.replaces, to: home }, 'room moved to a new home');
        }
      }
      if (admitting && !homeTakesPeer(live, home)) throw new CapacityExceededError(roomId);
      return remember(roomId, live, home);
    }
    throw new SfuError('SFU_UNAVAILABLE', `the home of room ${roomId} kept changing`);
  }

  /** The live home of a room already open somewhere; none: the room has no media now. */
  async function find(roomId: string): Promise<SfuApi> {
    // Known here and its node still live (a node that leaves is forgotten at once): no Redis.
    const cached = known.get(roomId);
    const client = cached === undefined ? undefined : clients.get(cached);
    if (client) return client.api;
    const live = await directory.snapshot();
    const home = await homes.get(roomId);
    if (home === undefined || !live.some((n) => n.nodeId === home)) {
      known.delete(roomId);
      throw new SfuError('ROOM_NOT_ON_NODE', `room ${roomId} has no live home`);
    }
    return clientOf(remember(roomId, live, home));
  }

  function remember(roomId: string, live: readonly NodeRecord[], home: string): NodeRecord {
    const node = live.find((n) => n.nodeId === home) as NodeRecord;
    const before = known.get(roomId);
    known.set(roomId, home);
    if (before !== home && watched.has(roomId)) {
      if (before !== undefined) clients.get(before)?.api.unwatchRoom(roomId);
      clientOf(node).watchRoom(roomId);
    }
    return node;
  }

  /** Every live node, as a fixed-list router for the node-wide calls. */
  async function everyNode(): Promise<SfuApi> {
    const live = await directory.snapshot();
    if (live.length === 0) throw new SfuError('SFU_UNAVAILABLE', 'no SFU node is registered');
    return createSfuRouter(live.map(clientOf));
  }

  async function call<M extends SfuMethodName>(
    method: M,
    request: SfuRequest<M>,
  ): Promise<SfuResponse<M>> {
    if (closed) throw new SfuError('SFU_UNAVAILABLE', 'SFU router closed');
    const roomId = roomOf(request);
    if (roomId !== undefined) {
      const node = method === 'openRoom' ? clientOf(await place(roomId, true)) : await find(roomId);
      return node.call(method, request);
    }
    if (method === 'renewLease') {
      // Rooms with peers here keep their homes as long as they keep their leases.
      await homes.refresh([...watched]).catch((error: unknown) => {
        log.warn({ err: error }, 'refreshing room homes failed');
      });
    }
    return (await everyNode()).call(method, request);
  }

  return {
    call,
    homeOf: (roomId) => known.get(roomId),
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    onEvent(listener) {
      listeners.add(listener);
      const stops = new Map<string, () => void>();
      for (const [nodeId, client] of clients) {
        const stop = client.api.onEvent(listener);
        client.stops.push(stop);
        stops.set(nodeId, stop);
      }
      return () => {
        listeners.delete(listener);
        for (const stop of stops.values()) stop();
      };
    },
    watchRoom(roomId) {
      watched.add(roomId);
      const home = known.get(roomId);
      const client = home === undefined ? undefined : clients.get(home);
      if (client) {
        client.api.watchRoom(roomId);
        return;
      }
      // Not resolved here yet (opened by another signaling node): find it, then watch.
      void find(roomId).catch((error: unknown) => {
        log.debug({ err: error, room: roomId }, 'watching a room without a live home');
      });
    },
    unwatchRoom(roomId) {
      watched.delete(roomId);
      const home = known.get(roomId);
      if (home !== undefined) clients.get(home)?.api.unwatchRoom(roomId);
    },
    async close() {
      closed = true;
      stopWatching();
      for (const nodeId of [...clients.keys()]) drop(nodeId);
    },
  };
}
