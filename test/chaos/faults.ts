// The faults a chaos round injects, each as an operator or a network would
// cause it: SIGKILL of the SFU node carrying a meeting, SIGKILL of a
// signaling node, Redis and PostgreSQL stopped and started again, and the
// test host's link impaired — by `tc netem` (loss and delay) where the
// kernel has it, by nftables (loss only) as well. A fault either mends itself
// after a hold (a restart, an impairment lifted) or once media has recovered
// (the killed node is started again for the next round).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestHost } from '../harness/netns.js';
import type { ChaosDeployment } from './deployment.js';
import type { Meeting } from './bots.js';

const run = promisify(execFile);

export const FAULTS = ['sfu', 'signaling', 'redis', 'postgres', 'netem', 'loss'] as const;
export type FaultName = (typeof FAULTS)[number];

/** netem's and nftables' impairment: this share of packets dropped each way, and netem's delay. */
export const LOSS_PERCENT = 10;
export const DELAY_MS = 100;
/** How long Redis and PostgreSQL stay down. */
const OUTAGE_MS = 3000;
/** A killed node back within this, or the round says so. */
const NODE_BACK_MS = 60_000;

export interface Injected {
  /** What was done, for the round's line. */
  readonly what: string;
  /** Mend after this long (ms), or once media has recovered. */
  readonly mendAfter: number | 'recovery';
  mend(): Promise<void>;
}

export interface Fault {
  readonly name: FaultName;
  /** Why it cannot run here; undefined when it can. */
  unavailable(): Promise<string | undefined>;
  inject(round: number): Promise<Injected>;
}

export interface FaultContext {
  readonly deployment: ChaosDeployment;
  readonly meetings: readonly Meeting[];
  /** How long an impairment lasts, ms. */
  readonly impairMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean>, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${ms / 1000} s`);
    await sleep(200);
  }
}

function sfuKill({ deployment, meetings }: FaultContext): Fault {
  return {
    name: 'sfu',
    unavailable: async () => undefined,
    async inject() {
      const [carrier] = await deployment.carriers(meetings[0]!.room);
      const node = deployment.sfu.find((n) => n.id === carrier);
      if (!node) throw new Error(`no SFU node carries ${meetings[0]!.room}`);
      const incarnation = (await deployment.nodeView(node.id))?.incarnation ?? '';
      await node.process.kill('SIGKILL');
      return {
        what: `SIGKILL ${node.id}`,
        mendAfter: 'recovery',
        async mend() {
          await node.process.restart();
          const not = new Map([[node.id, incarnation]]);
          await until(() => deployment.allServing(not), `${node.id} serving again`, NODE_BACK_MS);
        },
      };
    },
  };
}

function signalingKill({ deployment }: FaultContext): Fault {
  return {
    name: 'signaling',
    unavailable: async () => undefined,
    async inject(round) {
      const node = deployment.signaling[(round - 1) % deployment.signaling.length]!;
      await node.kill('SIGKILL');
      return { what: `SIGKILL ${node.name}`, mendAfter: 'recovery', mend: () => node.start() };
    },
  };
}

function restart(name: 'redis' | 'postgres', { deployment }: FaultContext): Fault {
  const service = deployment[name];
  return {
    name,
    unavailable: async () => undefined,
    async inject() {
      await service.down();
      return { what: `${name} down ${OUTAGE_MS / 1000} s`, mendAfter: OUTAGE_MS, mend: service.up };
    },
  };
}

/** The veth ends of the test host's link: this machine's and the namespace's. */
async function linkDevices(host: TestHost): Promise<{ outside: string; inside: string }> {
  const device = (out: string, ip: string) =>
    out
      .split('\n')
      .find((line) => line.includes(` ${ip}/`))
      ?.split(/\s+/)[1]
      ?.replace(/@.*/, '');
  const outside = device((await run('ip', ['-o', '-4', 'addr', 'show'])).stdout, host.hostIp);
  const inside = device(
    (await run('ip', ['-n', host.name, '-o', '-4', 'addr', 'show'])).stdout,
    host.nsIp,
  );
  if (!outside || !inside) throw new Error('the test host link has no devices');
  return { outside, inside };
}

const qdisc = (host: TestHost, inside: boolean, args: string[]) =>
  run(inside ? 'ip' : 'tc', inside ? ['netns', 'exec', host.name, 'tc', ...args] : args);

function netem({ deployment, impairMs }: FaultContext): Fault {
  const netemArgs = ['netem', 'loss', `${LOSS_PERCENT}%`, 'delay', `${DELAY_MS}ms`];
  const set = async (host: TestHost, on: boolean) => {
    const { outside, inside } = await linkDevices(host);
    for (const [dev, within] of [
      [outside, false],
      [inside, true],
    ] as const) {
      await qdisc(host, within, ['qdisc', on ? 'add' : 'del', 'dev', dev, 'root', ...netemArgs]);
    }
  };
  return {
    name: 'netem',
    async unavailable() {
      const host = deployment.testHost;
      if (typeof host === 'string') return host;
      if (
        !(await run('tc', ['-V']).then(
          () => true,
          () => false,
        ))
      )
        return 'tc is not installed (iproute2)';
      const { outside } = await linkDevices(host);
      try {
        await qdisc(host, false, ['qdisc', 'add', 'dev', outside, 'root', ...netemArgs]);
      } catch (error) {
        const reason = ((error as { stderr?: string }).stderr ?? String(error)).trim();
        return `tc cannot add a netem qdisc here (${reason}): the kernel has no sch_netem`;
      }
      await qdisc(host, false, ['qdisc', 'del', 'dev', outside, 'root']);
      return undefined;
    },
    async inject() {
      const host = deployment.testHost as TestHost;
      await set(host, true);
      return {
        what: `netem loss ${LOSS_PERCENT}% delay ${DELAY_MS} ms each way, ${impairMs / 1000} s`,
        mendAfter: impairMs,
        mend: () => set(host, false),
      };
    },
  };
}

function nftLoss({ deployment, impairMs }: FaultContext): Fault {
  const rule = `numgen random mod 100 < ${LOSS_PERCENT} drop`;
  return {
    name: 'loss',
    unavailable: async () =>
      typeof deployment.testHost === 'string' ? deployment.testHost : undefined,
    async inject() {
      const host = deployment.testHost as TestHost;
      await host.firewall([rule], [rule]);
      return {
        what: `nftables loss ${LOSS_PERCENT}% each way, ${impairMs / 1000} s`,
        mendAfter: impairMs,
        mend: () => host.firewall([], []),
      };
    },
  };
}

export function createFault(name: FaultName, context: FaultContext): Fault {
  switch (name) {
    case 'sfu':
      return sfuKill(context);
    case 'signaling':
      return signalingKill(context);
    case 'redis':
    case 'postgres':
      return restart(name, context);
    case 'netem':
      return netem(context);
    case 'loss':
      return nftLoss(context);
  }
}
