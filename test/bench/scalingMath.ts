// The arithmetic of `bench:scaling`, kept apart from the measuring so it can
// be tested: CPU per forwarded packet, the scaling efficiency of k workers
// against one, the cost of a pipe per piped packet, and the projection of
// what k workers carry relative to one. A worker's "budget" is one core:
// 1,000,000 µs of CPU per second.

export type ScalingConfig = 'one' | 'node' | 'nodes';

export const configLabel: Record<ScalingConfig, string> = {
  one: '1 worker',
  node: 'one node',
  nodes: 'as nodes',
};

export const CORE_US_PER_S = 1e6;

/** One configuration measured once (or several rounds pooled). */
export interface Measurement {
  config: ScalingConfig;
  consumers: number;
  elapsedS: number;
  /** RTP packets/s all publishers sent. */
  sentPerS: number;
  /** Of those, packets/s the producers received (the first worker's count). */
  takenInPerS: number;
  /** What the receivers should have had: each publisher's rate times its receivers. */
  expectedPerS: number;
  /** Packets/s the receivers counted. */
  deliveredPerS: number;
  /** Packets/s the consumers sent, as the workers count them: the basis of µs/pkt. */
  forwardedPerS: number;
  /** Packets/s entering pipes toward the other workers (0 with one worker). */
  pipedPerS: number;
  /** Per worker used, the producers' worker first. */
  workers: readonly WorkerLoad[];
  /** The bench process's own CPU, share of one core. */
  benchCpu: number;
}

export interface WorkerLoad {
  /** CPU time per second (user + system): the share of one core. */
  cpu: number;
  /** Packets/s delivered to this worker's receivers. */
  deliveredPerS: number;
  /** Packets/s this worker's consumers sent. */
  forwardedPerS: number;
}

export const totalCpu = (m: Measurement): number => m.workers.reduce((s, w) => s + w.cpu, 0);

/**
 * CPU (share of a core) as µs per packet the whole configuration forwarded
 * to receivers (what the workers sent, whether or not the bench process kept
 * up with reading it).
 */
export const usPerPacket = (cpu: number, m: Measurement): number =>
  m.forwardedPerS > 0 ? (cpu * CORE_US_PER_S) / m.forwardedPerS : Number.NaN;

export const totalUsPerPacket = (m: Measurement): number => usPerPacket(totalCpu(m), m);

export const loss = (m: Measurement): number =>
  m.expectedPerS > 0 ? Math.max(0, 1 - m.deliveredPerS / m.expectedPerS) : 0;

/** Lost before the producers: sent by the bench, not received by the worker. */
export const lossIn = (m: Measurement): number =>
  m.sentPerS > 0 ? Math.max(0, 1 - m.takenInPerS / m.sentPerS) : 0;

/** Lost after the consumers: sent by the workers, not counted by the receivers. */
export const lossOut = (m: Measurement): number =>
  m.forwardedPerS > 0 ? Math.max(0, 1 - m.deliveredPerS / m.forwardedPerS) : 0;

/** (µs/pkt with one worker) / (total µs/pkt with k): 1 is perfect, below 1 is overhead. */
export const efficiency = (one: Measurement, multi: Measurement): number =>
  totalUsPerPacket(one) / totalUsPerPacket(multi);

/**
 * The CPU the pipes add (all workers together) per packet that entered a
 * pipe: the extra µs per forwarded packet times the forwarded rate, over the
 * piped rate. Taken per forwarded packet so a small difference in rate
 * between the two runs is not counted as pipe cost.
 */
export function pipeCostUs(one: Measurement, multi: Measurement): number {
  if (multi.pipedPerS <= 0) return Number.NaN;
  return (
    ((totalUsPerPacket(multi) - totalUsPerPacket(one)) * multi.forwardedPerS) / multi.pipedPerS
  );
}

/** Rounds of one configuration and size pooled: rates weighted by each round's length. */
export function pool(rounds: readonly Measurement[]): Measurement {
  const first = rounds[0];
  if (!first) throw new Error('nothing to pool');
  const time = rounds.reduce((s, r) => s + r.elapsedS, 0);
  const mean = (value: (r: Measurement) => number) =>
    rounds.reduce((s, r) => s + value(r) * r.elapsedS, 0) / time;
  return {
    config: first.config,
    consumers: first.consumers,
    elapsedS: time,
    sentPerS: mean((r) => r.sentPerS),
    takenInPerS: mean((r) => r.takenInPerS),
    expectedPerS: mean((r) => r.expectedPerS),
    deliveredPerS: mean((r) => r.deliveredPerS),
    forwardedPerS: mean((r) => r.forwardedPerS),
    pipedPerS: mean((r) => r.pipedPerS),
    benchCpu: mean((r) => r.benchCpu),
    workers: first.workers.map((_, i) => ({
      cpu: mean((r) => r.workers[i]?.cpu ?? 0),
      deliveredPerS: mean((r) => r.workers[i]?.deliveredPerS ?? 0),
      forwardedPerS: mean((r) => r.workers[i]?.forwardedPerS ?? 0),
    })),
  };
}

