// Turns the pool's cumulative figures (getLoad: CPU time, bytes) into the
// per-interval rates of a registry record. Pure: the heartbeat keeps the
// previous sample and passes it back in.
import type { SfuResponse } from '../api/methods.js';
import type { WorkerRecord } from '../api/registry.js';

type Load = SfuResponse<'getLoad'>;
type WorkerLoad = Load['workers'][number];

export interface LoadSample {
  at: number;
  /** By worker pid: a worker that was replaced starts from nothing. */
  byPid: Map<number, { cpuMs?: number; bytesIn?: number; bytesOut?: number }>;
}

export function sampleOf(load: Load, at: number): LoadSample {
  return {
    at,
    byPid: new Map(
      load.workers.map((w) => [
        w.pid,
        {
          ...(w.cpuMs === undefined ? {} : { cpuMs: w.cpuMs }),
          ...(w.bytesIn === undefined ? {} : { bytesIn: w.bytesIn }),
          ...(w.bytesOut === undefined ? {} : { bytesOut: w.bytesOut }),
        },
      ]),
    ),
  };
}

/**
 * A counter's growth since the previous sample; 0 without one. Bytes of
 * transports that closed meanwhile leave the sum, so it may shrink: never
 * below 0.
 */
const growth = (now: number | undefined, before: number | undefined): number =>
  now === undefined || before === undefined ? 0 : Math.max(0, now - before);

export function workerRecords(
  load: Load,
  previous: LoadSample | undefined,
  at: number,
): WorkerRecord[] {
  const seconds = previous ? Math.max(0.001, (at - previous.at) / 1000) : 1;
  return load.workers.map((w: WorkerLoad) => {
    const before = previous?.byPid.get(w.pid);
    return {
      index: w.index,
      pid: w.pid,
      routers: w.rooms,
      transports: w.transports,
      producers: w.producers ?? 0,
      consumers: w.consumers,
      bitrateIn: Math.round((growth(w.bytesIn, before?.bytesIn) * 8) / seconds),
      bitrateOut: Math.round((growth(w.bytesOut, before?.bytesOut) * 8) / seconds),
      cpu: growth(w.cpuMs, before?.cpuMs) / 1000 / seconds,
      draining: w.draining,
    };
  });
}
