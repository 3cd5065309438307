// What a benchmark runs against: a signaling server (in this process) whose
// SFU is either embedded (in-process workers, as `npm start`) or a separate
// SFU node process (`npm run sfu`) reached over its internal endpoint through
// the remote client, as a signaling node with SFU_NODES does. In both, every
// `consume` call signaling makes is timed where signaling makes it, so the
// cost of the extra hop shows as the RPC latency of `consume`.
import { readFileSync } from 'node:fs';
import type { SfuApi } from '../../sfu/api/index.js';
import { createRemoteSfu } from '../../signaling/sfu/remoteSfu.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { startTestSfu, testLogger, type TestSfu } from '../harness/sfu.js';
import { newSfuSecret, startSfuNode, type SfuNodeProcess } from '../harness/sfuNode.js';

export type BenchMode = 'embedded' | 'sfu-node';

export const modeLabel: Record<BenchMode, string> = {
  embedded: 'embedded SFU',
  'sfu-node': 'SFU node',
};

/**
 * The modes asked for on the command line: `--sfu-node` alone, `--compare`
 * both (embedded first), otherwise the embedded SFU as before.
 */
export function modesFromArgs(args: readonly string[]): BenchMode[] {
  if (args.includes('--compare')) return ['embedded', 'sfu-node'];
  if (args.includes('--sfu-node')) return ['sfu-node'];
  return ['embedded'];
}

export interface BenchTarget {
  readonly mode: BenchMode;
  readonly server: TestServer;
  /** The SFU as signaling calls it. */
  readonly sfu: SfuApi;
  /** The process id of the (first) mediasoup worker, for its CPU time. */
  workerPid(): number;
  /** ms each `consume` call took, as signaling waited for it. */
  readonly consumeMs: number[];
  close(): Promise<void>;
}

/** `sfu`, with every consume call timed into `samples`. */
function timingConsume(sfu: SfuApi, samples: number[]): SfuApi {
  return {
    async call(method, request) {
      if (method !== 'consume') return sfu.call(method, request);
      const started = performance.now();
      try {
        return await sfu.call(method, request);
      } finally {
        samples.push(performance.now() - started);
      }
    },
    onEvent: (listener) => sfu.onEvent(listener),
    watchRoom: (roomId) => sfu.watchRoom(roomId),
    unwatchRoom: (roomId) => sfu.unwatchRoom(roomId),
    close: () => sfu.close(),
  };
}

/** The mediasoup worker a node process started (its child). */
function childOf(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
  const worker = children.find((c) => c !== '');
  if (!worker) throw new Error(`the SFU node (${pid}) has no worker process`);
  return Number(worker);
}

export async function startBenchTarget(mode: BenchMode): Promise<BenchTarget> {
  const consumeMs: number[] = [];
  if (mode === 'embedded') {
    const inner = await startTestSfu(1);
    const sfu = timingConsume(inner.sfu, consumeMs);
    const server = await startTestServer({ sfu: { ...inner, sfu } });
    return {
      mode,
      server,
      sfu,
      workerPid: () => inner.workers[0]!.pid,
      consumeMs,
      async close() {
        await server.close();
        await inner.close();
      },
    };
  }
  const secret = newSfuSecret();
  const node: SfuNodeProcess = await startSfuNode({ secret, env: { LOG_LEVEL: 'warn' } });
  const remote = createRemoteSfu({ url: node.url, secret, log: testLogger() });
  await remote.waitUntilConnected();
  const sfu = timingConsume(remote, consumeMs);
  const handle: TestSfu = {
    sfu,
    events: [],
    workers: [],
    contents: () => Promise.reject(new Error('the SFU node is another process')),
    close: () => remote.close(),
  };
  const server = await startTestServer({ sfu: handle });
  return {
    mode,
    server,
    sfu,
    workerPid: () => childOf(node.child.pid!),
    consumeMs,
    async close() {
      await server.close();
      await remote.close();
      await node.kill();
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

/** "p50/p95 ms" of the samples, or "-" without any. */
export function p50p95(samples: readonly number[], digits = 0): string {
  if (samples.length === 0) return '-';
  const sorted = [...samples].sort((a, b) => a - b);
  return `${percentile(sorted, 50).toFixed(digits)}/${percentile(sorted, 95).toFixed(digits)} ms`;
}
