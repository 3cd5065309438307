// The arithmetic behind `npm run bench:scaling`'s efficiency, pipe cost and
// projection, checked on synthetic measurements made from known costs: what
// the benchmark prints is what those costs imply.
import { describe, expect, it } from 'vitest';
import {
  efficiency,
  oneWorkerModel,
  pipeCostUs,
  pipeShares,
  pool,
  project,
  type Measurement,
  type ScalingConfig,
} from '../bench/scalingMath.js';

// Known costs, in µs: taking one publisher packet in, forwarding one
// delivered packet, and one piped packet on each end of the pipe.
const INGEST = 12;
const FORWARD = 10;
const PIPE_SEND = 15;
const PIPE_RECEIVE = 25;
const SENT = 700;

/** What a worker set with these costs would report for `delivered` packets/s. */
function synthetic(config: ScalingConfig, delivered: number, workers: number): Measurement {
  const share = delivered / workers;
  const loads = Array.from({ length: workers }, (_, i) => ({
    deliveredPerS: share,
    forwardedPerS: share,
    cpu:
      (FORWARD * share +
        (i === 0 ? INGEST * SENT + (workers - 1) * PIPE_SEND * SENT : PIPE_RECEIVE * SENT)) /
      1e6,
  }));
  return {
    config,
    consumers: delivered / 175,
    elapsedS: 6,
    sentPerS: SENT,
    takenInPerS: SENT,
    expectedPerS: delivered,
    deliveredPerS: delivered,
    forwardedPerS: delivered,
    pipedPerS: (workers - 1) * SENT,
    workers: loads,
    benchCpu: 0.1,
  };
}

describe('bench:scaling arithmetic', () => {
  const sizes = [8750, 17500, 35000];
  const publishersOnly = { ...synthetic('one', 0, 1), consumers: 0 };
  const fit = oneWorkerModel(
    [publishersOnly],
    sizes.map((d) => synthetic('one', d, 1)),
  );
  const rates = { sentPerS: SENT, forwardedPerS: 35000 };

  it('separates the cost of taking the publishers in from the cost per forwarded packet', () => {
    expect(fit.ingestUs).toBeCloseTo(INGEST, 9);
    expect(fit.forwardUs).toBeCloseTo(FORWARD, 9);
  });

  it('gives the pipe cost per piped packet and each end of it', () => {
    const one = synthetic('one', 17500, 1);
    const two = synthetic('node', 17500, 2);
    expect(pipeCostUs(one, two)).toBeCloseTo(PIPE_SEND + PIPE_RECEIVE, 9);
    const shares = pipeShares(two, fit);
    expect(shares.sendUsPerS / SENT).toBeCloseTo(PIPE_SEND, 6);
    expect(shares.receiveUsPerS / SENT).toBeCloseTo(PIPE_RECEIVE, 6);
    // Four workers: three pipes, the same cost each.
    const four = synthetic('nodes', 17500, 4);
    expect(pipeCostUs(one, four)).toBeCloseTo(PIPE_SEND + PIPE_RECEIVE, 9);
    expect(pipeShares(four, fit).receiveUsPerS / SENT).toBeCloseTo(PIPE_RECEIVE, 6);
  });

  it('projects for 2 workers the efficiency measured with 2', () => {
    const one = synthetic('one', 35000, 1);
    const two = synthetic('node', 35000, 2);
    const measured = efficiency(one, two);
    expect(measured).toBeLessThan(1);
    const projected = project(2, fit, pipeShares(two, fit), rates);
    expect(projected.efficiency).toBeCloseTo(measured, 9);
  });

  it('projects capacity: k times one worker without pipe cost, below it with, lowest with one origin', () => {
    const u = (INGEST * SENT) / 1e6;
    const free = project(8, fit, { sendUsPerS: 0, receiveUsPerS: 0 }, rates);
    // The publishers are taken in once, whatever k: a little above 8×.
    expect(free.balanced).toBeCloseTo((8 - u) / (1 - u), 9);
    expect(free.balanced).toBeGreaterThanOrEqual(8);
    const shares = pipeShares(synthetic('node', 35000, 2), fit);
    expect(project(1, fit, shares, rates).balanced).toBeCloseTo(1, 9);
    const eight = project(8, fit, shares, rates);
    const q = ((PIPE_SEND + PIPE_RECEIVE) * SENT) / 1e6;
    expect(eight.balanced).toBeCloseTo((8 - u - 7 * q) / (1 - u), 9);
    expect(eight.oneOrigin).toBeCloseTo((8 * (1 - u - (7 * PIPE_SEND * SENT) / 1e6)) / (1 - u), 9);
    expect(eight.oneOrigin).toBeLessThan(eight.balanced);
    expect(eight.balanced).toBeLessThan(8);
  });

  it('pools rounds weighted by their length', () => {
    const a = { ...synthetic('one', 10000, 1), elapsedS: 2 };
    const b = { ...synthetic('one', 20000, 1), elapsedS: 6 };
    const pooled = pool([a, b]);
    expect(pooled.deliveredPerS).toBeCloseTo(17500, 9);
    expect(pooled.elapsedS).toBe(8);
  });
});
