// One room's media: a router on one worker and, per peer, the transports,
// producers and consumers it owns. Each object is removed from its map when it
// closes, whatever closed it (the client, its parent, or a dying worker).
import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import { SfuError } from '../api/errors.js';
import type { CloseReason, RoomEventInput, SfuEvent } from '../api/events.js';
import type { ProducerInfo, TransportDirection } from '../api/methods.js';
import type { PooledWorker } from './workerPool.js';
import type { SfuLogger } from './logger.js';
import type { SfuOptions } from './options.js';
import { mediaCodecs } from './mediaCodecs.js';
import { createRoomPipes, type RoomPipes } from './pipes.js';
import { createSpeakers } from './speakers.js';

interface PeerMedia {
  /** Set by closePeer: whatever an in-flight request creates for it afterwards is closed. */
  closed: boolean;
  readonly transports: Map<string, types.WebRtcTransport>;
  readonly producers: Map<string, types.Producer>;
  readonly consumers: Map<string, types.Consumer>;
}

/** What a peer holds in the room, as attachPeer answers it. */
export interface PeerSnapshot {
  transports: { transportId: string; direction: TransportDirection }[];
  producers: ProducerInfo[];
  consumers: {
    consumerId: string;
    producerId: string;
    kind: 'audio' | 'video';
    paused: boolean;
    producerPaused: boolean;
  }[];
}

/**
 * Stamps a room's events with its epoch and the next sequence number. Every
 * room-scoped event goes through one of these, so `seq` counts 1, 2, 3 …
 * within an epoch with no gap.
 */
export function createRoomEmitter(epoch: string, emit: (event: SfuEvent) => void) {
  let seq = 0;
  return {
    emit: (event: RoomEventInput): void => emit({ ...event, epoch, seq: ++seq } as SfuEvent),
    /** The number of the last event sent (0 before the first). */
    lastSeq: () => seq,
  };
}

export interface Room {
  readonly id: string;
  readonly router: types.Router;
  readonly workerPid: number;
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
  /** Creates the peer's media on its first transport. */
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
  /** One of the room's producers: its peers', or one piped in from another node. */
  findProducer(producerId: string): { peerId: string; producer: types.Producer } | undefined;
  findConsumer(consumerId: string): types.Consumer | undefined;
  /** Closes the peer and its media, and reports `peerClosed` with the reason if it existed. */
  closePeer(peerId: string, reason?: CloseReason): void;
  /** Closes the room and reports `roomClosed` with the reason. */
  close(reason: CloseReason): void;
  counts(): { peers: number; transports: number; producers: number; consumers: number };
  /** Bytes received and sent by the room's transports, pipes included (open ones only). */
  traffic(): Promise<{ bytesIn: number; bytesOut: number }>;
}

