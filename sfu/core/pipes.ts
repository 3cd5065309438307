// A room's pipes toward other SFU nodes (a room that spans nodes). Signaling
// orchestrates both ends; this node manages its own: one pipe end per remote
// node, what it sends and receives, and what closes by itself. What a request
// closes is never reported back (two nodes would echo each other); what closes
// by itself is, as `pipeClosed`, so signaling closes the other end too:
// - a pipe consumer whose producer closed (with its producerId);
// - a piped-in producer whose last consumer here went (with its producerId);
// - then an end left carrying nothing, which this node closes (no producerId).
// Nothing is reported while the room closes or its worker dies: roomClosed
// and roomMediaLost say so.
import type { types } from 'mediasoup';
import { SfuError } from '../api/errors.js';
import type { RoomEventInput } from '../api/events.js';
import type { PipeEndpoint, PipedProducer, ProducerInfo, SfuResponse } from '../api/methods.js';
import type { RtpParameters } from '../api/rtp.js';
import type { SfuLogger } from './logger.js';
import { isWorkerGone, messageOf } from './mediasoupErrors.js';
import type { PipeOptions } from './options.js';
import { createPipeEnd, type PipeEnd, type PipedIn } from './pipeEnd.js';
import type { Speakers } from './speakers.js';

export interface RoomPipes {
  /** openPipe: this node's end toward `remoteNodeId`, made once. */
  open(remoteNodeId: string): Promise<SfuResponse<'openPipe'>>;
  connect(remoteNodeId: string, pipeId: string, remote: PipeEndpoint): Promise<void>;
  /** pipeProducer: sends a producer of this room toward `remoteNodeId` (once). */
  send(remoteNodeId: string, producerId: string): Promise<PipedProducer>;
  /** acceptPipedProducer: takes a producer piped in from `remoteNodeId` (once). */
  accept(remoteNodeId: string, piped: PipedProducer, observe: boolean): Promise<void>;
  /** closePipe: the whole end, or what it carries of one producer; never reported. */
  close(remoteNodeId: string, producerId?: string): Promise<void>;
  /** A producer piped in from any node, for local peers to consume. */
  findPipedIn(producerId: string): { peerId: string; producer: types.Producer } | undefined;
  /** A local consumer exists: the piped-in producer it takes is kept while it lives. */
  consumerAdded(consumer: types.Consumer): void;
  counts(): { pipeTransports: number; pipedProducers: number; pipeConsumers: number };
  transports(): types.PipeTransport[];
}

export interface RoomPipesParams {
  roomId: string;
  router: types.Router;
  options: PipeOptions;
  logger: SfuLogger;
  emit: (event: RoomEventInput) => void;
  speakers: Speakers;
  /**
   * One of the room's own producers (its peers'), described as listProducers
   * does, as it is on `router` (where the pipes are).
   */
  localProducer(
    producerId: string,
  ): Promise<{ info: ProducerInfo; producer: types.Producer } | undefined>;
  /** Whether one of the room's peers has this producer. */
  ownsProducer(producerId: string): boolean;
  /** The room is closing or its router is gone: closes then are not reported here. */
  silent(): boolean;
}

/** A producer this node may send through a pipe, and the pipe it came in by when relayed. */
interface Sendable {
  info: ProducerInfo;
  producer: types.Producer;
  from: { end: PipeEnd; entry: PipedIn } | undefined;
}

// The contract's RTP objects are mediasoup's, checked at the boundary.
const toMediasoup = <T>(value: unknown): T => value as T;
const fromMediasoup = <T>(value: unknown): T => value as T;

/** Runs `create` once per key while it is under way; every caller gets its result. */
function shared<T>(soon: Map<string, Promise<T>>, key: string, create: () => Promise<T>) {
  const running = soon.get(key);
  if (running) return running;
  const promise = create();
  soon.set(key, promise);
  const forget = () => {
    if (soon.get(key) === promise) soon.delete(key);
  };
  promise.then(forget, forget);
  return promise;
}

