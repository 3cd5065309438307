// The SFU running inside the signaling process: an SfuApi over a local
// worker pool. Every method is one small handler; the map is exhaustive, so a
// method added to the contract without a handler does not compile.
import type { types } from 'mediasoup';
import type { SfuApi } from '../api/index.js';
import { SfuError } from '../api/errors.js';
import type { SfuEvent, SfuEventListener } from '../api/events.js';
import type { NodeState } from '../api/registry.js';
import type { SfuMethodName, SfuRequest, SfuResponse } from '../api/methods.js';
import type { RtpParameters, WebRtcTransportOptions } from '../api/rtp.js';
import type { SfuLogger } from './logger.js';
import type { SfuOptions } from './options.js';
import { mediaCodecs } from './mediaCodecs.js';
import { missingCodecs } from './capabilities.js';
import { createIceProbes } from './iceProbe.js';
import { createLeases } from './leases.js';
import type { MigratedRoom } from './migration.js';
import { createNodeDrain } from './nodeDrain.js';
import { connectDtls, isWorkerGone, messageOf, whileOpen } from './mediasoupErrors.js';
import { workerLoads } from './load.js';
import { createPipeHandlers } from './pipeHandlers.js';
import { createRoom, createRoomEmitter, type Room } from './room.js';
import { createWorkerPool, type WorkerPoolDeps, type WorkerPool } from './workerPool.js';

export interface InProcessSfuDeps extends WorkerPoolDeps {
  /** The clock leases run on (ms); the system clock unless a test drives it. */
  now?: () => number;
  /** How often expired leases are reaped, ms. */
  reapIntervalMs?: number;
  /**
   * Makes the node's new state known (the registry record); a drain with
   * migration closes no room before it resolves.
   */
  publishState?: (state: NodeState) => Promise<void>;
}

/** The in-process SFU, and what its own process asks of it beyond the contract. */
export interface InProcessSfu extends SfuApi {
  /** How many rooms the node carries (open, or being opened or rebuilt). */
  carriedRooms(): number;
  /**
   * Drops everything the node carries, telling no subscriber, as a restart
   * would: every room (open, being opened or rebuilt) with its peers, media
   * and pipes, every owner's lease, a migration under way. For a node fenced
   * after it was counted gone: its rooms already live elsewhere. Answers how
   * many rooms it dropped.
   */
  dropAll(): number;
}

const REAP_INTERVAL_MS = 1000;
/** The lease of an owner that opens a room without saying how long (SFU_LEASE_SECONDS' default). */
const DEFAULT_LEASE_MS = 45_000;

type Handlers = { [M in SfuMethodName]: (req: SfuRequest<M>) => Promise<SfuResponse<M>> };

// The schemas above check the fields Veche uses and let others through; the
// objects come from mediasoup(-client) and go back to it unchanged.
const toMediasoup = <T>(value: unknown): T => value as T;
const fromMediasoup = <T>(value: unknown): T => value as T;

function transportOptions(t: types.WebRtcTransport): WebRtcTransportOptions {
  return {
    id: t.id,
    iceParameters: fromMediasoup(t.iceParameters),
    iceCandidates: fromMediasoup(t.iceCandidates),
    dtlsParameters: fromMediasoup(t.dtlsParameters),
  };
}

/** A room being opened (or rebuilt after its worker died); closeRoom meanwhile cancels it. */
interface Opening {
  readonly promise: Promise<Room>;
  cancelled: boolean;
  /** Cancelled by dropAll: closed without a word once made. */
  dropped?: boolean;
}

/** The room's media is rebuilt under this epoch with these peers (kept, without media). */
interface Rebuild {
  epoch: string;
  peerIds: string[];
}

