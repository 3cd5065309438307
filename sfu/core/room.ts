// One room's media on this node: its routers (one per worker it spans, see
// roomRouters.ts) and, per peer, the transports, producers and consumers it
// owns, all on the router the peer was placed on. Each object is removed from
// its map when it closes, whatever closed it (the client, its parent, or a
// dying worker).
import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import { SfuError } from '../api/errors.js';
import type { CloseReason, SfuEvent } from '../api/events.js';
import type { ProducerInfo } from '../api/methods.js';
import type { PooledWorker, WorkerPool } from './workerPool.js';
import type { SfuLogger } from './logger.js';
import type { SfuOptions } from './options.js';
import { newPeerMedia, snapshotOf, type PeerMedia, type PeerSnapshot } from './peerMedia.js';
import { createRoomPipes, type RoomPipes } from './pipes.js';
import { createRoomEmitter, reportConsumer, reportProducer, type Reporting } from './roomEvents.js';
import { createRoomRouters, type RoomRouter } from './roomRouters.js';
import { roomShares, type WorkerShare } from './roomShares.js';
import { createSpeakers } from './speakers.js';
import { keyFramesOnNewPath } from './newPath.js';

export { createRoomEmitter } from './roomEvents.js';
export type { PeerSnapshot } from './peerMedia.js';
export type { WorkerShare } from './roomShares.js';

export interface Room {
  readonly id: string;
  /** The room's first router (its home on this node): capabilities, observers, pipes. */
  readonly router: types.Router;
  /** This room's media generation (new for every router). */
  readonly epoch: string;
  /** The sequence number of the last event this room sent in its epoch. */
  readonly seq: number;
  readonly closed: boolean;
  /** Pipes toward other nodes: their producers are consumed here like the room's own. */
  readonly pipes: RoomPipes;
  existingPeer(peerId: string): PeerMedia;
  /** The peer, created without media when new (attachPeer, or a rebuilt room's peers). */
  ensurePeer(peerId: string): void;
  hasPeer(peerId: string): boolean;
  snapshot(peerId: string): PeerSnapshot;
  producers(): ProducerInfo[];
  transport(peerId: string, transportId: string): types.WebRtcTransport;
  /** Creates the peer's media on its first transport (and places it on a router then). */
  createTransport(peerId: string, direction: 'send' | 'recv'): Promise<types.WebRtcTransport>;
  closeTransport(peerId: string, transportId: string): void;
  /**
   * Adopt what a transport created after an await. Anything closed meanwhile
   * (the room, the peer, the transport, the object itself) is closed and
   * refused, so nothing outlives its owner.
   */
  addProducer(
    peerId: string,
    transport: types.Transport,
    producer: types.Producer,
    label: string,
  ): void;
  addConsumer(peerId: string, transport: types.Transport, consumer: types.Consumer): void;
  /**
   * Makes one of the room's producers (its peers', or one piped in from
   * another node) consumable on the peer's router: PRODUCER_NOT_FOUND,
   * CANNOT_CONSUME for a receiver that cannot take it.
   */
  prepareConsume(
    peerId: string,
    producerId: string,
    rtpCapabilities: types.RtpCapabilities,
  ): Promise<void>;
  findConsumer(consumerId: string): types.Consumer | undefined;
  /** Closes the peer and its media, and reports `peerClosed` with the reason if it existed. */
  closePeer(peerId: string, reason?: CloseReason): void;
  /** Closes the room and reports `roomClosed` with the reason. */
  close(reason: CloseReason): void;
  counts(): { peers: number; transports: number; producers: number; consumers: number };
  /** How many routers the room has on this node. */
  routerCount(): number;
  /** What the room puts on each worker, by worker pid. */
  shares(): Map<number, WorkerShare>;
}

