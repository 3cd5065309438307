// One room's media: a router on one worker and, per peer, the transports,
// producers and consumers it owns. Each object is removed from its map when it
// closes, whatever closed it (the client, its parent, or a dying worker).
import type { types } from 'mediasoup';
import { SfuError } from '../api/errors.js';
import type { CloseReason, SfuEvent } from '../api/events.js';
import type { PooledWorker } from './workerPool.js';
import type { SfuLogger } from './logger.js';
import type { SfuOptions } from './options.js';
import { mediaCodecs } from './mediaCodecs.js';
import { createSpeakers } from './speakers.js';

interface PeerMedia {
  readonly transports: Map<string, types.WebRtcTransport>;
  readonly producers: Map<string, types.Producer>;
  readonly consumers: Map<string, types.Consumer>;
}

export interface Room {
  readonly id: string;
  readonly router: types.Router;
  readonly workerPid: number;
  readonly closed: boolean;
  peer(peerId: string): PeerMedia;
  existingPeer(peerId: string): PeerMedia;
  transport(peerId: string, transportId: string): types.WebRtcTransport;
  createTransport(peerId: string, direction: 'send' | 'recv'): Promise<types.WebRtcTransport>;
  addProducer(peerId: string, producer: types.Producer): void;
  addConsumer(peerId: string, consumer: types.Consumer): void;
  findProducer(producerId: string): { peerId: string; producer: types.Producer } | undefined;
  findConsumer(consumerId: string): types.Consumer | undefined;
  closePeer(peerId: string): void;
  close(reason: CloseReason): void;
  counts(): { peers: number; transports: number; producers: number; consumers: number };
}

export async function createRoom(params: {
  id: string;
  pooled: PooledWorker;
  options: SfuOptions;
  logger: SfuLogger;
  emit: (event: SfuEvent) => void;
  onClosed: () => void;
}): Promise<Room> {
  const { id: roomId, pooled, options, emit } = params;
  const log = params.logger.child({ room: roomId });
  const router = await pooled.worker.createRouter({ mediaCodecs });
  const speakers = await createSpeakers({ roomId, router, logger: log, emit });
  const peers = new Map<string, PeerMedia>();
  let closed = false;
  // Set while the room closes everything itself, so children do not report
  // one event each for what the room reports once.
  let closingReason: CloseReason | undefined;

  router.observer.once('close', () => {
    if (!closed) {
      // Only a dying worker closes a router behind the room's back.
      closed = true;
      closingReason = 'workerDied';
      peers.clear();
      log.warn({}, 'room media lost: worker died');
      emit({ type: 'roomMediaLost', roomId, reason: 'workerDied' });
      params.onClosed();
    }
  });

  function peer(peerId: string): PeerMedia {
    let media = peers.get(peerId);
    if (!media) {
      media = { transports: new Map(), producers: new Map(), consumers: new Map() };
      peers.set(peerId, media);
    }
    return media;
  }

  function existingPeer(peerId: string): PeerMedia {
    const media = peers.get(peerId);
    if (!media)
      throw new SfuError('PEER_NOT_FOUND', `peer ${peerId} has no media in room ${roomId}`);
    return media;
  }

  return {
    id: roomId,
    router,
    workerPid: pooled.worker.pid,
    get closed() {
      return closed;
    },
    peer,
    existingPeer,
    transport(peerId, transportId) {
      const transport = existingPeer(peerId).transports.get(transportId);
      if (!transport) throw new SfuError('TRANSPORT_NOT_FOUND', `unknown transport ${transportId}`);
      return transport;
    },
    async createTransport(peerId, direction) {
      const media = peer(peerId);
      const transport = await router.createWebRtcTransport({
        webRtcServer: pooled.webRtcServer,
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: options.initialAvailableOutgoingBitrate,
        appData: { peerId, direction },
      });
      media.transports.set(transport.id, transport);
      transport.observer.once('close', () => media.transports.delete(transport.id));
      transport.on('dtlsstatechange', (state) => {
        if (state === 'failed' || state === 'closed') {
          log.warn({ peer: peerId, transport: transport.id, state }, 'transport DTLS ended');
        }
      });
      return transport;
    },
    addProducer(peerId, producer) {
      const media = peer(peerId);
      media.producers.set(producer.id, producer);
      speakers.addAudioProducer(peerId, producer);
      producer.observer.once('close', () => {
        media.producers.delete(producer.id);
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
    addConsumer(peerId, consumer) {
      const media = peer(peerId);
      media.consumers.set(consumer.id, consumer);
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
      return undefined;
    },
    findConsumer(consumerId) {
      for (const media of peers.values()) {
        const consumer = media.consumers.get(consumerId);
        if (consumer) return consumer;
      }
      return undefined;
    },
    closePeer(peerId) {
      const media = peers.get(peerId);
      if (!media) return;
      // Closing transports closes their producers and consumers; consumers of
      // this peer's producers elsewhere report producerClosed through events.
      for (const transport of media.transports.values()) transport.close();
      peers.delete(peerId);
    },
    close(reason) {
      if (closed) return;
      closed = true;
      closingReason = reason;
      router.close();
      peers.clear();
      params.onClosed();
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
  };
}
