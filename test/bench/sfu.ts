// npm run bench:sfu — how many consumers one mediasoup worker forwards, with
// what loss and CPU. One Node WebRTC peer sends Opus (50 packets/s) and VP8
// (25 packets/s); N receivers consume both through the real signaling server
// and SFU. The worker's CPU is read from /proc; loss compares what each
// receiver got with what the sender sent. The receivers run in this process
// (werift in JavaScript), so at high N they, not the SFU, may be the limit:
// the table shows this process's CPU too. A benchmark: it asserts nothing.
//
// `-- --sfu-node` puts the worker in a separate SFU node process reached
// over its internal endpoint; `-- --compare` runs every row both ways, side
// by side, with the RPC latency of the `consume` calls signaling made.
// `-- --pipe` measures a pipe hop between two SFU nodes instead (pipeBench.ts).
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { startNodePeer, type NodePeer } from '../harness/nodePeer.js';
import { runPipeBench } from './pipeBench.js';
import { modeLabel, modesFromArgs, p50p95, startBenchTarget, type BenchMode } from './target.js';

const SIZES = (process.env['BENCH_RECEIVERS'] ?? '2,5,10,20').split(',').map(Number);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const CLOCK_TICKS = 100;

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

const packetsOf = (peers: NodePeer[], sender: NodePeer) =>
  peers.reduce(
    (sum, p) =>
      sum +
      [...p.received.values()]
        .filter((s) => s.peerId === sender.peerId)
        .reduce((n, s) => n + s.packets, 0),
    0,
  );

async function measure(mode: BenchMode, receivers: number) {
  const target = await startBenchTarget(mode);
  const server = target.server;
  const peers: NodePeer[] = [];
  try {
    const room = `bench-${receivers}`;
    const sender = await startNodePeer(server.url, room, 'Sender');
    peers.push(sender);
    for (let i = 0; i < receivers; i++) peers.push(await startNodePeer(server.url, room, `R${i}`));
    await sender.startSending();
    const listeners = peers.slice(1);
    // Warm up until every receiver gets both streams.
    const deadline = Date.now() + 30_000;
    while (
      listeners.some((p) => [...p.received.values()].filter((s) => s.packets > 0).length < 2)
    ) {
      if (Date.now() > deadline) throw new Error('receivers did not all start receiving');
      await new Promise((r) => setTimeout(r, 100));
    }
    const workerPid = target.workerPid();
    const before = {
      worker: cpuSeconds(workerPid),
      self: process.cpuUsage(),
      packets: packetsOf(listeners, sender),
      at: Date.now(),
    };
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const elapsed = (Date.now() - before.at) / 1000;
    const workerCpu = (cpuSeconds(workerPid) - before.worker) / elapsed;
    const self = process.cpuUsage(before.self);
    const selfCpu = (self.user + self.system) / 1e6 / elapsed;
    const received = packetsOf(listeners, sender) - before.packets;
    const expected = receivers * 75 * elapsed;
    const consumers = receivers * 2;
    return {
      mode,
      consumeMs: p50p95(target.consumeMs, 1),
      receivers,
      consumers,
      workerCpu,
      selfCpu,
      loss: Math.max(0, 1 - received / expected),
      perCore: workerCpu > 0 ? consumers / workerCpu : Number.POSITIVE_INFINITY,
    };
  } finally {
    for (const p of peers) await p.close();
    await target.close();
  }
}

async function runForwardingBench(): Promise<void> {
  const modes = modesFromArgs(process.argv.slice(2));
  const rows = [];
  for (const n of SIZES) for (const mode of modes) rows.push(await measure(mode, n));
  const pad = (v: string, n: number) => v.padStart(n);
  console.log(
    `\nSFU forwarding, 1 sender (Opus 50 pkt/s + VP8 25 pkt/s), ${SECONDS} s per row, ${cpus().length} cores`,
  );
  console.log(
    '| SFU          | receivers | consumers | worker CPU | consumers/core (extrapolated) | loss vs nominal | bench process CPU | consume RPC p50/p95 |',
  );
  console.log(
    '|--------------|-----------|-----------|------------|-------------------------------|-----------------|-------------------|---------------------|',
  );
  for (const r of rows) {
    console.log(
      `| ${modeLabel[r.mode].padEnd(12)} | ${pad(String(r.receivers), 9)} | ${pad(String(r.consumers), 9)} | ${pad((r.workerCpu * 100).toFixed(1) + ' %', 10)} | ${pad(Number.isFinite(r.perCore) ? r.perCore.toFixed(0) : '∞', 29)} | ${pad((r.loss * 100).toFixed(1) + ' %', 15)} | ${pad((r.selfCpu * 100).toFixed(0) + ' %', 17)} | ${pad(r.consumeMs, 19)} |`,
    );
  }
}

if (process.argv.includes('--pipe')) await runPipeBench();
else await runForwardingBench();
