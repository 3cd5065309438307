// The passcode-guessing budget of each client address. With several nodes the
// count lives in the shared store, so N nodes do not give N times the guesses:
// Redis when nodes share rooms, memory for a single node.
//
// Key schema (see docs/state.md for the others):
//   <prefix>passcode:<address>   STRING  attempts in the current window;
//                                expires `windowMs` after the window's first attempt
import type { RedisClientType } from 'redis';

export interface AttemptLimiter {
  /**
   * Spends one attempt of `key`'s budget before the attempt is judged (so
   * guesses sent at once are all counted); false when the budget is spent.
   */
  take(key: string): Promise<boolean>;
  /** The attempt succeeded: only failures count against the budget. */
  giveBack(key: string): Promise<void>;
}

export interface AttemptBudget {
  readonly attempts: number;
  readonly windowMs: number;
}

/** Five wrong passcodes a minute per address. */
export const PASSCODE_ATTEMPTS: AttemptBudget = { attempts: 5, windowMs: 60_000 };

/** One node's budget, kept in memory (fixed windows, like the Redis one). */
export function createMemoryAttemptLimiter(
  budget: AttemptBudget = PASSCODE_ATTEMPTS,
  now: () => number = Date.now,
): AttemptLimiter {
  const windows = new Map<string, { count: number; until: number }>();
  const current = (key: string, t: number) => {
    const window = windows.get(key);
    return window && window.until > t ? window : undefined;
  };
  return {
    async take(key) {
      const t = now();
      if (windows.size > 10_000) {
        for (const [k, w] of windows) if (w.until <= t) windows.delete(k);
      }
      const window = current(key, t) ?? { count: 0, until: t + budget.windowMs };
      window.count += 1;
      windows.set(key, window);
      return window.count <= budget.attempts;
    },
    async giveBack(key) {
      const window = current(key, now());
      if (window && window.count > 0) window.count -= 1;
    },
  };
}

// INCR and the window's expiry in one step: a node that dies in between never
// leaves a counter without expiry (an address locked out for good).
const takeScript = `
local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`;
// Only within the window that counted the attempt, and never below zero.
const giveBackScript = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then return redis.call('DECR', KEYS[1]) end
return 0
`;

/** The budget shared by every node using this Redis and key prefix. */
export function createRedisAttemptLimiter(
  client: RedisClientType,
  prefix: string,
  budget: AttemptBudget = PASSCODE_ATTEMPTS,
): AttemptLimiter {
  const keyOf = (key: string) => `${prefix}passcode:${key}`;
  return {
    async take(key) {
      const count = await client.eval(takeScript, {
        keys: [keyOf(key)],
        arguments: [String(budget.windowMs)],
      });
      return Number(count) <= budget.attempts;
    },
    async giveBack(key) {
      await client.eval(giveBackScript, { keys: [keyOf(key)], arguments: [] });
    },
  };
}
