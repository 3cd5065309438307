// npm run bench:capacity — how many consumers one mediasoup worker carries.
// One embedded signaling process with one worker; the worker pinned alone to
// core 0 (taskset), signaling and the load's bots to core 1. Rooms of
// publishers (pre-encoded VP8 simulcast + Opus) take subscribers in steps;
// after each step settles, a window is measured: consumers, producers, the
// worker's CPU (mediasoup's getResourceUsage), bitrates, loss and jitter as
// the bots see them, the step's join times, the bots' CPU. The ramp stops at
// the knee (loss over 1 % or the worker's core saturated), or when the bots'
// core passes 80 % — then the figure is a lower bound. Benchmark: it
// asserts nothing. Method and figures: docs/benchmarks.md.
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { startFleet, type Fleet } from '../load/fleet.js';
import { parseOptions } from '../load/args.js';
import {
  loadWindow,
  percentiles,
  takeReading,
  type Percentiles,
  type Reading,
} from '../load/measure.js';
import { canPin, childrenNamed, pin } from '../load/pinning.js';
import { planBots, type LoadPlan } from '../load/plan.js';
import { columns, cores, ms, pct } from '../load/report.js';
import { waitForJoins } from '../load/run.js';
import { startOwnTarget, type LoadTarget } from '../load/target.js';

const argsSchema = z.object({
  rooms: z.coerce.number().int().min(1).default(2),
  publishers: z.coerce.number().int().min(1).default(4),
  /** Subscribers added to every room per step. */
  step: z.coerce.number().int().min(1).default(10),
  maxSteps: z.coerce.number().int().min(1).default(40),
  /** Seconds measured per step, after it settled. */
  window: z.coerce.number().positive().default(10),
  joinRate: z.coerce.number().positive().default(10),
  pageSize: z.coerce.number().int().min(1).max(49).default(9),
  botProcesses: z.coerce.number().int().min(1).default(2),
  verifyEvery: z.coerce.number().int().min(1).default(16),
  json: z.string().optional(),
});

const LOSS_KNEE = 0.01;
const WORKER_SATURATED = 0.95;
const BOTS_SATURATED = 0.8;
const SETTLE_MS = 5_000;

export interface CapacityStep {
  step: number;
  subscribers: number;
  consumers: number;
  producers: number;
  workerCpu: number;
  signalingCpu: number;
  botsCpu: number;
  inMbps: number;
  outMbps: number;
  /** Packets the bots received per second (what the worker forwarded to them). */
  receivedPps: number;
  audioLoss: number;
  videoLoss: number;
  jitterMs: number;
  /** Datagrams dropped at full sockets over the window: the bots' and the server's. */
  udpDrops: { bots: number | undefined; server: number | undefined };
  join: Percentiles;
  firstMedia: Percentiles;
  verdict: 'ok' | 'knee: loss' | 'knee: worker saturated' | 'lower bound, bots saturated';
}

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

async function measureStep(
  fleet: Fleet,
  target: LoadTarget,
  step: number,
  subscribers: number,
  newcomers: Set<number>,
  windowS: number,
): Promise<CapacityStep> {
  const a: Reading = await takeReading(fleet, target);
  await sleep(windowS * 1000);
  const b = await takeReading(fleet, target);
  const w = loadWindow(a, b);
  const server = w.servers[0];
  const joined = b.fleet.bots.filter((bot) => newcomers.has(bot.index));
  const loss = Math.max(w.audioLoss, w.videoLoss);
  const workerCpu = server?.workerCpu ?? 0;
  const verdict: CapacityStep['verdict'] =
    w.botsCpu > BOTS_SATURATED
      ? 'lower bound, bots saturated'
      : loss > LOSS_KNEE
        ? 'knee: loss'
        : workerCpu >= WORKER_SATURATED
          ? 'knee: worker saturated'
          : 'ok';
  return {
    step,
    subscribers,
    consumers: server?.consumers ?? w.consumers,
    producers: server?.producers ?? 0,
    workerCpu,
    signalingCpu: server?.processCpu ?? 0,
    botsCpu: w.botsCpu,
    inMbps: (server?.bitrateIn ?? 0) / 1e6,
    outMbps: (server?.bitrateOut ?? 0) / 1e6,
    receivedPps: w.receivedPps,
    audioLoss: w.audioLoss,
    videoLoss: w.videoLoss,
    jitterMs: w.jitterMs,
    udpDrops: w.udpDrops,
    join: percentiles(joined.flatMap((bot) => (bot.joinMs !== undefined ? [bot.joinMs] : []))),
    firstMedia: percentiles(
      joined.flatMap((bot) => (bot.firstMediaMs !== undefined ? [bot.firstMediaMs] : [])),
    ),
    verdict,
  };
}

function table(steps: readonly CapacityStep[]): string {
  return columns([
    [
      'step',
      'subs',
      'consumers',
      'producers',
      'worker CPU',
      'signaling',
      'bots CPU',
      'in/out Mbit/s',
      'loss audio/video',
      'jitter',
      'UDP drops bots/server',
      'join p50/95/99 ms',
      'first media p50/95/99 ms',
      'verdict',
    ],
    ...steps.map((s) => [
      String(s.step),
      String(s.subscribers),
      String(s.consumers),
      String(s.producers),
      cores(s.workerCpu),
      cores(s.signalingCpu),
      cores(s.botsCpu),
      `${s.inMbps.toFixed(1)} / ${s.outMbps.toFixed(1)}`,
      `${pct(s.audioLoss, 2)} / ${pct(s.videoLoss, 2)}`,
      `${s.jitterMs.toFixed(1)} ms`,
      `${s.udpDrops.bots ?? '-'} / ${s.udpDrops.server ?? '-'}`,
      ms(s.join),
      ms(s.firstMedia),
      s.verdict,
    ]),
  ]);
}

