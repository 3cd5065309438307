// One measurement of `bench:scaling`: a configuration at one size, from
// fresh receivers and routers to the numbers (workers' CPU from
// getResourceUsage, packets the receivers counted, packets the senders sent).
import type { types } from 'mediasoup';
import { startRtpSender, type RtpSender } from './rtpLoop.js';
import type { Measurement, ScalingConfig } from './scalingMath.js';
import { startSrtpReceiver, WorkerTally, type SrtpReceiver } from './scalingReceivers.js';
import {
  buildScalingMedia,
  packetRates,
  publisherSsrcs,
  type ReceiverPlan,
  type SrtpSuite,
} from './scalingTopology.js';

export interface RunSettings {
  publishers: number;
  seconds: number;
  suite: SrtpSuite;
}

const START_TIMEOUT_MS = 30_000;
/** Past the first key frame, so the measurement sees steady forwarding. */
const WARM_UP_MS = 1_000;
/** Each receiver takes one publisher's audio and video: two consumers. */
export const CONSUMERS_PER_RECEIVER = 2;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU time (user + system) the worker process has used, in ms. */
async function cpuMs(worker: types.Worker): Promise<number> {
  const usage = await worker.getResourceUsage();
  return usage.ru_utime + usage.ru_stime;
}

async function waitUntilReceiving(receivers: readonly SrtpReceiver[]): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (receivers.some((r) => r.streams.size < CONSUMERS_PER_RECEIVER)) {
    if (Date.now() > deadline) throw new Error('receivers did not all start receiving');
    await sleep(50);
  }
}

/**
 * Receiver j watches publisher j mod P and, with several workers, sits on
 * worker ⌊j / P⌋ mod k: every worker gets receivers of every publisher, and
 * the consumers split evenly (within one receiver).
 */
const workerOf = (j: number, publishers: number, workers: number) =>
  Math.floor(j / publishers) % workers;

export async function measure(
  config: ScalingConfig,
  consumers: number,
  workers: readonly types.Worker[],
  settings: RunSettings,
): Promise<Measurement> {
  const used = config === 'one' ? workers.slice(0, 1) : workers;
  const tally = new WorkerTally(used.length);
  const plans: ReceiverPlan[] = [];
  const senders: RtpSender[] = [];
  const receiverCount = Math.ceil(consumers / CONSUMERS_PER_RECEIVER);
  try {
    for (let j = 0; j < receiverCount; j++) {
      const worker = workerOf(j, settings.publishers, used.length);
      plans.push({
        receiver: await startSrtpReceiver(tally, worker),
        publisher: j % settings.publishers,
      });
    }
    const media = await buildScalingMedia(
      config,
      workers,
      settings.publishers,
      plans,
      settings.suite,
    );
    try {
      for (const [p, port] of media.sourcePorts.entries()) {
        senders.push(await startRtpSender(port, publisherSsrcs(p)));
      }
      await waitUntilReceiving(plans.map((plan) => plan.receiver));
      await sleep(WARM_UP_MS);
      const forwardedBefore = await media.forwarded();
      const takenInBefore = await media.takenIn();
      const cpuBefore = await Promise.all(used.map(cpuMs));
      const sentBefore = senders.map((s) => s.sent());
      const selfBefore = process.cpuUsage();
      const from = performance.now();
      tally.counting = true;
      await sleep(settings.seconds * 1000);
      tally.counting = false;
      const elapsedS = (performance.now() - from) / 1000;
      const sent = senders.map((s, p) => s.sent() - sentBefore[p]!);
      const cpuAfter = await Promise.all(used.map(cpuMs));
      const self = process.cpuUsage(selfBefore);
      const forwarded = packetRates(forwardedBefore, await media.forwarded());
      const [takenIn] = packetRates(takenInBefore, await media.takenIn());
      const watchers = (p: number) => plans.filter((plan) => plan.publisher === p).length;
      const perS = (value: (n: number, p: number) => number) =>
        sent.reduce((sum, n, p) => sum + value(n, p), 0) / elapsedS;
      return {
        config,
        consumers: receiverCount * CONSUMERS_PER_RECEIVER,
        elapsedS,
        sentPerS: perS((n) => n),
        takenInPerS: takenIn ?? 0,
        expectedPerS: perS((n, p) => n * watchers(p)),
        deliveredPerS: tally.delivered.reduce((s, n) => s + n, 0) / elapsedS,
        forwardedPerS: forwarded.reduce((s, n) => s + n, 0),
        pipedPerS: perS((n, p) => n * media.pipesPerPublisher[p]!),
        workers: used.map((_, i) => ({
          cpu: (cpuAfter[i]! - cpuBefore[i]!) / 1000 / elapsedS,
          deliveredPerS: tally.delivered[i]! / elapsedS,
          forwardedPerS: forwarded[i]!,
        })),
        benchCpu: (self.user + self.system) / 1e6 / elapsedS,
      };
    } finally {
      for (const sender of senders) sender.close();
      media.close();
    }
  } finally {
    for (const plan of plans) plan.receiver.close();
  }
}