export async function createRoom(params: {
  id: string;
  pooled: PooledWorker;
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
  const { id: roomId, pooled, options } = params;
  // The room's media generation and its event counter (see SfuEvent).
  const epoch = params.epoch ?? randomUUID();
  const events = createRoomEmitter(epoch, params.emit);
  const emit = events.emit;
  /** Labels given at produce, by producer id. */
  const labels = new Map<string, string>();
  const log = params.logger.child({ room: roomId });
  const router = await pooled.worker.createRouter({ mediaCodecs });
  let speakers: Awaited<ReturnType<typeof createSpeakers>>;
  try {
    speakers = await createSpeakers({ roomId, router, logger: log, emit });
  } catch (error) {
    router.close();
    throw error;
  }
  const newPeer = (): PeerMedia => ({
    closed: false,
    transports: new Map(),
    producers: new Map(),
    consumers: new Map(),
  });
  const peers = new Map<string, PeerMedia>();
  for (const peerId of params.peerIds ?? []) peers.set(peerId, newPeer());
  let closed = false;
  // Set while the room closes everything itself, so children do not report
  // one event each for what the room reports once.
  let closingReason: CloseReason | undefined;
  const pipes = createRoomPipes({
    roomId,
    router,
    options: options.pipe,
    logger: params.logger,
    emit,
    speakers,
    localProducer(producerId) {
      for (const [peerId, media] of peers) {
        const producer = media.producers.get(producerId);
        if (producer) return { info: producerInfo(peerId, producer), producer };
      }
      return undefined;
    },
    silent: () => closed || closingReason !== undefined || router.closed,
  });

  router.observer.once('close', () => {
    if (!closed) {
      // Only a dying worker closes a router behind the room's back.
      closed = true;
      closingReason = 'workerDied';
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
  });

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

  return {
    id: roomId,
    router,
    workerPid: pooled.worker.pid,
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
      if (!peers.has(peerId)) peers.set(peerId, newPeer());
    },
    hasPeer: (peerId) => peers.has(peerId),
    snapshot(peerId) {
      const media = existingPeer(peerId);
      return {
        transports: [...media.transports.values()].map((t) => ({
          transportId: t.id,
          direction: (t.appData as { direction: TransportDirection }).direction,
        })),
        producers: [...media.producers.values()].map((p) => producerInfo(peerId, p)),
        consumers: [...media.consumers.values()].map((c) => ({
          consumerId: c.id,
          producerId: c.producerId,
          kind: c.kind,
          paused: c.paused,
          producerPaused: c.producerPaused,
        })),
      };
    },
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
        media = newPeer();
        peers.set(peerId, media);
      }
      const transport = await router.createWebRtcTransport({
        webRtcServer: pooled.webRtcServer,
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
        if (!closingReason && !router.closed) {
          emit({
            type: 'transportClosed',
            roomId,
            peerId,
            transportId: transport.id,
            reason: owner.closed ? 'peerClosed' : 'transportClosed',
          });
        }
      });
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
      speakers.addAudioProducer(peerId, producer);
      emit({ type: 'producerOpened', roomId, ...producerInfo(peerId, producer) });
      const producerId = producer.id;
      producer.observer.on('pause', () => {
        if (!closingReason) emit({ type: 'producerPaused', roomId, peerId, producerId });
      });
      producer.observer.on('resume', () => {
        if (!closingReason) emit({ type: 'producerResumed', roomId, peerId, producerId });
      });
      producer.observer.once('close', () => {
        media.producers.delete(producer.id);
        labels.delete(producer.id);
        if (!closingReason) {
          emit({
            type: 'producerClosed',
            roomId,
            peerId,
            producerId: producer.id,
            reason: 'producerClosed',
          });
        }
      });
    },
    addConsumer(peerId, transport, consumer) {
      const media = peers.get(peerId);
      adopt(media, transport, consumer);
      media.consumers.set(consumer.id, consumer);
      pipes.consumerAdded(consumer);
      const closeEvent = (reason: CloseReason) => {
        if (closingReason) return;
        emit({
          type: 'consumerClosed',
          roomId,
          peerId,
          consumerId: consumer.id,
          producerId: consumer.producerId,
          reason,
        });
      };
      consumer.on('producerclose', () => closeEvent('producerClosed'));
      consumer.on('transportclose', () => closeEvent('transportClosed'));
      consumer.on('producerpause', () =>
        emit({ type: 'consumerPaused', roomId, peerId, consumerId: consumer.id, byProducer: true }),
      );
      consumer.on('producerresume', () =>
        emit({
          type: 'consumerResumed',
          roomId,
          peerId,
          consumerId: consumer.id,
          byProducer: true,
        }),
      );
      consumer.observer.once('close', () => media.consumers.delete(consumer.id));
    },
    findProducer(producerId) {
      for (const [peerId, media] of peers) {
        const producer = media.producers.get(producerId);
        if (producer) return { peerId, producer };
      }
      return pipes.findPipedIn(producerId);
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
      if (!closed) emit({ type: 'peerClosed', roomId, peerId, reason });
    },
    close(reason) {
      if (closed) return;
      closed = true;
      closingReason = reason;
      router.close();
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
    async traffic() {
      const all = [...peers.values()].flatMap((media) => [...media.transports.values()]);
      const read = (t: types.WebRtcTransport | types.PipeTransport) =>
        t.closed ? Promise.resolve([]) : t.getStats().catch(() => []);
      const stats = await Promise.all([...all, ...pipes.transports()].map(read));
      let bytesIn = 0;
      let bytesOut = 0;
      for (const list of stats) {
        for (const s of list) {
          bytesIn += s.bytesReceived;
          bytesOut += s.bytesSent;
        }
      }
      return { bytesIn, bytesOut };
    },
  };
}
