// One load from start to end: the target (given, or started here), the bot
// processes, every bot joined at the join rate, a short settling time, then
// `duration` seconds measured, the figures of that window, and everything
// stopped again — also when something fails on the way.
import type { LoadArgs } from './args.js';
import {
  startBrowserReceivers,
  type BrowserReceivers,
  type BrowserReceiverSample,
} from './browsers.js';
import { startFleet, type Fleet } from './fleet.js';
import { loadWindow, takeReading, type LoadWindow } from './measure.js';
import { planBots } from './plan.js';
import { remoteTarget, startOwnTarget } from './target.js';

/** After the last bot joined: consumers resume and layers settle before the window opens. */
const SETTLE_MS = 5_000;
const PROGRESS_MS = 5_000;

export interface LoadResult {
  target: string;
  /** The measured window. */
  window: LoadWindow;
  /** From the first reading to the end: joins of every bot. */
  whole: LoadWindow;
  /** The Chromium receivers over the measured window, and Chromium's CPU in cores. */
  browsers?: { samples: BrowserReceiverSample[]; cpu: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until every bot has been started; reports progress; bounded by `limitMs`. */
export async function waitForJoins(
  fleet: Fleet,
  total: number,
  limitMs: number,
  progress: (line: string) => void,
): Promise<void> {
  const deadline = performance.now() + limitMs;
  for (;;) {
    const snapshot = await fleet.snapshot(false);
    const started = snapshot.bots.length;
    if (snapshot.waiting === 0 && started >= total) return;
    if (performance.now() > deadline) {
      throw new Error(`only ${started} of ${total} bots started within ${limitMs / 1000} s`);
    }
    progress(`joining: ${started}/${total} bots started`);
    await sleep(1000);
  }
}

export async function runLoad(
  args: LoadArgs,
  progress: (line: string) => void,
): Promise<LoadResult> {
  const auth = process.env['VECHE_TOKEN'] ? { token: process.env['VECHE_TOKEN'] } : undefined;
  const target = args.target
    ? remoteTarget(args.target, process.env['METRICS_TOKEN'])
    : await startOwnTarget({ mode: args.cluster ? 'cluster' : 'embedded', workers: args.workers });
  let fleet: Fleet | undefined;
  let browsers: BrowserReceivers | undefined;
  try {
    progress(`target: ${target.description}`);
    fleet = await startFleet({
      processes: args.botProcesses,
      ...(args.botCpus ? { cpus: args.botCpus } : {}),
    });
    const roomPrefix = `load-${Date.now().toString(36)}`;
    const specs = planBots(
      {
        rooms: args.rooms,
        publishers: args.publishers,
        subscribers: args.subscribers,
        roomPrefix,
        tiles: { pageSize: args.pageSize, windowWidth: args.windowWidth },
        ...(auth ? { auth } : {}),
      },
      target,
    );
    const first = await takeReading(fleet, target);
    fleet.start(specs, 1000 / args.joinRate, args.verifyEvery);
    const joinLimit = (specs.length / args.joinRate) * 1000 * 3 + 60_000;
    await waitForJoins(fleet, specs.length, joinLimit, progress);
    if (args.browsers > 0) {
      progress(`${args.browsers} Chromium receiver(s) joining ${roomPrefix}-1`);
      browsers = await startBrowserReceivers({
        url: target.urls[0]!,
        room: `${roomPrefix}-1`,
        count: args.browsers,
        pageSize: args.pageSize,
        joinTimeoutMs: 180_000,
      });
      // Each shows the publishers' cameras on its page before the window opens.
      const cameras = Math.min(args.publishers, args.pageSize);
      const deadline = performance.now() + 90_000;
      while (performance.now() < deadline) {
        const stats = await browsers.stats();
        if (stats.every((b) => b.inboundVideo.length >= cameras)) break;
        await sleep(1000);
      }
    }
    await sleep(SETTLE_MS);
    const start = await takeReading(fleet, target);
    const chromeCpuBefore = (await browsers?.cpuSeconds()) ?? 0;
    const sampling = browsers?.sample(args.duration * 1000);
    const end = performance.now() + args.duration * 1000;
    let last = start;
    while (performance.now() < end) {
      await sleep(Math.min(PROGRESS_MS, Math.max(0, end - performance.now())));
      const now = await takeReading(fleet, target);
      const w = loadWindow(last, now);
      progress(
        `${((now.at - start.at) / 1000).toFixed(0)} s: received ${w.receivedMbps.toFixed(1)} Mbit/s, ` +
          `loss audio ${(w.audioLoss * 100).toFixed(2)} % video ${(w.videoLoss * 100).toFixed(2)} %, ` +
          `bots CPU ${(w.botsCpu * 100).toFixed(0)} %`,
      );
      last = now;
    }
    const window = loadWindow(start, last);
    const samples = await sampling;
    const chromeCpu = ((await browsers?.cpuSeconds()) ?? 0) - chromeCpuBefore;
    return {
      target: target.description,
      window,
      whole: loadWindow(first, last),
      ...(samples ? { browsers: { samples, cpu: chromeCpu / window.seconds } } : {}),
    };
  } finally {
    await browsers?.close();
    await fleet?.stop();
    await target.stop();
  }
}
