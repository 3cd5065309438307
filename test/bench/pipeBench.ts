// npm run bench:sfu -- --pipe — what a pipe hop between two SFU nodes costs:
// the same sender and N receivers, once through one worker ("direct") and
// once with the receivers on a second worker reached through a PipeTransport
// pair ("pipe hop"), side by side for each N. Per row: each worker's CPU per
// packet delivered to a receiver, and the packets' one-way latency. A
// benchmark: it asserts nothing.
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { cpus } from 'node:os';
import { buildPath, pathLabel, SOURCE_SSRCS, type PathKind } from './pipeHop.js';
import {
  AUDIO_PPS,
  DeliveryWindow,
  startRtpReceiver,
  startRtpSender,
  VIDEO_PPS,
  type RtpReceiver,
} from './rtpLoop.js';
import { percentile } from './target.js';

const SIZES = (process.env['BENCH_RECEIVERS'] ?? '1,10,50').split(',').map(Number);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const START_TIMEOUT_MS = 30_000;
/** Past the first key frame, so the measurement sees steady forwarding. */
const WARM_UP_MS = 1_000;
/** Packets sent before the end of a measurement still arriving. */
const DRAIN_MS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU time (user + system) the worker process has used, in ms. */
async function cpuMs(worker: types.Worker): Promise<number> {
  const usage = await worker.getResourceUsage();
  return usage.ru_utime + usage.ru_stime;
}

interface Row {
  kind: PathKind;
  receivers: number;
  elapsedS: number;
  sentPerS: number;
  deliveredPerS: number;
  loss: number;
  /** Share of one core. */
  cpuA: number;
  cpuB: number;
  selfCpu: number;
  /** Sorted. */
  latencyMs: number[];
}

async function waitUntilReceiving(receivers: readonly RtpReceiver[]): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (receivers.some((r) => r.streams.size < 2)) {
    if (Date.now() > deadline) throw new Error('receivers did not all start receiving');
    await sleep(50);
  }
}

async function measure(
  kind: PathKind,
  receiverCount: number,
  workers: { a: types.Worker; b: types.Worker },
): Promise<Row> {
  const window = new DeliveryWindow();
  const receivers: RtpReceiver[] = [];
  try {
    for (let i = 0; i < receiverCount; i++) receivers.push(await startRtpReceiver(window));
    const path = await buildPath(
      kind,
      workers,
      receivers.map((r) => r.port),
    );
    const sender = await startRtpSender(path.sourcePort, SOURCE_SSRCS);
    try {
      await waitUntilReceiving(receivers);
      await sleep(WARM_UP_MS);
      const before = { a: await cpuMs(workers.a), b: await cpuMs(workers.b) };
      const selfBefore = process.cpuUsage();
      window.from = performance.now();
      const sentBefore = sender.sent();
      await sleep(SECONDS * 1000);
      window.to = performance.now();
      const sent = sender.sent() - sentBefore;
      const after = { a: await cpuMs(workers.a), b: await cpuMs(workers.b) };
      const self = process.cpuUsage(selfBefore);
      const elapsedS = (window.to - window.from) / 1000;
      await sleep(DRAIN_MS);
      return {
        kind,
        receivers: receiverCount,
        elapsedS,
        sentPerS: sent / elapsedS,
        deliveredPerS: window.delivered / elapsedS,
        loss: Math.max(0, 1 - window.delivered / (sent * receiverCount)),
        cpuA: (after.a - before.a) / 1000 / elapsedS,
        cpuB: (after.b - before.b) / 1000 / elapsedS,
        selfCpu: (self.user + self.system) / 1e6 / elapsedS,
        latencyMs: [...window.latencyMs].sort((x, y) => x - y),
      };
    } finally {
      sender.close();
      path.close();
    }
  } finally {
    for (const r of receivers) r.close();
  }
}

/** Worker CPU time per delivered packet, in µs. */
const perPacketUs = (cpu: number, row: Row) => (cpu * 1e6) / row.deliveredPerS;