/**
 * One worker's CPU split in two: taking the publishers' packets in
 * (`ingestUs` per packet the producers received, from a run with the
 * publishers and no consumer) and forwarding (`forwardUs` per packet the
 * consumers sent: the rest of a one-worker run's CPU; median over sizes).
 */
export interface OneWorkerModel {
  ingestUs: number;
  forwardUs: number;
}

const cpuUsPerS = (m: Measurement) => totalCpu(m) * CORE_US_PER_S;

export function oneWorkerModel(
  publishersOnly: readonly Measurement[],
  oneRows: readonly Measurement[],
): OneWorkerModel {
  const ingestUs = median(publishersOnly.map((m) => cpuUsPerS(m) / m.takenInPerS));
  const forwardUs = median(
    oneRows.map((m) => (cpuUsPerS(m) - ingestUs * m.takenInPerS) / m.forwardedPerS),
  );
  return { ingestUs, forwardUs };
}

/**
 * What one pipe (one more worker holding consumers) costs per second for the
 * measured publishers: on the producers' worker (sending into the pipe) and
 * on the other worker (taking it in), from a k-worker measurement and the
 * one-worker fit. Never below 0 (noise).
 */
export interface PipeShares {
  sendUsPerS: number;
  receiveUsPerS: number;
}

export function pipeShares(multi: Measurement, fit: OneWorkerModel): PipeShares {
  const [origin, ...others] = multi.workers;
  if (!origin || others.length === 0) return { sendUsPerS: 0, receiveUsPerS: 0 };
  const own = (w: WorkerLoad) => w.cpu * CORE_US_PER_S - fit.forwardUs * w.forwardedPerS;
  const send = (own(origin) - fit.ingestUs * multi.takenInPerS) / others.length;
  const receive = others.reduce((s, w) => s + own(w), 0) / others.length;
  return { sendUsPerS: Math.max(0, send), receiveUsPerS: Math.max(0, receive) };
}

export interface Projection {
  workers: number;
  /** Total CPU of 1 worker over total CPU of k at the same forwarded rate. */
  efficiency: number;
  /** Packets k workers forward at full cores, relative to one, load balanced. */
  balanced: number;
  /** The same with the consumers split evenly and every producer on one worker. */
  oneOrigin: number;
}

/**
 * k workers, the consumers split evenly over them, every producer piped from
 * its worker to the k − 1 others, the publishers sending `sentPerS`. With
 * u = ingestUs·sentPerS / core, qA and qB the
 * shares of a core one pipe costs its sending and its receiving end, and
 * D₁ = (1 − u)·core / forwardUs what one worker forwards at a full core:
 *   balanced (the pipes' cost spread over all k):  Dₖ/D₁ = (k − u − (k − 1)(qA + qB)) / (1 − u)
 *   one origin (its worker carries the ingest and all k − 1 sends):
 *     Dₖ/D₁ = k · min(1 − u − (k − 1)·qA, 1 − qB) / (1 − u)
 * and, at a forwarded rate D, efficiency = C₁ / (C₁ + (k − 1)(qA + qB)·core),
 * C₁ = ingest + forwardUs·D.
 */
export function project(
  workers: number,
  fit: OneWorkerModel,
  pipe: PipeShares,
  rates: { sentPerS: number; forwardedPerS: number },
): Projection {
  const ingestUsPerS = fit.ingestUs * rates.sentPerS;
  const u = ingestUsPerS / CORE_US_PER_S;
  const qA = pipe.sendUsPerS / CORE_US_PER_S;
  const qB = pipe.receiveUsPerS / CORE_US_PER_S;
  const extra = workers - 1;
  const one = ingestUsPerS + fit.forwardUs * rates.forwardedPerS;
  const relative = (v: number) => Math.max(0, v / (1 - u));
  return {
    workers,
    efficiency: one / (one + extra * (pipe.sendUsPerS + pipe.receiveUsPerS)),
    balanced: relative(workers - u - extra * (qA + qB)),
    oneOrigin: relative(workers * Math.min(1 - u - extra * qA, 1 - qB)),
  };
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
