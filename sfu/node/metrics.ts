// The SFU's metrics, per worker (label `worker`: its index, kept across a
// replacement) and for the node: what the SFU's own bookkeeping says it
// carries (getLoad), read when Prometheus scrapes. An SFU node exposes them
// on its internal port; a signaling node with an in-process SFU on its own
// /metrics, under the same names. Reading getLoad asks each open transport
// for its stats once, so one reading serves a whole scrape, and a reading
// younger than `minIntervalMs` serves the next scrapes too.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SfuApi } from '../api/index.js';
import type { SfuResponse } from '../api/methods.js';
import { nodeStateSchema } from '../api/registry.js';
import type { SfuLogger } from '../core/logger.js';

type Load = SfuResponse<'getLoad'>;
type WorkerLoad = Load['workers'][number];

export interface SfuMetricsOptions {
  sfu: Pick<SfuApi, 'call'>;
  log: SfuLogger;
  /** A reading this recent is reused (default 5 s): scrapes cannot multiply the stats requests. */
  minIntervalMs?: number;
  /** A reading that takes longer is given up for this scrape (default 5 s). */
  timeoutMs?: number;
}

const DEFAULT_MIN_INTERVAL_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 5_000;

/** The SFU metric names, as dashboards and alert rules use them. */
export const SFU_METRICS = {
  workers: 'veche_sfu_workers',
  routers: 'veche_sfu_routers',
  transports: 'veche_sfu_transports',
  producers: 'veche_sfu_producers',
  consumers: 'veche_sfu_consumers',
  pipeTransports: 'veche_sfu_pipe_transports',
  workerDraining: 'veche_sfu_worker_draining',
  nodeState: 'veche_sfu_node_state',
  cpu: 'veche_sfu_worker_cpu_seconds_total',
  bitrate: 'veche_sfu_bitrate_bits_per_second',
  loss: 'veche_sfu_packet_loss_ratio',
  loadErrors: 'veche_sfu_load_errors_total',
} as const;

/** Reads getLoad at most once per interval; concurrent readers share one reading. */
function createLoadSampler(options: SfuMetricsOptions, failed: () => void) {
  const minIntervalMs = options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let last: { at: number; load: Load | undefined } | undefined;
  let reading: Promise<Load | undefined> | undefined;

  async function read(): Promise<Load | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const load = await Promise.race([
        options.sfu.call('getLoad', {}),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no load within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      last = { at: Date.now(), load };
      return load;
    } catch (error) {
      failed();
      options.log.warn({ err: error }, 'SFU metrics: reading the load failed');
      last = { at: Date.now(), load: undefined };
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  return (): Promise<Load | undefined> => {
    if (last && Date.now() - last.at < minIntervalMs) return Promise.resolve(last.load);
    reading ??= read().finally(() => {
      reading = undefined;
    });
    return reading;
  };
}

/** Registers the SFU's metrics in `registry`; their values are read at every scrape. */
export function registerSfuMetrics(registry: Registry, options: SfuMetricsOptions): void {
  const loadErrors = new Counter({
    name: SFU_METRICS.loadErrors,
    help: 'Scrapes for which the SFU did not report its load in time (its metrics are absent then)',
    registers: [registry],
  });
  const sample = createLoadSampler(options, () => loadErrors.inc());
  const label = (w: WorkerLoad) => ({ worker: String(w.index) });

  /** A gauge filled from the latest reading at every scrape. */
  function gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (gauge: Gauge<L>, load: Load) => void,
  ): void {
    const metric: Gauge<L> = new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const load = await sample();
        metric.reset();
        if (load) fill(metric, load);
      },
    });
  }

  function perWorker(name: string, help: string, value: (w: WorkerLoad) => number | undefined) {
    gauge(name, help, ['worker'], (metric, load) => {
      for (const w of load.workers) {
        const v = value(w);
        if (v !== undefined) metric.set(label(w), v);
      }
    });
  }

  gauge(SFU_METRICS.workers, 'Live mediasoup workers', [], (metric, load) =>
    metric.set(load.workers.length),
  );
  perWorker(SFU_METRICS.routers, 'Routers on the worker (one per room it serves)', (w) => w.rooms);
  perWorker(
    SFU_METRICS.transports,
    'Open transports on the worker (WebRTC and pipes)',
    (w) => w.transports,
  );
  perWorker(SFU_METRICS.producers, 'Producers on the worker (incoming tracks)', (w) => w.producers);
  perWorker(SFU_METRICS.consumers, 'Consumers on the worker (outgoing tracks)', (w) => w.consumers);
  perWorker(
    SFU_METRICS.pipeTransports,
    'Pipe transports toward other SFU nodes (rooms that span nodes)',
    (w) => w.pipeTransports,
  );
  perWorker(SFU_METRICS.workerDraining, '1 while the worker takes no new rooms', (w) =>
    w.draining ? 1 : 0,
  );
  gauge(
    SFU_METRICS.nodeState,
    '1 for the state the SFU is in (serving: takes new rooms; draining: keeps its rooms, takes none)',
    ['state'],
    (metric, load) => {
      for (const state of nodeStateSchema.options)
        metric.set({ state: state.toLowerCase() }, load.state === state ? 1 : 0);
    },
  );
  gauge(
    SFU_METRICS.bitrate,
    "Bits per second the worker's transports receive (in) and send (out) now",
    ['worker', 'direction'],
    (metric, load) => {
      for (const w of load.workers) {
        if (w.bitrateIn !== undefined) metric.set({ ...label(w), direction: 'in' }, w.bitrateIn);
        if (w.bitrateOut !== undefined) metric.set({ ...label(w), direction: 'out' }, w.bitrateOut);
      }
    },
  );
  gauge(
    SFU_METRICS.loss,
    'Share of RTP packets lost (0-1), bitrate-weighted over transports with transport-wide ' +
      'congestion control: in = of what the worker receives (measured by the worker), ' +
      "out = of what it sends (as the receivers' feedback reports it)",
    ['worker', 'direction'],
    (metric, load) => {
      for (const w of load.workers) {
        if (w.lossIn !== undefined) metric.set({ ...label(w), direction: 'in' }, w.lossIn);
        if (w.lossOut !== undefined) metric.set({ ...label(w), direction: 'out' }, w.lossOut);
      }
    },
  );
  const cpu: Counter<'worker'> = new Counter({
    name: SFU_METRICS.cpu,
    help: 'CPU time the worker process used (user + system), seconds; starts again when a worker is replaced',
    labelNames: ['worker'],
    registers: [registry],
    async collect() {
      const load = await sample();
      cpu.reset();
      for (const w of load?.workers ?? []) {
        if (w.cpuMs !== undefined) cpu.inc(label(w), w.cpuMs / 1000);
      }
    },
  });
}
