// Memory of the deployment's processes over a soak: a baseline taken after a
// warm-up (the same churn, then everyone gone and everything released), the
// peak resident memory seen while the churn ran, and the end once everything
// is released again. Node processes are measured after full garbage
// collections (their probe); mediasoup workers by their resident memory.
//
// The bound, per process (documented in docs/testing.md, "Soak"):
// - a Node process's heap in use after GC at the end ≤ baseline × 1.25 + 16 MiB;
// - any process's resident memory at the end ≤ baseline × 1.5 + 64 MiB
//   (freed memory is not always given back to the system at once).
import type { SoakDeployment } from './deployment.js';
import { residentBytes } from './probes.js';

export const MIB = 1024 * 1024;
const HEAP_FACTOR = 1.25;
const HEAP_SLACK = 16 * MIB;
const RSS_FACTOR = 1.5;
const RSS_SLACK = 64 * MIB;

export interface MemoryPoint {
  rss: number;
  /** Node processes only. */
  heapUsed?: number;
}

export interface MemoryRow {
  /** `signaling-1`, `sfu-1`, `sfu-1 w0`. */
  process: string;
  pid: number;
  baseline: MemoryPoint;
  peakRss: number;
  end?: MemoryPoint;
}

/** Why the row is out of bounds (undefined when within). */
export function memoryProblem(row: MemoryRow): string | undefined {
  const { baseline, end } = row;
  if (!end) return `${row.process}: gone before the end measurement`;
  if (end.rss > baseline.rss * RSS_FACTOR + RSS_SLACK) {
    return `${row.process}: resident memory ${mb(end.rss)} at the end, baseline ${mb(baseline.rss)}`;
  }
  if (
    baseline.heapUsed !== undefined &&
    end.heapUsed !== undefined &&
    end.heapUsed > baseline.heapUsed * HEAP_FACTOR + HEAP_SLACK
  ) {
    return `${row.process}: heap ${mb(end.heapUsed)} at the end, baseline ${mb(baseline.heapUsed)}`;
  }
  return undefined;
}

export const mb = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MB`;

interface Measured {
  process: string;
  pid: number;
  point: MemoryPoint;
}

/** Every server process and each SFU node's mediasoup workers, now (Node processes after GC). */
async function measure(deployment: SoakDeployment): Promise<Measured[]> {
  const out: Measured[] = [];
  for (const proc of deployment.processes) {
    const memory = await deployment.probes.memory(proc.pid);
    out.push({ process: proc.name, pid: proc.pid, point: memory });
    if (proc.kind !== 'sfu') continue;
    const workers = await deployment.probes.media(proc.pid);
    for (const [i, worker] of workers.entries()) {
      const rss = await residentBytes(worker.pid);
      if (rss !== undefined)
        out.push({ process: `${proc.name} w${i}`, pid: worker.pid, point: { rss } });
    }
  }
  return out;
}

export interface MemoryWatch {
  /** Takes the baseline and starts sampling resident memory every `everyMs`. */
  baseline(): Promise<void>;
  /** Stops sampling and takes the end measurement. */
  end(): Promise<MemoryRow[]>;
}

export function watchMemory(deployment: SoakDeployment, everyMs = 2000): MemoryWatch {
  const rows = new Map<string, MemoryRow>();
  let timer: NodeJS.Timeout | undefined;
  let sampling: Promise<void> = Promise.resolve();
  const sample = async () => {
    for (const row of rows.values()) {
      const rss = await residentBytes(row.pid);
      if (rss !== undefined) row.peakRss = Math.max(row.peakRss, rss);
    }
  };
  return {
    async baseline() {
      for (const m of await measure(deployment)) {
        rows.set(m.process, { process: m.process, pid: m.pid, baseline: m.point, peakRss: 0 });
      }
      timer = setInterval(() => {
        sampling = sampling.then(sample);
      }, everyMs);
    },
    async end() {
      clearInterval(timer);
      await sampling;
      await sample();
      for (const m of await measure(deployment)) {
        const row = rows.get(m.process);
        // A worker that died was replaced: a new process, compared with nothing.
        if (row && row.pid === m.pid) row.end = m.point;
      }
      return [...rows.values()];
    },
  };
}
