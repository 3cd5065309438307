// One SfuApi over the SFU nodes of the registry (SFU_NODES=registry). A room
// has a home node — chosen by load when it opens (placement.ts), recorded
// with compare-and-set (roomHomes.ts) and kept while that node is live — and
// may span other nodes: each peer's media sit on one node, chosen when the
// peer is attached (the room's nodes unless full or draining, else the
// least-loaded serving node) and recorded the same way (peerNodes.ts). A
// peer's calls go to its node; a consumer of a producer on another node gets
// it through a pipe set up on demand (pipes.ts); the room's events from every
// node it spans reach signaling as one numbered stream (roomEvents.ts), and
// its listing is merged from all of them (spanQueries.ts); where a room and a
// peer go is spanPlacement.ts. Node-wide calls go to every live node.
import {
  SfuError,
  type NodeRecord,
  type SfuApi,
  type SfuEvent,
  type SfuEventListener,
  type SfuMethodName,
  type SfuRequest,
  type SfuResponse,
} from '../../sfu/api/index.js';
import type { Logger } from '../core/logger.js';
import type { NodeDirectory } from './nodeDirectory.js';
import type { PeerNodes } from './peerNodes.js';
import { createPipes } from './pipes.js';
import { createRoomEvents } from './roomEvents.js';
import type { RoomHomes } from './roomHomes.js';
import { createRoomSpan, type RoomSpan } from './roomSpan.js';
import { createSfuRouter } from './sfuRouter.js';
import { createSpanPlacement } from './spanPlacement.js';
import { createSpanQueries } from './spanQueries.js';

export interface HomeRouterOptions {
  directory: Pick<NodeDirectory, 'snapshot' | 'onChange'>;
  homes: RoomHomes;
  peers: PeerNodes;
  /** The nodes' clients, opened on first use; their owner closes them. */
  clients: NodeClientPool;
  log: Logger;
}

/** One client per registry node, opened when first needed (the remote SFU clients). */
export interface NodeClientPool {
  /** The client of this live node. */
  get(node: NodeRecord): SfuApi;
  /** Events of every node's client, present and future, with the node they came from. */
  onNodeEvent(listener: (nodeId: string, event: SfuEvent) => void): () => void;
  /** A client's connection came back: the rooms watched on it need resynchronising. */
  onReconnect(listener: () => void): () => void;
}

export interface HomeRouter extends SfuApi {
  /** The room's home as this router last knew it (tests, admin views). */
  homeOf(roomId: string): string | undefined;
  /** The node a peer's media sit on, as recorded (admin views). */
  nodesOfPeers(roomId: string): Promise<Map<string, string>>;
  /**
   * Watched rooms are to be resynchronised: all of them (a node's connection
   * came back, a node restarted or left) or the one named (its events from
   * one of its nodes were missed).
   */
  onReconnect(listener: (roomId?: string) => void): () => void;
}

const roomOf = (request: unknown): string | undefined => {
  const roomId = (request as { roomId?: unknown }).roomId;
  return typeof roomId === 'string' ? roomId : undefined;
};

const isCode = (error: unknown, ...codes: string[]) =>
  error instanceof SfuError && codes.includes(error.code);