/**
 * Where the worker's core would saturate, from the steps measured (a
 * projection, not a measurement): the worker's CPU grows with the packets it
 * forwards, so a straight line through the good steps' (consumers, CPU) is
 * carried to a whole core; and the worker's CPU per forwarded packet.
 */
function projectKnee(good: readonly CapacityStep[]): string | undefined {
  if (good.length < 2) return undefined;
  const n = good.length;
  const mx = good.reduce((s, x) => s + x.consumers, 0) / n;
  const my = good.reduce((s, x) => s + x.workerCpu, 0) / n;
  const sxy = good.reduce((s, x) => s + (x.consumers - mx) * (x.workerCpu - my), 0);
  const sxx = good.reduce((s, x) => s + (x.consumers - mx) ** 2, 0);
  if (sxx === 0 || sxy <= 0) return undefined;
  const slope = sxy / sxx;
  const atFullCore = mx + (1 - my) / slope;
  const last = good.at(-1)!;
  const usPerPacket = last.receivedPps > 0 ? (last.workerCpu * 1e6) / last.receivedPps : 0;
  return (
    `projection (not measured): the worker's core would be full at about ${Math.round(atFullCore)} ` +
    `consumers of this mix (${(slope * 100 * 100).toFixed(2)} % of a core per 100 consumers); ` +
    `${usPerPacket.toFixed(1)} µs of worker CPU per packet forwarded at ${last.consumers} consumers`
  );
}

async function main(): Promise<void> {
  const args = parseOptions(argsSchema, process.argv.slice(2));
  const noPinning = await canPin(2);
  const target = await startOwnTarget({ mode: 'embedded', workers: 1 });
  let fleet: Fleet | undefined;
  const steps: CapacityStep[] = [];
  try {
    const signalingPid = target.pids[0]!;
    const [workerPid] = await childrenNamed(signalingPid, 'mediasoup-worker');
    if (!noPinning && workerPid !== undefined) {
      await pin(workerPid, '0');
      await pin(signalingPid, '1');
    }
    fleet = await startFleet({ processes: args.botProcesses, ...(noPinning ? {} : { cpus: '1' }) });
    const plan: LoadPlan = {
      rooms: args.rooms,
      publishers: args.publishers,
      subscribers: 0,
      roomPrefix: `capacity-${Date.now().toString(36)}`,
      tiles: { pageSize: args.pageSize, windowWidth: 1280 },
    };
    console.log(
      `bench:capacity — ${args.rooms} room(s) of ${args.publishers} publishers (Opus + VP8 simulcast, ` +
        `3 layers); +${args.step} subscriber(s) per room per step; ${args.window} s per step; ` +
        (noPinning
          ? `NOT pinned (${noPinning}): worker, signaling and bots share every core`
          : `worker pid ${workerPid} pinned to core 0; signaling and ${args.botProcesses + 1} bot processes (one for the publishers) on core 1`),
    );
    let total = 0;
    const publishers = planBots(plan, target, 0);
    fleet.start(publishers, 1000 / args.joinRate, args.verifyEvery);
    total += publishers.length;
    await waitForJoins(fleet, total, 120_000, () => undefined);
    for (let step = 1; step <= args.maxSteps; step += 1) {
      const specs = planBots({ ...plan, publishers: 0, subscribers: args.step }, target, total);
      fleet.start(specs, 1000 / args.joinRate, args.verifyEvery);
      total += specs.length;
      const limit = (specs.length / args.joinRate) * 3000 + 60_000;
      await waitForJoins(fleet, total, limit, () => undefined);
      await sleep(SETTLE_MS);
      const newcomers = new Set(specs.map((s) => s.index));
      const row = await measureStep(
        fleet,
        target,
        step,
        step * args.step * args.rooms,
        newcomers,
        args.window,
      );
      steps.push(row);
      console.log(
        `step ${step}: ${row.consumers} consumers, worker ${cores(row.workerCpu)}, bots ${cores(row.botsCpu)}, ` +
          `loss ${pct(row.audioLoss, 2)} / ${pct(row.videoLoss, 2)} — ${row.verdict}`,
      );
      if (row.verdict !== 'ok') break;
    }
  } finally {
    await fleet?.stop();
    await target.stop();
  }
  const good = steps.filter((s) => s.verdict === 'ok');
  const last = steps.at(-1);
  const capacity = good.at(-1)?.consumers ?? 0;
  console.log(`\n${table(steps)}\n`);
  const summary =
    last?.verdict === 'lower bound, bots saturated'
      ? `lower bound: ${capacity} consumers on one worker without a knee before the bots' core passed 80 %`
      : last?.verdict === 'ok'
        ? `no knee within ${steps.length} steps: at least ${capacity} consumers`
        : `knee after ${capacity} consumers (${last?.verdict})`;
  console.log(summary);
  const projection = projectKnee(good);
  if (projection) console.log(projection);
  if (args.json) {
    await writeFile(
      args.json,
      `${JSON.stringify({ args, pinned: !noPinning, steps, capacity, summary, projection }, null, 2)}\n`,
    );
  }
}

main().catch((error: unknown) => {
  console.error('bench:capacity:', error instanceof Error ? error.message : error);
  process.exit(1);
});
