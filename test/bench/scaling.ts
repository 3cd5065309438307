// npm run bench:scaling — what spreading consumers over more workers costs.
// The same publishers and the same N consumers (SRTP toward every receiver,
// as toward browsers), three ways:
//   1 worker   producers and all consumers on one worker;
//   one node   producers on worker 0, consumers split evenly over k workers,
//              the others reached with router.pipeToRouter;
//   as nodes   the same through PipeTransport pairs over UDP with SRTP, as
//              between SFU nodes.
// Per row: packets/s forwarded (the workers' count) and delivered (the
// receivers'), loss, each worker's CPU (share of its core and µs per
// forwarded packet), the total; the scaling efficiency
// (µs/pkt with 1 worker over µs/pkt with k) and the pipes' CPU per piped
// packet; then a model made from these and its projection to more workers.
// A benchmark: it asserts nothing.
//
// BENCH_CONSUMERS (50,100,200), BENCH_PUBLISHERS (2), BENCH_SECONDS (6),
// BENCH_ROUNDS (2); `-- --workers k` (2), `-- --srtp <suite>`
// (AEAD_AES_256_GCM), `-- --json <file>`.
import { writeFileSync } from 'node:fs';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { AUDIO_PPS, VIDEO_PPS } from './rtpLoop.js';
import { pinWorkers } from './scalingCores.js';
import {
  efficiency,
  median,
  oneWorkerModel,
  pipeCostUs,
  pipeShares,
  pool,
  project,
  type Measurement,
  type PipeShares,
  type Projection,
  type ScalingConfig,
} from './scalingMath.js';
import { CONSUMERS_PER_RECEIVER, measure, type RunSettings } from './scalingRun.js';
import {
  mainTable,
  modelLines,
  projectionTable,
  type SizeRows,
  type Spread,
} from './scalingTable.js';
import { isSrtpSuite, type SrtpSuite } from './scalingTopology.js';

