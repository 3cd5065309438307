// The passcode budget of one node: fixed windows per address, failures only.
import { describe, expect, it } from 'vitest';
import { createMemoryAttemptLimiter } from '../../signaling/rooms/attemptLimiter.js';

describe('memory attempt limiter', () => {
  it('allows the budget per window and address, then refuses until the window ends', async () => {
    let now = 1_000;
    const limiter = createMemoryAttemptLimiter({ attempts: 3, windowMs: 60_000 }, () => now);
    const takes = async (key: string, n: number) => {
      const results = [];
      for (let i = 0; i < n; i++) results.push(await limiter.take(key));
      return results;
    };
    expect(await takes('a', 4)).toEqual([true, true, true, false]);
    expect(await takes('b', 1)).toEqual([true]);
    now += 59_999;
    expect(await takes('a', 1)).toEqual([false]);
    now += 1;
    expect(await takes('a', 4)).toEqual([true, true, true, false]);
  });

  it('an attempt given back (a right passcode) does not count', async () => {
    const limiter = createMemoryAttemptLimiter({ attempts: 2, windowMs: 60_000 }, () => 0);
    for (let i = 0; i < 5; i++) {
      expect(await limiter.take('office')).toBe(true);
      await limiter.giveBack('office');
    }
    // Giving back more than was taken never grows the budget.
    await limiter.giveBack('office');
    await limiter.giveBack('office');
    expect([await limiter.take('office'), await limiter.take('office')]).toEqual([true, true]);
    expect(await limiter.take('office')).toBe(false);
  });
});