export async function createInProcessSfu(
  options: SfuOptions,
  logger: SfuLogger,
  deps: InProcessSfuDeps = {},
): Promise<InProcessSfu> {
  const { now = Date.now, reapIntervalMs = REAP_INTERVAL_MS, publishState, ...poolDeps } = deps;
  const pool: WorkerPool = await createWorkerPool(options, logger, poolDeps);
  const rooms = new Map<string, Room>();
  const opening = new Map<string, Opening>();
  const leases = createLeases(now);
  const probes = createIceProbes({ pool, logger });
  const listeners = new Set<SfuEventListener>();
  /** Router capabilities depend only on the codec list: learnt once from a short-lived router. */
  let capabilities: Promise<types.RtpCapabilities> | undefined;

  /** Set while dropAll closes rooms: a dropped room reports nothing. */
  let muted = false;

  function emit(event: SfuEvent): void {
    if (muted) return;
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.error({ err: error, event: event.type }, 'SFU event listener threw');
      }
    }
  }

  pool.onWorkerDied(({ index, pid, replaced }) =>
    emit({ type: 'workerDied', workerIndex: index, pid, replaced }),
  );

  /** Consumers every open room puts on each worker, by pid (where a newcomer fits). */
  function workerConsumers(): Map<number, number> {
    const counts = new Map<number, number>();
    for (const r of rooms.values()) {
      if (r.closed) continue;
      for (const [pid, share] of r.shares())
        counts.set(pid, (counts.get(pid) ?? 0) + share.consumers);
    }
    return counts;
  }

  function room(roomId: string): Room {
    const found = rooms.get(roomId);
    if (!found || found.closed) throw new SfuError('ROOM_NOT_FOUND', `room ${roomId} is not open`);
    return found;
  }

  /** The open room; one being opened or rebuilt is waited for. */
  async function liveRoom(roomId: string): Promise<Room> {
    const existing = rooms.get(roomId);
    if (existing && !existing.closed) return existing;
    const pending = opening.get(roomId);
    if (pending) return pending.promise;
    throw new SfuError('ROOM_NOT_FOUND', `room ${roomId} is not open`);
  }

  /**
   * A worker died under the room: it is made again at once on another worker
   * under the epoch its `roomMediaLost` announced, with its peers and owners.
   * If that fails the room is closed, reported under that epoch.
   */
  function rebuild(roomId: string, carried: Rebuild): void {
    openRoom(roomId, carried).catch((error: unknown) => {
      if (rooms.has(roomId) || opening.has(roomId)) return; // opened again meanwhile
      // closeRoom cancelled the rebuild: the rebuilt room reported its closing.
      if (error instanceof SfuError && error.code === 'ROOM_NOT_FOUND') return;
      leases.forgetRoom(roomId);
      logger.error(
        { err: error, room: roomId },
        'could not rebuild the room after its worker died',
      );
      createRoomEmitter(carried.epoch, emit).emit({
        type: 'roomClosed',
        roomId,
        reason: 'workerDied',
      });
    });
  }

  /** Whether the room is open here, or being opened or rebuilt. */
  function carries(roomId: string): boolean {
    const r = rooms.get(roomId);
    return (r !== undefined && !r.closed) || opening.has(roomId);
  }

  const carriedIds = (): string[] =>
    [...new Set([...rooms.keys(), ...opening.keys()])].filter(carries);

  function closeMigrated(roomId: string): MigratedRoom {
    const r = rooms.get(roomId);
    if (!r || r.closed) return opening.has(roomId) ? 'busy' : 'gone';
    // Forgotten first, as closeRoom does: signaling may open the room anew.
    leases.forgetRoom(roomId);
    r.close('migrated');
    return 'closed';
  }

  const drain = createNodeDrain({
    carried: carriedIds,
    peersOf: (roomId) => rooms.get(roomId)?.counts().peers ?? 0,
    closeMigrated,
    ...(publishState ? { publish: publishState } : {}),
    logger,
  });

  async function openRoom(roomId: string, carried?: Rebuild): Promise<Room> {
    const existing = rooms.get(roomId);
    if (existing && !existing.closed) return existing;
    const pending = opening.get(roomId);
    if (pending) return pending.promise;
    let created: Room | undefined;
    const promise = pool.pickWorker().then((pooled) =>
      createRoom({
        id: roomId,
        pooled,
        pool,
        workerConsumers,
        options,
        logger,
        emit,
        ...(carried ? { epoch: carried.epoch, peerIds: carried.peerIds } : {}),
        onClosed: () => {
          if (created && rooms.get(roomId) === created) rooms.delete(roomId);
        },
        onMediaLost: (lost) => rebuild(roomId, { epoch: lost.nextEpoch, peerIds: lost.peerIds }),
      }),
    );
    const entry: Opening = { promise, cancelled: false };
    opening.set(roomId, entry);
    try {
      created = await promise;
    } finally {
      if (opening.get(roomId) === entry) opening.delete(roomId);
    }
    if (entry.cancelled) {
      // closeRoom ran while the router was being made: nobody wants it now.
      leases.forgetRoom(roomId);
      if (entry.dropped) closeQuietly(created);
      else created.close('roomClosed');
      throw new SfuError('ROOM_NOT_FOUND', `room ${roomId} was closed while it opened`);
    }
    rooms.set(roomId, created);
    return created;
  }

  /** Closes the room with nobody told (its closing and its children's). */
  function closeQuietly(r: Room): void {
    muted = true;
    try {
      r.close('roomClosed');
    } finally {
      muted = false;
    }
  }

  function dropAll(): number {
    const dropped = carriedIds().length;
    drain.stop();
    probes.closeAll();
    for (const entry of opening.values()) {
      entry.cancelled = true;
      entry.dropped = true;
    }
    opening.clear();
    leases.clear();
    for (const r of [...rooms.values()]) closeQuietly(r);
    rooms.clear();
    return dropped;
  }

  const handlers: Handlers = {
    async openRoom({ roomId, owner, leaseMs }) {
      // A room opened while the node migrates is not one it carried: it stays.
      if (!carries(roomId)) drain.opened(roomId);
      const r = await openRoom(roomId);
      if (owner !== undefined) leases.holdRoom(roomId, owner, leaseMs ?? DEFAULT_LEASE_MS);
      return { rtpCapabilities: fromMediasoup(r.router.rtpCapabilities), epoch: r.epoch };
    },
    async attachPeer({ roomId, peerId, owner, leaseMs }) {
      const r = await liveRoom(roomId);
      const adopted = r.hasPeer(peerId);
      r.ensurePeer(peerId);
      const previousOwner = leases.holdPeer(roomId, peerId, owner, leaseMs);
      if (adopted)
        logger.info({ room: roomId, peer: peerId, owner, previousOwner }, 'peer adopted');
      return {
        epoch: r.epoch,
        adopted,
        ...(previousOwner === undefined ? {} : { previousOwner }),
        ...r.snapshot(peerId),
      };
    },
    async renewLease({ owner, leaseMs }) {
      return leases.renew(owner, leaseMs);
    },
    async listProducers({ roomId }) {
      const r = await liveRoom(roomId);
      return { epoch: r.epoch, seq: r.seq, producers: r.producers() };
    },
    async closeRoom({ roomId }) {
      const pending = opening.get(roomId);
      if (pending) {
        pending.cancelled = true;
        opening.delete(roomId);
      }
      // Forgotten first: a listener told of the closing may open the room anew.
      leases.forgetRoom(roomId);
      rooms.get(roomId)?.close('roomClosed');
      return {};
    },
    async createWebRtcTransport({ roomId, peerId, direction }) {
      // An open room creates the peer at once (a closePeer right after applies
      // to it); only a room being rebuilt is waited for.
      const open = rooms.get(roomId);
      const r = open && !open.closed ? open : await liveRoom(roomId);
      return transportOptions(await r.createTransport(peerId, direction));
    },
    async closeTransport({ roomId, peerId, transportId }) {
      rooms.get(roomId)?.closeTransport(peerId, transportId);
      return {};
    },
    async connectWebRtcTransport({ roomId, peerId, transportId, dtlsParameters }) {
      const transport = room(roomId).transport(peerId, transportId);
      await connectDtls(transport, toMediasoup<types.DtlsParameters>(dtlsParameters));
      return {};
    },
    async restartIce({ roomId, peerId, transportId }) {
      const iceParameters = await room(roomId).transport(peerId, transportId).restartIce();
      return { iceParameters: fromMediasoup(iceParameters) };
    },
    async produce({ roomId, peerId, transportId, kind, rtpParameters, paused, label }) {
      const r = room(roomId);
      const transport = r.transport(peerId, transportId);
      let producer: types.Producer;
      try {
        producer = await transport.produce({
          kind,
          rtpParameters: toMediasoup<types.RtpParameters>(rtpParameters),
          paused: paused ?? false,
        });
      } catch (error) {
        throw isWorkerGone(error) ? error : new SfuError('MEDIA_REJECTED', messageOf(error));
      }
      r.addProducer(peerId, transport, producer, label ?? kind);
      return { producerId: producer.id };
    },
    async pauseProducer({ roomId, peerId, producerId }) {
      const producer = producerOf(roomId, peerId, producerId);
      await whileOpen(producer, 'PRODUCER_NOT_FOUND', () => producer.pause());
      return {};
    },
    async resumeProducer({ roomId, peerId, producerId }) {
      const producer = producerOf(roomId, peerId, producerId);
      await whileOpen(producer, 'PRODUCER_NOT_FOUND', () => producer.resume());
      return {};
    },
    async closeProducer({ roomId, peerId, producerId }) {
      producerOf(roomId, peerId, producerId).close();
      return {};
    },
    async consume({ roomId, peerId, transportId, producerId, rtpCapabilities }) {
      const r = room(roomId);
      const transport = r.transport(peerId, transportId);
      const caps = toMediasoup<types.RtpCapabilities>(rtpCapabilities);
      // Found (its own, or piped in from another node), and on this peer's router.
      await r.prepareConsume(peerId, producerId, caps);
      // Created paused: the client resumes once its consumer exists, so no
      // keyframe is lost before it can be decoded.
      const consumer = await transport.consume({ producerId, rtpCapabilities: caps, paused: true });
      r.addConsumer(peerId, transport, consumer);
      return {
        consumerId: consumer.id,
        producerId,
        kind: consumer.kind,
        rtpParameters: fromMediasoup<RtpParameters>(consumer.rtpParameters),
        type: consumer.type,
        producerPaused: consumer.producerPaused,
      };
    },
    async resumeConsumer({ roomId, peerId, consumerId }) {
      const consumer = consumerOf(roomId, peerId, consumerId);
      await whileOpen(consumer, 'CONSUMER_NOT_FOUND', () => consumer.resume());
      return {};
    },
    async pauseConsumer({ roomId, peerId, consumerId }) {
      const consumer = consumerOf(roomId, peerId, consumerId);
      await whileOpen(consumer, 'CONSUMER_NOT_FOUND', () => consumer.pause());
      return {};
    },
    async setConsumerPreferredLayers({ roomId, peerId, consumerId, spatialLayer, temporalLayer }) {
      const consumer = consumerOf(roomId, peerId, consumerId);
      // Only simulcast and SVC consumers have layers; for others it is a no-op.
      if (consumer.type === 'simulcast' || consumer.type === 'svc') {
        await whileOpen(consumer, 'CONSUMER_NOT_FOUND', () =>
          consumer.setPreferredLayers(
            temporalLayer === undefined ? { spatialLayer } : { spatialLayer, temporalLayer },
          ),
        );
      }
      return {};
    },
    async inspectConsumer({ roomId, consumerId }) {
      const consumer = room(roomId).findConsumer(consumerId);
      if (!consumer) throw new SfuError('CONSUMER_NOT_FOUND', `unknown consumer ${consumerId}`);
      return {
        kind: consumer.kind,
        type: consumer.type,
        paused: consumer.paused,
        producerPaused: consumer.producerPaused,
        ...(consumer.preferredLayers ? { preferredLayers: consumer.preferredLayers } : {}),
        ...(consumer.currentLayers ? { currentLayers: consumer.currentLayers } : {}),
      };
    },
    async checkRtpCapabilities({ roomId, rtpCapabilities }) {
      const missing = missingCodecs(
        room(roomId).router.rtpCapabilities,
        toMediasoup<types.RtpCapabilities>(rtpCapabilities),
      );
      return { canReceive: missing.length === 0, missing };
    },
    async closePeer({ roomId, peerId }) {
      leases.forgetPeer(roomId, peerId);
      rooms.get(roomId)?.closePeer(peerId);
      return {};
    },
    async inspectRoom({ roomId }) {
      const r = rooms.get(roomId);
      if (!r || r.closed)
        return { exists: false, peers: 0, transports: 0, producers: 0, consumers: 0 };
      const { pipeTransports, pipedProducers } = r.pipes.counts();
      return {
        exists: true,
        epoch: r.epoch,
        ...r.counts(),
        routers: r.routerCount(),
        pipeTransports,
        pipedProducers,
      };
    },
    async getRtpCapabilities() {
      capabilities ??= pool.pickWorker().then(async ({ worker }) => {
        const router = await worker.createRouter({ mediaCodecs });
        router.close();
        return router.rtpCapabilities;
      });
      try {
        return { rtpCapabilities: fromMediasoup(await capabilities) };
      } catch (error) {
        capabilities = undefined; // a worker that died under it: ask again next time
        throw error;
      }
    },
    async getLoad() {
      return { workers: await workerLoads(pool, rooms.values()), state: drain.state() };
    },
    ...createPipeHandlers({
      live: liveRoom,
      open: (roomId) => {
        const r = rooms.get(roomId);
        return r && !r.closed ? r : undefined;
      },
    }),
    async setWorkerDraining({ workerIndex, draining }) {
      pool.setDraining(workerIndex, draining);
      return { workerIndex, draining: pool.isDraining(workerIndex) };
    },
    // Placement (signaling) reads the state; without `migrate` the node keeps
    // serving what it has.
    setNodeDraining: (request) => drain.set(request),
    ...probes.handlers,
  };

  function consumerOf(roomId: string, peerId: string, consumerId: string): types.Consumer {
    const consumer = room(roomId).existingPeer(peerId).consumers.get(consumerId);
    if (!consumer) throw new SfuError('CONSUMER_NOT_FOUND', `unknown consumer ${consumerId}`);
    return consumer;
  }

  function producerOf(roomId: string, peerId: string, producerId: string): types.Producer {
    const producer = room(roomId).existingPeer(peerId).producers.get(producerId);
    if (!producer) throw new SfuError('PRODUCER_NOT_FOUND', `unknown producer ${producerId}`);
    return producer;
  }

  /**
   * Closes the peers of owners whose lease ran out, then the rooms no live
   * owner holds that have no peers left. A room being rebuilt is looked at
   * again on the next round.
   */
  function reap(): void {
    const due = leases.expire();
    for (const { roomId, peerId } of due.peers) {
      const r = rooms.get(roomId);
      if (!r && opening.has(roomId)) continue;
      leases.forgetPeer(roomId, peerId);
      if (r && !r.closed && r.hasPeer(peerId)) {
        logger.info({ room: roomId, peer: peerId }, 'peer reaped: its owner stopped renewing');
        r.closePeer(peerId, 'leaseExpired');
      }
    }
    for (const roomId of due.unheldRooms) {
      const r = rooms.get(roomId);
      if (!r || r.closed) {
        if (!opening.has(roomId)) leases.forgetRoom(roomId);
        continue;
      }
      if (r.counts().peers > 0) continue;
      logger.info({ room: roomId }, 'room closed: no owner holds it');
      leases.forgetRoom(roomId);
      r.close('noOwner');
    }
  }
  const reaper = setInterval(() => {
    try {
      reap();
    } catch (error) {
      logger.error({ err: error }, 'reaping expired leases failed');
    }
  }, reapIntervalMs);
  reaper.unref();

  return {
    carriedRooms: () => carriedIds().length,
    dropAll,
    async call<M extends SfuMethodName>(
      method: M,
      request: SfuRequest<M>,
    ): Promise<SfuResponse<M>> {
      const handler = handlers[method] as (req: SfuRequest<M>) => Promise<SfuResponse<M>>;
      try {
        return await handler(request);
      } catch (error) {
        if (error instanceof SfuError) throw error;
        if (isWorkerGone(error)) throw new SfuError('SFU_UNAVAILABLE', messageOf(error));
        logger.error({ err: error, method }, 'SFU request failed');
        throw new SfuError('INTERNAL', messageOf(error));
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    // In process there is one subscriber, the process itself: every room's
    // events are its own, so watching filters nothing.
    watchRoom() {},
    unwatchRoom() {},
    async close() {
      clearInterval(reaper);
      drain.stop();
      // Shutting down is not ending meetings: nobody is told their room closed.
      listeners.clear();
      probes.closeAll();
      for (const r of rooms.values()) r.close('roomClosed');
      rooms.clear();
      await pool.close();
    },
  };
}