const COLUMNS = [
  ['path', 8],
  ['receivers', 9],
  ['delivered pkt/s', 15],
  ['loss', 6],
  ['worker A CPU', 12],
  ['worker B CPU', 12],
  ['A µs/pkt', 8],
  ['B µs/pkt', 8],
  ['A+B µs/pkt', 10],
  ['latency p50/p95', 17],
  ['µs per piped pkt', 16],
  ['bench process CPU', 17],
] as const;

function line(cells: readonly string[]): string {
  return `| ${cells.map((c, i) => (i === 0 ? c.padEnd(COLUMNS[i]![1]) : c.padStart(COLUMNS[i]![1]))).join(' | ')} |`;
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const us = (v: number, sign = false) => `${sign && v >= 0 ? '+' : ''}${v.toFixed(1)}`;
const ms = (v: number, sign = false) => `${sign && v >= 0 ? '+' : ''}${v.toFixed(2)}`;
const p = (row: Row, q: number) => percentile(row.latencyMs, q);

function rowLine(row: Row): string {
  const a = perPacketUs(row.cpuA, row);
  const b = perPacketUs(row.cpuB, row);
  return line([
    pathLabel[row.kind],
    String(row.receivers),
    row.deliveredPerS.toFixed(0),
    pct(row.loss),
    pct(row.cpuA),
    pct(row.cpuB),
    us(a),
    us(b),
    us(a + b),
    `${ms(p(row, 50))}/${ms(p(row, 95))} ms`,
    '',
    `${(row.selfCpu * 100).toFixed(0)} %`,
  ]);
}

/** Pipe hop minus direct; the hop's CPU also per packet that crossed the pipe. */
function hopLine(direct: Row, pipe: Row): string {
  const d = (cpu: (r: Row) => number) =>
    perPacketUs(cpu(pipe), pipe) - perPacketUs(cpu(direct), direct);
  const addedCpu = pipe.cpuA + pipe.cpuB - (direct.cpuA + direct.cpuB);
  return line([
    'hop adds',
    String(pipe.receivers),
    '',
    '',
    '',
    '',
    us(
      d((r) => r.cpuA),
      true,
    ),
    us(
      d((r) => r.cpuB),
      true,
    ),
    us(
      d((r) => r.cpuA + r.cpuB),
      true,
    ),
    `${ms(p(pipe, 50) - p(direct, 50), true)}/${ms(p(pipe, 95) - p(direct, 95), true)} ms`,
    us((addedCpu * 1e6) / pipe.sentPerS, true),
    '',
  ]);
}

export async function runPipeBench(): Promise<void> {
  // The SFU's own worker settings (sfu/core/workerPool.ts).
  const workers = {
    a: await mediasoup.createWorker({ logLevel: 'warn' }),
    b: await mediasoup.createWorker({ logLevel: 'warn' }),
  };
  const output: string[] = [];
  try {
    for (const n of SIZES) {
      const direct = await measure('direct', n, workers);
      const pipe = await measure('pipe', n, workers);
      output.push(rowLine(direct), rowLine(pipe), hopLine(direct, pipe));
    }
  } finally {
    workers.a.close();
    workers.b.close();
  }
  console.log(
    `\nSFU pipe hop between two nodes vs direct: 1 sender (Opus ${AUDIO_PPS} pkt/s + VP8 ${VIDEO_PPS} pkt/s) over PlainTransports, ${SECONDS} s per row`,
  );
  console.log(
    `Worker A: the producer's node; worker B: the receivers' node (pipe hop only; SRTP + RTX over UDP).`,
  );
  console.log(
    `Both workers share this machine's ${cpus().length} cores with the bench process (sender and receivers).`,
  );
  console.log(line(COLUMNS.map(([name]) => name)));
  console.log(`|${COLUMNS.map(([, width]) => '-'.repeat(width + 2)).join('|')}|`);
  for (const l of output) console.log(l);
  console.log(
    'µs/pkt: worker CPU time per packet delivered to a receiver. hop adds: pipe hop minus direct;',
  );
  console.log('µs per piped pkt: the CPU the hop adds (A+B) per packet that crossed the pipe.');
}
