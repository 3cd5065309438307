// One mediasoup worker per core, each with a WebRtcServer so browsers reach it
// on a single UDP+TCP port. A worker that dies is logged and replaced on the
// same port; routers on it close and their rooms report their media lost.
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { SfuError } from '../api/errors.js';
import type { SfuLogger } from './logger.js';
import type { SfuOptions } from './options.js';

export interface PooledWorker {
  readonly index: number;
  readonly worker: types.Worker;
  readonly webRtcServer: types.WebRtcServer;
}

export interface WorkerPool {
  /**
   * The live worker that currently serves the fewest routers. While every
   * worker is dead and being replaced, waits for a replacement.
   */
  pickWorker(): Promise<PooledWorker>;
  all(): readonly PooledWorker[];
  /** How many worker slots the pool has (live or being replaced). */
  readonly size: number;
  /**
   * Marks a worker slot draining (kept across a replacement): it gets no new
   * rooms while a non-draining live worker exists. When every live worker
   * drains, the least loaded one still takes rooms — a drain never refuses a
   * meeting.
   */
  setDraining(index: number, draining: boolean): void;
  isDraining(index: number): boolean;
  onWorkerDied(listener: (info: { index: number; pid: number; replaced: boolean }) => void): void;
  close(): Promise<void>;
}

const REPLACEMENT_WAIT_MS = 10_000;

export async function createWorkerPool(
  options: SfuOptions,
  logger: SfuLogger,
): Promise<WorkerPool> {
  const slots: (PooledWorker | undefined)[] = new Array<PooledWorker | undefined>(options.workers);
  const routerCounts = new Map<types.Worker, number>();
  const draining = new Set<number>();
  // Callers waiting for a worker while every worker is being replaced.
  const waiting: (() => void)[] = [];
  const diedListeners: ((info: { index: number; pid: number; replaced: boolean }) => void)[] = [];
  let closed = false;

  function listenInfos(index: number): types.TransportListenInfo[] {
    const port = options.rtcPort === 0 ? undefined : options.rtcPort + index;
    const base = {
      ip: options.listenIp,
      ...(options.announcedAddress ? { announcedAddress: options.announcedAddress } : {}),
      ...(port === undefined ? {} : { port }),
    };
    return [
      { ...base, protocol: 'udp' },
      { ...base, protocol: 'tcp' },
    ];
  }

  async function start(index: number): Promise<PooledWorker> {
    const worker = await mediasoup.createWorker({ logLevel: options.workerLogLevel });
    const log = logger.child({ worker: index, pid: worker.pid });
    try {
      const webRtcServer = await worker.createWebRtcServer({ listenInfos: listenInfos(index) });
      const pooled: PooledWorker = { index, worker, webRtcServer };
      routerCounts.set(worker, 0);
      worker.observer.on('newrouter', (router) => {
        routerCounts.set(worker, (routerCounts.get(worker) ?? 0) + 1);
        router.observer.once('close', () => {
          routerCounts.set(worker, Math.max(0, (routerCounts.get(worker) ?? 1) - 1));
        });
      });
      worker.once('died', (error) => {
        routerCounts.delete(worker);
        slots[index] = undefined;
        log.error({ err: error }, 'mediasoup worker died');
        void replace(index, worker.pid);
      });
      log.info(
        {
          webRtcServerId: webRtcServer.id,
          listen: listenInfos(index).map((l) => `${l.protocol}:${l.port ?? 'any'}`),
        },
        'mediasoup worker ready',
      );
      return pooled;
    } catch (error) {
      worker.close();
      throw error;
    }
  }

  async function replace(index: number, deadPid: number): Promise<void> {
    if (closed) return;
    let replaced = false;
    try {
      slots[index] = await start(index);
      replaced = true;
      for (const wake of waiting.splice(0)) wake();
    } catch (error) {
      logger.error({ err: error, worker: index }, 'could not replace mediasoup worker');
    }
    for (const listener of diedListeners) {
      try {
        listener({ index, pid: deadPid, replaced });
      } catch (error) {
        logger.error({ err: error }, 'workerDied listener threw');
      }
    }
  }

  mediasoup.setLogEventListeners({
    ondebug: () => undefined,
    onwarn: (namespace, log) => logger.warn({ namespace }, log),
    onerror: (namespace, log, error) => logger.error({ namespace, err: error }, log),
  });

  try {
    for (let i = 0; i < options.workers; i++) slots[i] = await start(i);
  } catch (error) {
    for (const slot of slots) slot?.worker.close();
    throw error;
  }

  return {
    async pickWorker() {
      // mediasoup closes a dead worker's routers before it reports the death,
      // so a room reopened at once may find no worker yet: wait a little.
      const deadline = Date.now() + REPLACEMENT_WAIT_MS;
      for (;;) {
        const live = slots.filter((s): s is PooledWorker => s !== undefined && !s.worker.closed);
        const open = live.filter((s) => !draining.has(s.index));
        let best: PooledWorker | undefined;
        for (const slot of open.length > 0 ? open : live) {
          if (
            !best ||
            (routerCounts.get(slot.worker) ?? 0) < (routerCounts.get(best.worker) ?? 0)
          ) {
            best = slot;
          }
        }
        if (best) return best;
        if (closed || Date.now() > deadline) {
          throw new SfuError('SFU_UNAVAILABLE', 'no live mediasoup worker');
        }
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          setTimeout(resolve, 250);
        });
      }
    },
    all: () => slots.filter((s): s is PooledWorker => s !== undefined),
    size: options.workers,
    setDraining(index, on) {
      if (!Number.isInteger(index) || index < 0 || index >= options.workers)
        throw new SfuError('INVALID_REQUEST', `no worker ${index}`);
      if (on) draining.add(index);
      else draining.delete(index);
      logger.info({ worker: index, draining: on }, 'worker draining changed');
    },
    isDraining: (index) => draining.has(index),
    onWorkerDied(listener) {
      diedListeners.push(listener);
    },
    async close() {
      closed = true;
      for (const slot of slots) slot?.worker.close();
    },
  };
}