export function createRoomPipes(params: RoomPipesParams): RoomPipes {
  const { roomId, router, options, emit, speakers, silent } = params;
  const log = params.logger.child({ room: roomId });
  const ends = new Map<string, PipeEnd>();
  const opening = new Map<string, Promise<PipeEnd>>();

  const roomGone = () => new SfuError('ROOM_NOT_FOUND', `room ${roomId} closed`);
  const endGone = (end: PipeEnd) =>
    new SfuError('PIPE_STALE', `the pipe toward ${end.remoteNodeId} closed`);

  function endToward(remoteNodeId: string): PipeEnd {
    const found = ends.get(remoteNodeId);
    if (!found || found.transport.closed) {
      throw new SfuError('PIPE_STALE', `no pipe toward ${remoteNodeId} in room ${roomId}`);
    }
    return found;
  }

  function openEnd(remoteNodeId: string): Promise<PipeEnd> {
    const existing = ends.get(remoteNodeId);
    if (existing) return Promise.resolve(existing);
    return shared(opening, remoteNodeId, async () => {
      let end: PipeEnd;
      try {
        end = await createPipeEnd(router, remoteNodeId, options);
      } catch (error) {
        if (silent()) throw roomGone();
        throw error;
      }
      if (silent()) {
        end.transport.close();
        throw roomGone();
      }
      ends.set(remoteNodeId, end);
      end.transport.observer.once('close', () => {
        if (ends.get(remoteNodeId) === end) ends.delete(remoteNodeId);
        log.info({ remoteNodeId, pipe: end.transport.id }, 'pipe closed');
      });
      log.info({ remoteNodeId, pipe: end.transport.id }, 'pipe opened');
      return end;
    });
  }

  /** Something this end carried closed by itself: say so, and close the end if it carries nothing now. */
  function closedByItself(end: PipeEnd, producerId: string): void {
    if (silent()) return;
    emit({ type: 'pipeClosed', roomId, remoteNodeId: end.remoteNodeId, producerId });
    const idle =
      end.sending.size + end.receiving.size + end.sendingSoon.size + end.receivingSoon.size === 0;
    if (!idle || end.transport.closed) return;
    end.transport.close();
    emit({ type: 'pipeClosed', roomId, remoteNodeId: end.remoteNodeId });
  }

  /** `user` (a local consumer, or a pipe consumer relaying it) keeps a piped-in producer. */
  function hold(end: PipeEnd, entry: PipedIn, user: types.Consumer): void {
    entry.users += 1;
    user.observer.once('close', () => {
      entry.users -= 1;
      if (entry.users > 0 || entry.observed || entry.producer.closed || silent()) return;
      entry.producer.close();
      closedByItself(end, entry.info.producerId);
    });
  }

  function pipedIn(producerId: string): { end: PipeEnd; entry: PipedIn } | undefined {
    for (const end of ends.values()) {
      const entry = end.receiving.get(producerId);
      if (entry) return { end, entry };
    }
    return undefined;
  }

  /** A producer this node may send toward `remoteNodeId`: its own, or one relayed from a third node. */
  async function sendable(producerId: string, remoteNodeId: string): Promise<Sendable> {
    const local = await params.localProducer(producerId);
    if (local) return { ...local, from: undefined };
    const relayed = pipedIn(producerId);
    if (!relayed) throw new SfuError('PRODUCER_NOT_FOUND', `unknown producer ${producerId}`);
    if (relayed.end.remoteNodeId === remoteNodeId) {
      throw new SfuError('INVALID_REQUEST', `producer ${producerId} came from ${remoteNodeId}`);
    }
    return { info: relayed.entry.info, producer: relayed.entry.producer, from: relayed };
  }

  async function makePipeConsumer(end: PipeEnd, source: Sendable): Promise<types.Consumer> {
    const producerId = source.producer.id;
    let consumer: types.Consumer;
    try {
      consumer = await end.transport.consume({ producerId });
    } catch (error) {
      if (silent()) throw roomGone();
      if (end.transport.closed) throw endGone(end);
      if (source.producer.closed) throw new SfuError('PRODUCER_NOT_FOUND', 'producer closed');
      throw error;
    }
    if (silent() || end.transport.closed || consumer.closed) {
      consumer.close();
      if (silent()) throw roomGone();
      if (end.transport.closed) throw endGone(end);
      throw new SfuError('PRODUCER_NOT_FOUND', 'producer closed');
    }
    end.sending.set(producerId, consumer);
    const forget = () => {
      if (end.sending.get(producerId) === consumer) end.sending.delete(producerId);
    };
    consumer.observer.once('close', forget);
    consumer.on('producerclose', () => {
      forget();
      closedByItself(end, producerId);
    });
    if (source.from) hold(source.from.end, source.from.entry, consumer);
    return consumer;
  }

  async function makePipedIn(
    end: PipeEnd,
    info: ProducerInfo,
    rtpParameters: RtpParameters,
  ): Promise<PipedIn> {
    let producer: types.Producer;
    try {
      // Never paused here: the pipe carries the origin's pause (nothing flows meanwhile).
      producer = await end.transport.produce({
        id: info.producerId,
        kind: info.kind,
        rtpParameters: toMediasoup<types.RtpParameters>(rtpParameters),
        paused: false,
        appData: { peerId: info.peerId, remoteNodeId: end.remoteNodeId },
      });
    } catch (error) {
      if (silent()) throw roomGone();
      if (end.transport.closed) throw endGone(end);
      if (isWorkerGone(error)) throw error;
      throw new SfuError('MEDIA_REJECTED', messageOf(error));
    }
    if (silent() || end.transport.closed || producer.closed) {
      producer.close();
      throw silent() ? roomGone() : endGone(end);
    }
    const entry: PipedIn = { info, producer, observed: false, users: 0 };
    end.receiving.set(info.producerId, entry);
    producer.observer.once('close', () => {
      if (end.receiving.get(info.producerId) === entry) end.receiving.delete(info.producerId);
    });
    return entry;
  }

  return {
    async open(remoteNodeId) {
      return (await openEnd(remoteNodeId)).describe();
    },
    async connect(remoteNodeId, pipeId, remote) {
      const end = endToward(remoteNodeId);
      if (end.transport.id !== pipeId) {
        throw new SfuError('PIPE_STALE', `pipe ${pipeId} toward ${remoteNodeId} is not open`);
      }
      await end.connect(remote);
    },
    async send(remoteNodeId, producerId) {
      endToward(remoteNodeId);
      const source = await sendable(producerId, remoteNodeId);
      const end = endToward(remoteNodeId);
      const consumer =
        end.sending.get(producerId) ??
        (await shared(end.sendingSoon, producerId, () => makePipeConsumer(end, source)));
      return {
        producer: { ...source.info, paused: source.producer.paused },
        rtpParameters: fromMediasoup<RtpParameters>(consumer.rtpParameters),
      };
    },
    async accept(remoteNodeId, { producer: info, rtpParameters }, observe) {
      const end = endToward(remoteNodeId);
      const id = info.producerId;
      let entry = end.receiving.get(id);
      if (!entry) {
        if (!end.receivingSoon.has(id) && (params.ownsProducer(id) || pipedIn(id))) {
          throw new SfuError('INVALID_REQUEST', `producer ${id} is already in room ${roomId}`);
        }
        entry = await shared(end.receivingSoon, id, () => makePipedIn(end, info, rtpParameters));
      }
      if (observe && !entry.observed) {
        entry.observed = true;
        // The origin's peer id: this node's speaker events name the remote peer.
        speakers.addAudioProducer(entry.info.peerId, entry.producer);
      }
    },
    async close(remoteNodeId, producerId) {
      const opened = opening.get(remoteNodeId);
      if (opened) await Promise.allSettled([opened]);
      const end = ends.get(remoteNodeId);
      if (!end) return;
      if (producerId === undefined) {
        end.transport.close();
        return;
      }
      const soon = [end.sendingSoon.get(producerId), end.receivingSoon.get(producerId)];
      await Promise.allSettled(soon.filter((p) => p !== undefined));
      end.sending.get(producerId)?.close();
      end.receiving.get(producerId)?.producer.close();
    },
    findPipedIn(producerId) {
      const found = pipedIn(producerId);
      return found
        ? { peerId: found.entry.info.peerId, producer: found.entry.producer }
        : undefined;
    },
    consumerAdded(consumer) {
      const found = pipedIn(consumer.producerId);
      if (found) hold(found.end, found.entry, consumer);
    },
    counts() {
      let pipedProducers = 0;
      let pipeConsumers = 0;
      for (const end of ends.values()) {
        pipedProducers += end.receiving.size;
        pipeConsumers += end.sending.size;
      }
      return { pipeTransports: ends.size, pipedProducers, pipeConsumers };
    },
    transports: () => [...ends.values()].map((end) => end.transport),
  };
}