export function createHomeRouter(options: HomeRouterOptions): HomeRouter {
  const { directory, homes, clients, peers } = options;
  const log = options.log.child({ component: 'home-router' });
  const resyncListeners = new Set<(roomId?: string) => void>();
  const listeners = new Set<SfuEventListener>();
  /** Live nodes as last seen, by id. */
  const live = new Map<string, NodeRecord>();
  /** Room → its home, as last resolved here (only while that incarnation is live). */
  const known = new Map<string, NodeRecord>();
  /** Rooms this node watches (has peers in): watched on every live node. */
  const watched = new Set<string>();
  /** Nodes each watched room is watched on. */
  const watchedOn = new Map<string, Set<string>>();
  let closed = false;

  const client = (nodeId: string): SfuApi | undefined => {
    const node = live.get(nodeId);
    return node ? clients.get(node) : undefined;
  };
  const resync = (roomId?: string) => {
    for (const listener of [...resyncListeners]) listener(roomId);
  };
  const span: RoomSpan = createRoomSpan();
  const pipes = createPipes({ client, log });
  const events = createRoomEvents({
    homeOf: (roomId) => known.get(roomId)?.nodeId,
    localPeersOn: (roomId, nodeId) => span.peersOn(roomId, nodeId),
    emit(event) {
      for (const listener of [...listeners]) listener(event);
    },
    resync,
    partLost(roomId, nodeId) {
      span.forgetNode(roomId, nodeId);
      pipes.partLost(roomId, nodeId, [...live.keys()]);
    },
    pipeClosed: (roomId, nodeId, event) => pipes.closed(roomId, nodeId, event),
  });

  const stopEvents = clients.onNodeEvent((nodeId, event) => {
    if (!('epoch' in event)) {
      for (const listener of [...listeners]) listener(event);
      return;
    }
    if (!watched.has(event.roomId)) return;
    if (event.type === 'producerOpened') span.noteProducer(event.roomId, event.producerId, nodeId);
    if (event.type === 'producerClosed') span.forgetProducer(event.roomId, event.producerId);
    events.receive(nodeId, event);
  });
  const stopReconnects = clients.onReconnect(() => resync());

  /** Watches every watched room on every live node (a node that arrives, too). */
  function watchEverywhere(roomId: string): void {
    let on = watchedOn.get(roomId);
    if (!on) watchedOn.set(roomId, (on = new Set()));
    for (const node of live.values()) {
      if (on.has(node.nodeId)) continue;
      on.add(node.nodeId);
      clients.get(node).watchRoom(roomId);
    }
  }

  function see(nodes: readonly NodeRecord[]): void {
    const before = new Map(live);
    live.clear();
    for (const node of nodes) live.set(node.nodeId, node);
    for (const [nodeId, node] of before) {
      if (live.get(nodeId)?.incarnation === node.incarnation) continue;
      // Gone, or restarted empty: its parts of our rooms went with it.
      for (const roomId of watched) {
        watchedOn.get(roomId)?.delete(nodeId);
        if (known.get(roomId)?.nodeId === nodeId) {
          // The home: the room is resynchronised and opened again (below);
          // the other nodes' pipe ends toward it go now.
          span.forgetNode(roomId, nodeId);
          pipes.partLost(roomId, nodeId, [...live.keys()]);
        } else if (span.hasPart(roomId, nodeId)) {
          events.partLost(roomId, nodeId);
        }
      }
    }
    for (const roomId of watched) watchEverywhere(roomId);
  }

  // A home that left the registry or restarted took the room with it: the
  // rooms watched on it are resynchronised, find their room gone, and are
  // opened again — on the restarted node, or placed anew. Until a watched
  // room has a live home again, every change of the live set asks once more.
  const stopWatching = directory.onChange((nodes) => {
    see(nodes);
    for (const [roomId, home] of [...known]) {
      if (live.get(home.nodeId)?.incarnation !== home.incarnation) known.delete(roomId);
    }
    if ([...watched].some((roomId) => !known.has(roomId))) resync();
  });

  async function liveNodes(): Promise<NodeRecord[]> {
    const nodes = await directory.snapshot();
    see(nodes);
    return nodes;
  }

  const { place, findHome, nodeOfPeer, placePeer } = createSpanPlacement({
    homes,
    peers,
    clients,
    liveNodes,
    live,
    known,
    span,
    log,
  });
  const { listProducers, onEveryPart, inspectRoom, inspectConsumer } = createSpanQueries({
    clients,
    liveNodes,
    live,
    known,
    findHome,
    events,
    span,
  });

  function nodeClient(nodeId: string): SfuApi {
    const api = client(nodeId);
    if (!api) throw new SfuError('ROOM_NOT_ON_NODE', `SFU node ${nodeId} is not live`);
    return api;
  }

  async function attachPeer(request: SfuRequest<'attachPeer'>): Promise<SfuResponse<'attachPeer'>> {
    const { roomId, peerId, owner, leaseMs } = request;
    for (let attempt = 1; ; attempt++) {
      const home = known.get(roomId) ?? (await place(roomId));
      const nodeId = await placePeer(roomId, peerId, home.nodeId);
      const api = nodeClient(nodeId);
      try {
        // The room's part on that node (the home's is opened by openRoom).
        if (nodeId !== home.nodeId) await api.call('openRoom', { roomId, owner, leaseMs });
        const attached = await api.call('attachPeer', request);
        span.notePeer(roomId, peerId, nodeId);
        if (nodeId === home.nodeId) return attached;
        // Signaling follows the room under its home's epoch.
        const { epoch } = await clients.get(home).call('openRoom', { roomId, owner, leaseMs });
        return { ...attached, epoch };
      } catch (error) {
        // The part closed under us (its last peer left at that moment): open it again.
        if (!isCode(error, 'ROOM_NOT_FOUND') || attempt >= 2) throw error;
      }
    }
  }

  async function closePeer(roomId: string, peerId: string): Promise<void> {
    const nodeId = span.nodeOf(roomId, peerId) ?? (await peers.get(roomId, peerId));
    const home = known.get(roomId)?.nodeId ?? (await homes.get(roomId));
    const target = nodeId ?? home;
    span.forgetPeer(roomId, peerId);
    await peers.forget(roomId, peerId);
    if (target === undefined) return;
    const api = client(target);
    if (!api) return; // its node is gone: so are its media
    await api.call('closePeer', { roomId, peerId });
    if (target === home) return;
    // A part off the home closes with its last peer (its pipes go with it).
    const left = await api.call('inspectRoom', { roomId });
    if (left.exists && left.peers === 0) await api.call('closeRoom', { roomId });
  }

  /** The producer's node: known from events, listings and produce replies, else asked. */
  async function nodeOfProducer(roomId: string, producerId: string): Promise<string | undefined> {
    const knownNode = span.producerNode(roomId, producerId);
    if (knownNode !== undefined) return knownNode;
    await listProducers(roomId);
    return span.producerNode(roomId, producerId);
  }

  async function consume(request: SfuRequest<'consume'>): Promise<SfuResponse<'consume'>> {
    const { roomId, peerId, producerId } = request;
    const to = await nodeOfPeer(roomId, peerId);
    const from = (await nodeOfProducer(roomId, producerId)) ?? to;
    if (from === to) return nodeClient(to).call('consume', request);
    for (let attempt = 1; ; attempt++) {
      await pipes.ensure(roomId, producerId, from, to);
      try {
        return await nodeClient(to).call('consume', request);
      } catch (error) {
        // What was piped closed (idle) just before: pipe it again, once.
        if (!isCode(error, 'PRODUCER_NOT_FOUND') || attempt >= 2) throw error;
        pipes.forgetPiped(roomId, producerId, to);
      }
    }
  }

  async function produce(request: SfuRequest<'produce'>): Promise<SfuResponse<'produce'>> {
    const { roomId, peerId, kind } = request;
    const nodeId = await nodeOfPeer(roomId, peerId);
    const produced = await nodeClient(nodeId).call('produce', request);
    span.noteProducer(roomId, produced.producerId, nodeId);
    const home = known.get(roomId)?.nodeId;
    if (kind === 'audio' && home !== undefined && home !== nodeId) {
      // The home hears every voice, so the room has one active speaker.
      pipes.ensure(roomId, produced.producerId, nodeId, home, true).catch((error: unknown) => {
        log.warn({ err: error, room: roomId }, 'audio not piped to the room’s home');
      });
    }
    return produced;
  }

  async function closeRoom(roomId: string): Promise<void> {
    await onEveryPart('closeRoom', { roomId });
    span.forgetRoom(roomId);
    pipes.forgetRoom(roomId);
    await peers.forgetRoom(roomId);
  }

  /**
   * Keeps the records of the rooms this node serves alive, and writes back
   * what is missing — after Redis restarted empty, the signaling nodes
   * serving a room re-assert its home and where their peers' media sit.
   */
  async function reassert(rooms: readonly string[]): Promise<void> {
    const placed = new Map<string, string>();
    for (const roomId of rooms) {
      const home = known.get(roomId)?.nodeId;
      if (home !== undefined) placed.set(roomId, home);
    }
    await homes.restore(placed);
    await homes.refresh(rooms);
    await Promise.all(rooms.map((roomId) => peers.restore(roomId, span.peers(roomId))));
    await peers.refresh(rooms);
  }

  /** Every live node, as a fixed-list router for the node-wide calls. */
  async function everyNode(): Promise<SfuApi> {
    const nodes = await liveNodes();
    if (nodes.length === 0) throw new SfuError('SFU_UNAVAILABLE', 'no SFU node is registered');
    return createSfuRouter(nodes.map((node) => clients.get(node)));
  }

  async function route<M extends SfuMethodName>(
    method: SfuMethodName,
    request: SfuRequest<M>,
  ): Promise<unknown> {
    const roomId = roomOf(request);
    if (roomId === undefined) {
      if (method === 'renewLease') {
        // Rooms with peers here keep their records as long as they keep their leases.
        const rooms = [...watched];
        await reassert(rooms).catch((error: unknown) =>
          log.warn({ err: error }, 'refreshing room records failed'),
        );
      }
      return (await everyNode()).call(method, request as never);
    }
    const r = request as never;
    switch (method) {
      case 'openRoom': {
        const home = await place(roomId);
        const opened = await clients.get(home).call('openRoom', r);
        events.noteHomeEpoch(roomId, opened.epoch);
        span.notePart(roomId, home.nodeId);
        return opened;
      }
      case 'attachPeer':
        return attachPeer(r);
      case 'listProducers':
        return listProducers(roomId);
      case 'closeRoom':
        await closeRoom(roomId);
        return {};
      case 'inspectRoom':
        return inspectRoom(roomId);
      case 'inspectConsumer':
        return inspectConsumer(r);
      case 'checkRtpCapabilities':
        return clients.get(await findHome(roomId)).call(method, r);
      case 'consume':
        return consume(r);
      case 'produce':
        return produce(r);
      case 'closePeer':
        await closePeer(roomId, (request as { peerId: string }).peerId);
        return {};
      case 'openPipe':
      case 'connectPipe':
      case 'pipeProducer':
      case 'acceptPipedProducer':
      case 'closePipe':
        // Pipes are this router's own business, between the nodes it knows.
        throw new SfuError('INVALID_REQUEST', `${method} is addressed to one SFU node`);
      default: {
        const peerId = (request as { peerId?: unknown }).peerId;
        if (typeof peerId !== 'string') throw new SfuError('INVALID_REQUEST', 'no peer named');
        return nodeClient(await nodeOfPeer(roomId, peerId)).call(method, r);
      }
    }
  }

  return {
    async call<M extends SfuMethodName>(
      method: M,
      request: SfuRequest<M>,
    ): Promise<SfuResponse<M>> {
      if (closed) throw new SfuError('SFU_UNAVAILABLE', 'SFU router closed');
      return (await route(method, request)) as SfuResponse<M>;
    },
    homeOf: (roomId) => known.get(roomId)?.nodeId,
    nodesOfPeers: (roomId) => peers.all(roomId),
    onReconnect(listener) {
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    watchRoom(roomId) {
      if (watched.has(roomId)) return;
      watched.add(roomId);
      events.track(roomId);
      // Every live node may hold a part; its home is needed to follow its
      // events (found, when not known here: opened by another signaling node).
      const needsHome = !known.has(roomId);
      void liveNodes()
        .then(async () => {
          if (watched.has(roomId)) watchEverywhere(roomId);
          if (needsHome) await findHome(roomId);
        })
        .catch((error: unknown) => {
          log.debug({ err: error, room: roomId }, 'watching a room without a live home');
        });
    },
    unwatchRoom(roomId) {
      watched.delete(roomId);
      events.forget(roomId);
      for (const nodeId of watchedOn.get(roomId) ?? []) client(nodeId)?.unwatchRoom(roomId);
      watchedOn.delete(roomId);
      span.forgetRoom(roomId);
      pipes.forgetRoom(roomId);
    },
    async close() {
      closed = true;
      stopWatching();
      stopReconnects();
      stopEvents();
    },
  };
}
