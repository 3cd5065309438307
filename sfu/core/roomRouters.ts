// A room's routers on this node: its first (the room's home here: the
// active-speaker observers and the pipes toward other nodes live on it) and
// at most one more per worker, made when a newcomer does not fit on the
// room's workers (routerChoice.ts). A producer is consumed on another router
// through mediasoup's pipeToRouter, under the same id, piped once per
// producer and router. A router other than the first closes when its last
// peer leaves. A router closed behind the room's back means its worker died.
import type { types } from 'mediasoup';
import { SfuError } from '../api/errors.js';
import { mediaCodecs } from './mediaCodecs.js';
import type { PipeOptions } from './options.js';
import { chooseRouter } from './routerChoice.js';
import type { PooledWorker, WorkerPool } from './workerPool.js';

export interface RoomRouter {
  readonly router: types.Router;
  readonly pooled: PooledWorker;
  /** Peers whose media is on this router. */
  readonly peers: Set<string>;
}

export interface RoomRouters {
  readonly first: RoomRouter;
  all(): RoomRouter[];
  /** The router for a newcomer's media; the peer counts on it from now on. */
  place(peerId: string): Promise<RoomRouter>;
  /** The peer's media left `from`: a router other than the first left without peers closes. */
  leave(peerId: string, from: RoomRouter): void;
  /** `producer` (on `from`) made consumable on `to` under the same id; the producer there. */
  bring(producer: types.Producer, from: RoomRouter, to: RoomRouter): Promise<types.Producer>;
  /** Producers piped between workers: a consumer on the source's worker, a producer on the target's, by pid. */
  piped(): { consumers: Map<number, number>; producers: Map<number, number> };
  /** A router of the room is closing behind its back (a worker is dying): the room is lost. */
  failing(): boolean;
  /** Closes every router (the room closes, or its media is lost). */
  close(): void;
}

export interface RoomRoutersParams {
  roomId: string;
  first: PooledWorker;
  pool: Pick<WorkerPool, 'all' | 'isDraining'>;
  consumersPerWorker: number;
  /** Consumers every room of the node carries now, by worker pid. */
  workerConsumers(): Map<number, number>;
  /** The room's producers now. */
  roomProducers(): number;
  pipe: PipeOptions;
  /** One of the routers closed behind the room's back (its worker died); told once. */
  onLost(): void;
}

const add = (counts: Map<number, number>, pid: number) =>
  counts.set(pid, (counts.get(pid) ?? 0) + 1);

export async function createRoomRouters(params: RoomRoutersParams): Promise<RoomRouters> {
  const { roomId, pool } = params;
  const byWorker = new Map<number, RoomRouter>();
  const making = new Map<number, Promise<RoomRouter>>();
  /** Routers the room closes itself: their closing is no loss. */
  const retired = new Set<types.Router>();
  const brought = new Map<string, Promise<types.Producer>>();
  const pipedNow = new Map<string, { from: number; to: number }>();
  let closing = false;
  let lost = false;
  /** Until the room has its routers, a loss fails their creation instead. */
  let ready = false;

  async function make(pooled: PooledWorker): Promise<RoomRouter> {
    const router = await pooled.worker.createRouter({ mediaCodecs });
    const made: RoomRouter = { router, pooled, peers: new Set() };
    router.observer.once('close', () => {
      if (byWorker.get(pooled.index) === made) byWorker.delete(pooled.index);
      if (closing || retired.has(router) || lost || !ready) return;
      lost = true;
      params.onLost();
    });
    if (closing) {
      router.close();
      throw new SfuError('ROOM_NOT_FOUND', `room ${roomId} closed`);
    }
    byWorker.set(pooled.index, made);
    return made;
  }

  const first = await make(params.first);
  if (first.router.closed) throw new SfuError('SFU_UNAVAILABLE', 'the worker died');
  ready = true;

  function newRouterOn(index: number): Promise<RoomRouter> {
    const pending = making.get(index);
    if (pending) return pending;
    const pooled = pool.all().find((w) => w.index === index && !w.worker.closed);
    if (!pooled) return Promise.reject(new SfuError('SFU_UNAVAILABLE', `worker ${index} is gone`));
    const promise = make(pooled);
    making.set(index, promise);
    const forget = () => {
      if (making.get(index) === promise) making.delete(index);
    };
    promise.then(forget, forget);
    return promise;
  }

  return {
    first,
    all: () => [...byWorker.values()],
    async place(peerId) {
      if (closing) throw new SfuError('ROOM_NOT_FOUND', `room ${roomId} closed`);
      const consumers = params.workerConsumers();
      const choice = chooseRouter({
        roomWorkers: [...byWorker.keys(), ...making.keys()],
        workers: pool
          .all()
          .filter((w) => !w.worker.closed)
          .map((w) => ({
            index: w.index,
            consumers: consumers.get(w.worker.pid) ?? 0,
            draining: pool.isDraining(w.index),
          })),
        consumersPerWorker: params.consumersPerWorker,
        roomProducers: params.roomProducers(),
      });
      const index = 'existing' in choice ? choice.existing : choice.newOn;
      const chosen = byWorker.get(index) ?? (await newRouterOn(index));
      chosen.peers.add(peerId);
      return chosen;
    },
    leave(peerId, from) {
      from.peers.delete(peerId);
      if (from === first || from.peers.size > 0 || closing) return;
      retired.add(from.router);
      from.router.close();
    },
    bring(producer, from, to) {
      if (from === to) return Promise.resolve(producer);
      const key = `${to.router.id} ${producer.id}`;
      const known = brought.get(key);
      if (known) return known;
      const promise = from.router
        .pipeToRouter({
          producerId: producer.id,
          router: to.router,
          // Loopback, on ports of the pipe range: never a worker's media port.
          listenInfo: { protocol: 'udp', ip: '127.0.0.1', portRange: params.pipe.portRange },
          enableSctp: false,
        })
        .then(({ pipeProducer }) => {
          if (!pipeProducer) throw new Error('mediasoup piped no producer');
          pipedNow.set(key, { from: from.pooled.worker.pid, to: to.pooled.worker.pid });
          pipeProducer.observer.once('close', () => {
            if (brought.get(key) === promise) brought.delete(key);
            pipedNow.delete(key);
          });
          return pipeProducer;
        });
      brought.set(key, promise);
      promise.then(undefined, () => {
        if (brought.get(key) === promise) brought.delete(key);
      });
      return promise;
    },
    piped() {
      const consumers = new Map<number, number>();
      const producers = new Map<number, number>();
      for (const { from, to } of pipedNow.values()) {
        add(consumers, from);
        add(producers, to);
      }
      return { consumers, producers };
    },
    failing: () =>
      lost || [...byWorker.values()].some((r) => r.router.closed && !retired.has(r.router)),
    close() {
      closing = true;
      for (const { router } of [...byWorker.values()]) router.close();
    },
  };
}
