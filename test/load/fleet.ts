// The bot processes of a load: started (pinned to the given cores with
// taskset when asked), handed their bots, asked for snapshots, stopped. Bots
// go to the processes in turn, so each process carries a share of every room;
// publishers go to a process of their own, so the receiving bots' load never
// holds up the pace of what they send (a browser's encoder has its own
// machine).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BotSpec } from './bot.js';
import type { FromHost, ToHost } from './hostProtocol.js';
import type { BotSummary } from './summary.js';

const hostEntry = fileURLToPath(new URL('./host.ts', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
// Generous: a bot process starved of CPU (two cores, a whole deployment) answers late.
const SNAPSHOT_TIMEOUT_MS = 120_000;

export interface FleetSnapshot {
  bots: BotSummary[];
  /** Bots handed over and not started yet. */
  waiting: number;
  /** CPU time of all bot processes so far, ms. */
  cpuMs: number;
  /** Datagrams dropped at the bot processes' full sockets so far (undefined: unknown). */
  udpDrops: number | undefined;
}

export interface Fleet {
  /** Bot processes, the publishers' included. */
  readonly processes: number;
  /** Hands the bots out in turn; each process starts its share `intervalMs` apart. */
  start(specs: readonly BotSpec[], intervalMs: number, verifyEvery: number): void;
  /** Every bot's figures; with `drops` (the default), the processes' socket drops too. */
  snapshot(drops?: boolean): Promise<FleetSnapshot>;
  stop(): Promise<void>;
}

export interface FleetOptions {
  /** Processes for the receiving bots (the publishers get one more of their own). */
  processes: number;
  /** A taskset CPU list (`1`, `2-3`) every bot process is pinned to. */
  cpus?: string;
}

interface Host {
  child: ChildProcess;
  replies: Map<number, (reply: Extract<FromHost, { type: 'snapshot' }>) => void>;
  exited: Promise<void>;
}

function startHost(cpus: string | undefined): Promise<Host> {
  const node = [process.execPath, '--import', 'tsx', hostEntry];
  const [command, ...args] = cpus ? ['taskset', '-c', cpus, ...node] : node;
  const child = spawn(command!, args, {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const host: Host = {
    child,
    replies: new Map(),
    exited: new Promise((resolve) => child.once('exit', () => resolve())),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('a bot process did not start')),
      READY_TIMEOUT_MS,
    );
    child.once('exit', (code) => reject(new Error(`a bot process exited (${code}) on start`)));
    child.on('message', (message: FromHost) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(host);
      } else if (message.type === 'fatal') {
        reject(new Error(`a bot process failed: ${message.message}`));
      } else if (message.type === 'snapshot') {
        host.replies.get(message.id)?.(message);
        host.replies.delete(message.id);
      }
    });
  });
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const hosts: Host[] = [];
  const stop = async () => {
    for (const host of hosts) {
      if (host.child.connected) host.child.send({ type: 'stop' } satisfies ToHost);
    }
    const timeout = setTimeout(() => hosts.forEach((h) => h.child.kill('SIGKILL')), 10_000);
    await Promise.all(hosts.map((h) => h.exited));
    clearTimeout(timeout);
  };
  try {
    const started = await Promise.allSettled(
      // One more than asked: the publishers' own (the first).
      Array.from({ length: options.processes + 1 }, () => startHost(options.cpus)),
    );
    for (const s of started) if (s.status === 'fulfilled') hosts.push(s.value);
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) throw failure.reason;
  } catch (error) {
    await stop();
    throw error;
  }
  let next = 0;
  let snapshotId = 0;
  return {
    processes: hosts.length,
    start(specs, intervalMs, verifyEvery) {
      const shares = hosts.map(() => [] as BotSpec[]);
      const receivers = hosts.length - 1;
      for (const spec of specs) {
        if (spec.publish) shares[0]!.push(spec);
        else shares[1 + (next++ % receivers)]!.push(spec);
      }
      // Together the processes start about one bot per `intervalMs`.
      const busy = shares.filter((share) => share.length > 0).length;
      shares.forEach((share, i) => {
        if (share.length === 0) return;
        const message: ToHost = {
          type: 'start',
          specs: share,
          intervalMs: intervalMs * busy,
          verifyEvery,
        };
        hosts[i]!.child.send(message);
      });
    },
    async snapshot(drops = true) {
      const id = ++snapshotId;
      const replies = await Promise.all(
        hosts.map(
          (host) =>
            new Promise<Extract<FromHost, { type: 'snapshot' }>>((resolve, reject) => {
              const timer = setTimeout(
                () => reject(new Error('a bot process did not answer')),
                SNAPSHOT_TIMEOUT_MS,
              );
              host.replies.set(id, (reply) => {
                clearTimeout(timer);
                resolve(reply);
              });
              host.child.send({ type: 'snapshot', id, drops } satisfies ToHost);
            }),
        ),
      );
      return {
        bots: replies.flatMap((r) => r.bots),
        waiting: replies.reduce((sum, r) => sum + r.waiting, 0),
        cpuMs: replies.reduce((sum, r) => sum + r.cpuMs, 0),
        udpDrops: replies.some((r) => r.udpDrops === undefined)
          ? undefined
          : replies.reduce((sum, r) => sum + (r.udpDrops ?? 0), 0),
      };
    },
    stop,
  };
}
