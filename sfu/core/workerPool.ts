// One mediasoup worker per core, each with a WebRtcServer so browsers reach it
// on a single UDP+TCP port. A worker that dies is logged and replaced on the
// same port (retried with backoff until it works, so capacity comes back);
// routers on it close and their rooms report their media lost.
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
  /**
   * `replaced` tells whether the first attempt to replace it worked; a failed
   * one is retried with backoff until it does.
   */
  onWorkerDied(listener: (info: { index: number; pid: number; replaced: boolean }) => void): void;
  /** Callers of pickWorker waiting for a replacement right now (diagnostics). */
  waiters(): number;
  close(): Promise<void>;
}

export interface WorkerPoolDeps {
  /** Starts one worker; mediasoup's own unless a test needs to make it fail. */
  createWorker?: (settings: types.WorkerSettings) => Promise<types.Worker>;
  /** Delay before the first retry of a failed replacement; doubles up to MAX_RETRY_DELAY_MS. */
  retryDelayMs?: number;
}

/** Kernel buffers asked for each worker's media port (capped by net.core.rmem_max / wmem_max). */
export const MEDIA_SOCKET_BUFFER_BYTES = 8 * 1024 * 1024;

const REPLACEMENT_WAIT_MS = 10_000;
const FIRST_RETRY_DELAY_MS = 1_000;
const MAX_RETRY_DELAY_MS = 30_000;
/** Failed attempts 1, 2, 4, 8, … are logged: a long outage does not flood the log. */
const isLoggedAttempt = (attempt: number): boolean => (attempt & (attempt - 1)) === 0;

/** uv's text for EADDRINUSE, in mediasoup's "uv_udp_bind() failed […]: …" errors. */
const isAddressInUse = (error: unknown): boolean =>
  error instanceof Error && /address already in use|EADDRINUSE/i.test(error.message);

export async function createWorkerPool(
  options: SfuOptions,
  logger: SfuLogger,
  deps: WorkerPoolDeps = {},
): Promise<WorkerPool> {
  const createWorker = deps.createWorker ?? ((settings) => mediasoup.createWorker(settings));
  const firstRetryDelay = deps.retryDelayMs ?? FIRST_RETRY_DELAY_MS;
  const slots: (PooledWorker | undefined)[] = new Array<PooledWorker | undefined>(options.workers);
  const routerCounts = new Map<types.Worker, number>();
  const draining = new Set<number>();
  // Callers waiting for a worker while every worker is being replaced: each
  // entry wakes its caller once and removes itself (and its timer).
  const waiting = new Set<() => void>();
  // Pending retry delays, ended early by close().
  const sleeping = new Set<() => void>();
  const diedListeners: ((info: { index: number; pid: number; replaced: boolean }) => void)[] = [];
  let closed = false;

  function wakeAll(): void {
    for (const wake of [...waiting]) wake();
  }

  /** Resolves on the next replacement, on close, or after `ms`, whichever comes first. */
  function waitForReplacement(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      waiting.add(wake);
    });
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        sleeping.delete(end);
        resolve();
      };
      const timer = setTimeout(end, ms);
      sleeping.add(end);
    });
  }

  function portInUse(index: number, port: number): SfuError {
    const setting =
      index === 0
        ? `RTC_PORT ${port}`
        : `port ${port} (RTC_PORT ${options.rtcPort} + worker ${index})`;
    const fix =
      options.workers === 1
        ? 'set RTC_PORT to a free port'
        : `set RTC_PORT to the first of ${options.workers} free ports`;
    return new SfuError(
      'PORT_IN_USE',
      `${setting} (UDP/TCP) is already in use by another process; ${fix}`,
    );
  }

  function listenInfos(index: number): types.TransportListenInfo[] {
    const port = options.rtcPort === 0 ? undefined : options.rtcPort + index;
    const base = {
      ip: options.listenIp,
      ...(options.announcedAddress ? { announcedAddress: options.announcedAddress } : {}),
      ...(port === undefined ? {} : { port }),
    };
    const buffers = {
      recvBufferSize: MEDIA_SOCKET_BUFFER_BYTES,
      sendBufferSize: MEDIA_SOCKET_BUFFER_BYTES,
    };
    return [
      // Every participant's packets come through this one socket.
      { ...base, ...buffers, protocol: 'udp' },
      { ...base, protocol: 'tcp' },
    ];
  }

  async function start(index: number): Promise<PooledWorker> {
    const worker = await createWorker({ logLevel: options.workerLogLevel });
    const log = logger.child({ worker: index, pid: worker.pid });
    try {
      let webRtcServer: types.WebRtcServer;
      try {
        webRtcServer = await worker.createWebRtcServer({ listenInfos: listenInfos(index) });
      } catch (error) {
        if (options.rtcPort !== 0 && isAddressInUse(error)) {
          throw portInUse(index, options.rtcPort + index);
        }
        throw error;
      }
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

  function report(info: { index: number; pid: number; replaced: boolean }): void {
    for (const listener of diedListeners) {
      try {
        listener(info);
      } catch (error) {
        logger.error({ err: error }, 'workerDied listener threw');
      }
    }
  }

  async function replace(index: number, deadPid: number): Promise<void> {
    for (let attempt = 1; !closed; attempt++) {
      try {
        const pooled = await start(index);
        if (closed) {
          pooled.worker.close();
          return;
        }
        slots[index] = pooled;
        wakeAll();
        if (attempt > 1)
          logger.info({ worker: index, attempts: attempt }, 'mediasoup worker replaced');
        else report({ index, pid: deadPid, replaced: true });
        return;
      } catch (error) {
        const delay = Math.min(firstRetryDelay * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
        if (isLoggedAttempt(attempt)) {
          logger.error(
            { err: error, worker: index, attempt, retryInMs: delay },
            'could not replace mediasoup worker; will retry',
          );
        }
        if (attempt === 1) report({ index, pid: deadPid, replaced: false });
        await sleep(delay);
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
        const left = deadline - Date.now();
        if (closed || left <= 0) {
          throw new SfuError('SFU_UNAVAILABLE', 'no live mediasoup worker');
        }
        await waitForReplacement(left);
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
    waiters: () => waiting.size,
    async close() {
      closed = true;
      wakeAll();
      for (const end of [...sleeping]) end();
      for (const slot of slots) slot?.worker.close();
    },
  };
}