const PROJECTED_WORKERS = [2, 4, 8, 16];
const MULTI: readonly ScalingConfig[] = ['node', 'nodes'];

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function positive(value: string | undefined, fallback: number, what: string): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer`);
  return n;
}

function readSettings() {
  const suite = flag('srtp') ?? 'AEAD_AES_256_GCM';
  if (!isSrtpSuite(suite)) throw new Error(`unknown SRTP suite ${suite}`);
  const sizes = (process.env['BENCH_CONSUMERS'] ?? '50,100,200')
    .split(',')
    .map((s) => positive(s, 0, 'BENCH_CONSUMERS'));
  return {
    sizes,
    rounds: positive(process.env['BENCH_ROUNDS'], 2, 'BENCH_ROUNDS'),
    workers: positive(flag('workers') ?? process.env['BENCH_WORKERS'], 2, '--workers'),
    json: flag('json'),
    run: {
      publishers: positive(process.env['BENCH_PUBLISHERS'], 2, 'BENCH_PUBLISHERS'),
      seconds: positive(process.env['BENCH_SECONDS'], 6, 'BENCH_SECONDS'),
      suite: suite as SrtpSuite,
    } satisfies RunSettings,
  };
}

const spreadOf = (values: readonly number[]): Spread => ({
  median: median(values),
  min: Math.min(...values),
  max: Math.max(...values),
});

async function main(): Promise<void> {
  const settings = readSettings();
  if (settings.workers < 2) throw new Error('--workers must be at least 2');
  // The SFU's worker settings (sfu/core/workerPool.ts: the log level only).
  const workers: types.Worker[] = [];
  for (let i = 0; i < settings.workers; i++) {
    workers.push(await mediasoup.createWorker({ logLevel: 'warn' }));
  }
  const rounds: (Measurement & { round: number })[] = [];
  const publishersOnly: Measurement[] = [];
  let pinning;
  try {
    pinning = await pinWorkers(workers.map((w) => w.pid));
    const total = settings.rounds * (settings.sizes.length * 3 + 1);
    for (let round = 0; round < settings.rounds; round++) {
      // The publishers alone: what taking their packets in costs.
      publishersOnly.push(await measure('one', 0, workers, settings.run));
      for (const consumers of settings.sizes) {
        for (const config of ['one', ...MULTI] as const) {
          const m = await measure(config, consumers, workers, settings.run);
          rounds.push({ ...m, round });
          process.stderr.write(`\r${rounds.length + round + 1}/${total} measured`);
        }
      }
    }
    process.stderr.write('\n');
  } finally {
    for (const w of workers) w.close();
  }

  const rowsOf = (config: ScalingConfig, consumers: number) =>
    rounds.filter((m) => m.config === config && m.consumers === consumers);
  const consumerSizes = [...new Set(rounds.map((m) => m.consumers))];
  const sizes: SizeRows[] = consumerSizes.map((consumers) => {
    const derived = new Map<string, { efficiency: Spread; pipeUs: Spread }>();
    for (const config of MULTI) {
      const pairs = rowsOf(config, consumers).map((multi) => {
        const one = rowsOf('one', consumers).find((m) => m.round === multi.round)!;
        return { efficiency: efficiency(one, multi), pipeUs: pipeCostUs(one, multi) };
      });
      derived.set(config, {
        efficiency: spreadOf(pairs.map((p) => p.efficiency)),
        pipeUs: spreadOf(pairs.map((p) => p.pipeUs)),
      });
    }
    return {
      consumers,
      rows: (['one', ...MULTI] as const).map((c) => pool(rowsOf(c, consumers))),
      derived,
    };
  });

  const oneRows = sizes.map((s) => s.rows[0]!);
  const fit = oneWorkerModel(publishersOnly, oneRows);
  const sentPerS = median(rounds.map((m) => m.sentPerS));
  const largest = oneRows.reduce((a, b) => (b.forwardedPerS > a.forwardedPerS ? b : a));
  const pipes = new Map<string, PipeShares>();
  const projections = new Map<string, Projection[]>();
  const smallest = sizes.reduce((a, b) => (b.consumers < a.consumers ? b : a));
  for (const [index, config] of MULTI.entries()) {
    // At the smallest size the pipes are the largest part of the CPU: there
    // the machine's noise hides them least. Forwarding is counted at that
    // size's own one-worker cost, which is a little higher than at larger ones.
    const atSmallest = oneWorkerModel(publishersOnly, [smallest.rows[0]!]);
    const typical: PipeShares = pipeShares(smallest.rows[index + 1]!, atSmallest);
    pipes.set(config, typical);
    projections.set(
      config,
      PROJECTED_WORKERS.map((k) =>
        project(k, fit, typical, { sentPerS, forwardedPerS: largest.forwardedPerS }),
      ),
    );
  }

  const { publishers, seconds, suite } = settings.run;
  console.log(
    `\nScaling over workers: ${publishers} publishers (Opus ${AUDIO_PPS} + VP8 ${VIDEO_PPS} pkt/s each, plain RTP in), ` +
      `receivers of one publisher each (${CONSUMERS_PER_RECEIVER} consumers), SRTP ${suite} out, RTCP on.`,
  );
  console.log(
    `1 worker vs ${settings.workers} workers (one node: pipeToRouter; as nodes: PipeTransports, UDP + SRTP + RTX); ` +
      `${settings.rounds} round(s) of ${seconds} s per row, pooled; efficiency and pipe cost: median (min–max) over rounds.`,
  );
  console.log(`${pinning.description}.`);
  console.log(mainTable(sizes));
  console.log(
    'worker columns: producers’ worker first. µs/pkt: worker CPU per packet the configuration forwarded to receivers; loss: delivered against sent × receivers, of it in: before the producers, out: after the consumers; ' +
      'efficiency: 1-worker µs/pkt over total µs/pkt; µs per piped pkt: the CPU all workers add per packet entering a pipe.\n',
  );
  for (const line of modelLines(fit, pipes, sentPerS)) console.log(line);
  console.log(
    `\nPROJECTION from that model (not measured): k workers, consumers split evenly, every producer piped to the ` +
      `k − 1 others; capacity = packets forwarded at full cores relative to one worker (efficiency at full cores = capacity / k); balanced: the pipes' cost ` +
      `spread over all workers; one origin: all producers on one worker, which carries every pipe's sending.`,
  );
  console.log(projectionTable(projections, largest.forwardedPerS));
  if (settings.json) {
    writeFileSync(
      settings.json,
      JSON.stringify(
        {
          settings,
          pinning,
          rounds,
          sizes: sizes.map((s) => ({ ...s, derived: Object.fromEntries(s.derived) })),
          publishersOnly,
          model: { fit, pipes: Object.fromEntries(pipes), sentPerS },
          projections: Object.fromEntries(projections),
        },
        null,
        2,
      ),
    );
    console.log(`\nwritten to ${settings.json}`);
  }
}

await main();
