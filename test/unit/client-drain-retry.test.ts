// When a signaling node that is shutting down refuses the client's connection
// (its balancer has not noticed yet), the client tries again after a short
// delay that grows with each refusal, stays bounded, and is spread so that
// the node's clients do not all come back at the same moment.
import { describe, expect, it } from 'vitest';
import { drainRetryDelayMs } from '../../web/src/signaling/client.js';

describe('trying a draining node again', () => {
  it('starts short and grows with each refusal, up to a few seconds', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => drainRetryDelayMs(n, middle))).toEqual([
      250, 500, 1000, 2000, 4000, 5000, 5000,
    ]);
  });

  it('spreads clients over half to one and a half times the step', () => {
    expect(drainRetryDelayMs(1, () => 0)).toBe(125);
    expect(drainRetryDelayMs(1, () => 0.999)).toBe(375);
    expect(drainRetryDelayMs(20, () => 0.999)).toBeLessThanOrEqual(7500);
  });
});
