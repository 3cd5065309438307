// The server side's figures during a load, read from each process's /metrics
// as Prometheus would: the process's own CPU, its mediasoup workers' CPU
// (mediasoup's getResourceUsage), producers and consumers, and the workers'
// bitrates in and out as mediasoup measures them. /metrics refreshes the
// workers' figures at most every 5 s, too coarse for a window of seconds:
// for a process started here both CPU figures are read from /proc instead,
// at the moment of the reading.
import { scrape } from '../harness/metrics.js';
import { childrenNamed, cpuSeconds } from './pinning.js';
import type { MetricsEndpoint } from './target.js';

export interface ServerReading {
  name: string;
  /** performance.now() when read. */
  at: number;
  /** Undefined when /metrics could not be read (no token for a remote target, say). */
  processCpuS?: number;
  workerCpuS?: number;
  workers?: number;
  producers?: number;
  consumers?: number;
  bitrateIn?: number;
  bitrateOut?: number;
}

/** A process's CPU seconds and its mediasoup workers', read from /proc now. */
async function cpuNow(pid: number): Promise<{ process?: number; workers: number }> {
  const workers = await childrenNamed(pid, 'mediasoup-worker');
  const [own, ...each] = await Promise.all([pid, ...workers].map((p) => cpuSeconds(p)));
  return {
    ...(own === undefined ? {} : { process: own }),
    workers: each.reduce((sum: number, x) => sum + (x ?? 0), 0),
  };
}

export async function readServers(endpoints: readonly MetricsEndpoint[]): Promise<ServerReading[]> {
  return Promise.all(
    endpoints.map(async (endpoint): Promise<ServerReading> => {
      const at = performance.now();
      try {
        const [{ scrape: s }, exact] = await Promise.all([
          scrape(endpoint.url, endpoint.token),
          endpoint.pid === undefined ? undefined : cpuNow(endpoint.pid),
        ]);
        if (!s) return { name: endpoint.name, at };
        const has = (name: string) => s.families.has(name);
        return {
          name: endpoint.name,
          at,
          processCpuS: exact?.process ?? s.value('process_cpu_seconds_total'),
          ...(has('veche_sfu_worker_cpu_seconds_total')
            ? {
                workerCpuS: exact?.workers ?? s.value('veche_sfu_worker_cpu_seconds_total'),
                workers: s.families.get('veche_sfu_worker_cpu_seconds_total')?.metrics.length ?? 0,
                producers: s.value('veche_sfu_producers'),
                consumers: s.value('veche_sfu_consumers'),
                bitrateIn: s.value('veche_sfu_bitrate_bits_per_second', { direction: 'in' }),
                bitrateOut: s.value('veche_sfu_bitrate_bits_per_second', { direction: 'out' }),
              }
            : {}),
        };
      } catch {
        return { name: endpoint.name, at };
      }
    }),
  );
}

export interface ServerWindow {
  name: string;
  /** Share of one core over the window (1 = a whole core). */
  processCpu?: number;
  workerCpu?: number;
  workers?: number;
  producers?: number;
  consumers?: number;
  bitrateIn?: number;
  bitrateOut?: number;
}

/** CPU shares between two readings of the same endpoints; counts from the later one. */
export function serverWindow(before: ServerReading[], after: ServerReading[]): ServerWindow[] {
  return after.map((b) => {
    const a = before.find((r) => r.name === b.name);
    const seconds = a ? (b.at - a.at) / 1000 : 0;
    const share = (x?: number, y?: number) =>
      x !== undefined && y !== undefined && seconds > 0 ? (y - x) / seconds : undefined;
    const processCpu = share(a?.processCpuS, b.processCpuS);
    const workerCpu = share(a?.workerCpuS, b.workerCpuS);
    return {
      name: b.name,
      ...(processCpu !== undefined ? { processCpu } : {}),
      ...(workerCpu !== undefined ? { workerCpu } : {}),
      ...(b.workers !== undefined ? { workers: b.workers } : {}),
      ...(b.producers !== undefined ? { producers: b.producers } : {}),
      ...(b.consumers !== undefined ? { consumers: b.consumers } : {}),
      ...(b.bitrateIn !== undefined ? { bitrateIn: b.bitrateIn } : {}),
      ...(b.bitrateOut !== undefined ? { bitrateOut: b.bitrateOut } : {}),
    };
  });
}