export async function createRoom(params: {
  id: string;
  /** The worker of the room's first router. */
  pooled: PooledWorker;
  /** The node's workers, for the routers the room grows onto. */
  pool: Pick<WorkerPool, 'all' | 'isDraining'>;
  /** Consumers every room of the node carries now, by worker pid. */
  workerConsumers: () => Map<number, number>;
  options: SfuOptions;
  logger: SfuLogger;
  emit: (event: SfuEvent) => void;
  onClosed: () => void;
  /** Given when the room is rebuilt: the epoch announced in `roomMediaLost`. */
  epoch?: string;
  /** Peers carried over from the room's previous media (kept, without media). */
  peerIds?: readonly string[];
  /**
   * A dying worker took the room's media: the room is to be rebuilt under
   * `nextEpoch` with these peers.
   */
  onMediaLost?: (lost: { peerIds: string[]; nextEpoch: string }) => void;
}): Promise<Room> {
  const { id: roomId, options } = params;
  // The room's media generation and its event counter (see SfuEvent).
  const epoch = params.epoch ?? randomUUID();
  const events = createRoomEmitter(epoch, params.emit);
  const emit = events.emit;
  /** Labels given at produce, by producer id. */
  const labels = new Map<string, string>();
  const log = params.logger.child({ room: roomId });
  const peers = new Map<string, PeerMedia>();
  for (const peerId of params.peerIds ?? []) peers.set(peerId, newPeerMedia());
  let closed = false;
  // Set while the room closes everything itself, so children do not report
  // one event each for what the room reports once.
  let closingReason: CloseReason | undefined;
  const reporting: Reporting = { roomId, emit, closing: () => closingReason };

  const routers = await createRoomRouters({
    roomId,
    first: params.pooled,
    pool: params.pool,
    consumersPerWorker: options.consumersPerWorker,
    workerConsumers: params.workerConsumers,
    roomProducers: () => {
      let count = pipes.counts().pipedProducers;
      for (const media of peers.values()) count += media.producers.size;
      return count;
    },
    pipe: options.pipe,
    onLost: () => mediaLost(),
  });
  const router = routers.first.router;
  let speakers: Awaited<ReturnType<typeof createSpeakers>>;
  try {
    speakers = await createSpeakers({ roomId, router, logger: log, emit });
  } catch (error) {
    routers.close();
    throw error;
  }
  const pipes = createRoomPipes({
    roomId,
    router,
    options: options.pipe,
    logger: params.logger,
    emit,
    speakers,
    async localProducer(producerId) {
      const found = ownProducer(producerId);
      if (!found) return undefined;
      // The pipes toward other nodes are on the first router.
      const producer = await routers.bring(found.producer, found.on, routers.first);
      return { info: producerInfo(found.peerId, found.producer), producer };
    },
    ownsProducer: (producerId) => ownProducer(producerId) !== undefined,
    silent: () => closed || closingReason !== undefined || routers.failing(),
  });

  /** Only a dying worker closes one of the room's routers behind its back. */
  function mediaLost(): void {
    if (closed) return;
    closed = true;
    closingReason = 'workerDied';
    routers.close();
    const peerIds = [...peers.keys()];
    peers.clear();
    const nextEpoch = params.onMediaLost ? randomUUID() : undefined;
    log.warn({ nextEpoch }, 'room media lost: worker died');
    // The rebuild starts before anyone hears of the loss, so a listener
    // that reopens the room at once joins it instead of racing it.
    params.onClosed();
    if (nextEpoch) params.onMediaLost?.({ peerIds, nextEpoch });
    emit({
      type: 'roomMediaLost',
      roomId,
      reason: 'workerDied',
      ...(nextEpoch ? { nextEpoch } : {}),
    });
  }

  function existingPeer(peerId: string): PeerMedia {
    const media = peers.get(peerId);
    if (!media)
      throw new SfuError('PEER_NOT_FOUND', `peer ${peerId} has no media in room ${roomId}`);
    return media;
  }

  /** Throws (after closing `child`) unless its room, peer and transport are all still open. */
  function adopt(
    media: PeerMedia | undefined,
    transport: types.Transport | undefined,
    child: { readonly closed: boolean; close(): void },
  ): asserts media is PeerMedia {
    let refusal: SfuError | undefined;
    if (closed) refusal = new SfuError('ROOM_NOT_FOUND', `room ${roomId} closed`);
    else if (!media || media.closed) refusal = new SfuError('PEER_NOT_FOUND', 'peer closed');
    else if (transport?.closed) refusal = new SfuError('TRANSPORT_NOT_FOUND', 'transport closed');
    // A consumer closes with its producer; nothing else closes a child this early.
    else if (child.closed) refusal = new SfuError('PRODUCER_NOT_FOUND', 'producer closed');
    if (!refusal) return;
    if (!child.closed) child.close();
    throw refusal;
  }

  function producerInfo(peerId: string, producer: types.Producer): ProducerInfo {
    return {
      peerId,
      producerId: producer.id,
      kind: producer.kind,
      label: labels.get(producer.id) ?? producer.kind,
      paused: producer.paused,
    };
  }

  function ownProducer(producerId: string) {
    for (const [peerId, media] of peers) {
      const producer = media.producers.get(producerId);
      if (producer && media.router) return { peerId, producer, on: media.router };
    }
    return undefined;
  }

  /** The peer's router: chosen once, when its first transport is made. */
  async function placed(peerId: string, media: PeerMedia): Promise<RoomRouter> {
    if (media.router) return media.router;
    media.placed ??= routers.place(peerId).then((chosen) => {
      // Closed while it was placed: the router is not held for it.
      if (media.closed) routers.leave(peerId, chosen);
      else media.router = chosen;
      return chosen;
    });
    try {
      return await media.placed;
    } catch (error) {
      media.placed = undefined; // a later transport tries again
      throw error;
    }
  }

  /** The room's own audio is heard by the observers on its first router. */
  function observe(peerId: string, producer: types.Producer, on: RoomRouter): void {
    if (producer.kind !== 'audio') return;
    routers.bring(producer, on, routers.first).then(
      (heard) => speakers.addAudioProducer(peerId, heard),
      (error: unknown) => {
        if (!producer.closed && !closed) {
          log.warn({ err: error, producer: producer.id }, 'cannot observe audio on another worker');
        }
      },
    );
  }

  return {
    id: roomId,
    router,
    epoch,
    get seq() {
      return events.lastSeq();
    },
    get closed() {
      return closed;
    },
    pipes,
    existingPeer,
    ensurePeer(peerId) {
      if (closed) throw new SfuError('ROOM_NOT_FOUND', `room ${roomId} closed`);
      if (!peers.has(peerId)) peers.set(peerId, newPeerMedia());
    },
    hasPeer: (peerId) => peers.has(peerId),
    snapshot: (peerId) => snapshotOf(existingPeer(peerId), (p) => producerInfo(peerId, p)),
    producers() {
      const all: ProducerInfo[] = [];
      for (const [peerId, media] of peers) {
        for (const producer of media.producers.values()) all.push(producerInfo(peerId, producer));
      }
      return all;
    },
    transport(peerId, transportId) {
      const transport = existingPeer(peerId).transports.get(transportId);
      if (!transport) throw new SfuError('TRANSPORT_NOT_FOUND', `unknown transport ${transportId}`);
      return transport;
    },
    async createTransport(peerId, direction) {
      if (closed) throw new SfuError('ROOM_NOT_FOUND', `room ${roomId} closed`);
      let media = peers.get(peerId);
      if (!media) {
        media = newPeerMedia();
        peers.set(peerId, media);
      }
      const on = await placed(peerId, media);
      // Closed while it was placed: asking the worker would name a router it no longer has.
      if (closed) throw new SfuError('ROOM_NOT_FOUND', `room ${roomId} closed`);
      if (media.closed) throw new SfuError('PEER_NOT_FOUND', 'peer closed');
      const transport = await on.router.createWebRtcTransport({
        webRtcServer: on.pooled.webRtcServer,
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: options.initialAvailableOutgoingBitrate,
        appData: { peerId, direction },
      });
      // closePeer or closeRoom may have run while the worker created it.
      adopt(media, undefined, transport);
      const owner = media;
      owner.transports.set(transport.id, transport);
      transport.observer.once('close', () => {
        owner.transports.delete(transport.id);
        // A closing router (the room, or a dying worker) reports once for all.
        if (!closingReason && !on.router.closed) {
          emit({
            type: 'transportClosed',
            roomId,
            peerId,
            transportId: transport.id,
            reason: owner.closed ? 'peerClosed' : 'transportClosed',
          });
        }
      });
      // Only the peer's receiving transport carries consumers.
      keyFramesOnNewPath(transport, () => owner.consumers.values());
      transport.on('dtlsstatechange', (state) => {
        if (state === 'failed' || state === 'closed') {
          log.warn({ peer: peerId, transport: transport.id, state }, 'transport DTLS ended');
        }
      });
      return transport;
    },
    closeTransport(peerId, transportId) {
      // Idempotent: a transport already gone (or a peer already closed) is fine.
      peers.get(peerId)?.transports.get(transportId)?.close();
    },
    addProducer(peerId, transport, producer, label) {
      const media = peers.get(peerId);
      adopt(media, transport, producer);
      media.producers.set(producer.id, producer);
      labels.set(producer.id, label);
      if (media.router) observe(peerId, producer, media.router);
      reportProducer(reporting, producerInfo(peerId, producer), producer, () => {
        media.producers.delete(producer.id);
        labels.delete(producer.id);
      });
    },
    addConsumer(peerId, transport, consumer) {
      const media = peers.get(peerId);
      adopt(media, transport, consumer);
      media.consumers.set(consumer.id, consumer);
      pipes.consumerAdded(consumer);
      reportConsumer(reporting, peerId, consumer);
      consumer.observer.once('close', () => media.consumers.delete(consumer.id));
    },
    async prepareConsume(peerId, producerId, rtpCapabilities) {
      const media = existingPeer(peerId);
      const to = media.router;
      if (!to) throw new SfuError('TRANSPORT_NOT_FOUND', `peer ${peerId} has no transport`);
      const own = ownProducer(producerId);
      const piped = own ? undefined : pipes.findPipedIn(producerId);
      const found = own ?? (piped ? { producer: piped.producer, on: routers.first } : undefined);
      if (!found) throw new SfuError('PRODUCER_NOT_FOUND', `unknown producer ${producerId}`);
      if (!found.on.router.canConsume({ producerId, rtpCapabilities })) {
        throw new SfuError('CANNOT_CONSUME', `peer cannot receive producer ${producerId}`);
      }
      try {
        await routers.bring(found.producer, found.on, to);
      } catch (error) {
        if (found.producer.closed) throw new SfuError('PRODUCER_NOT_FOUND', 'producer closed');
        throw error;
      }
    },
    findConsumer(consumerId) {
      for (const media of peers.values()) {
        const consumer = media.consumers.get(consumerId);
        if (consumer) return consumer;
      }
      return undefined;
    },
    closePeer(peerId, reason = 'peerClosed') {
      const media = peers.get(peerId);
      if (!media) return;
      media.closed = true;
      // Closing transports closes their producers and consumers; consumers of
      // this peer's producers elsewhere report producerClosed through events.
      for (const transport of media.transports.values()) transport.close();
      peers.delete(peerId);
      if (media.router) routers.leave(peerId, media.router);
      if (!closed) emit({ type: 'peerClosed', roomId, peerId, reason });
    },
    close(reason) {
      if (closed) return;
      closed = true;
      closingReason = reason;
      routers.close();
      peers.clear();
      params.onClosed();
      // Told last: a listener that acts on it finds the room gone.
      emit({ type: 'roomClosed', roomId, reason });
    },
    counts() {
      let transports = 0;
      let producers = 0;
      let consumers = 0;
      for (const media of peers.values()) {
        transports += media.transports.size;
        producers += media.producers.size;
        consumers += media.consumers.size;
      }
      return { peers: peers.size, transports, producers, consumers };
    },
    routerCount: () => routers.all().length,
    shares: () => roomShares(peers.values(), routers, pipes),
  };
}
