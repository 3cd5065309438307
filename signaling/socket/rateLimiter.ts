/** Token bucket: `burst` requests at once, refilled at `perSecond`. */
export function createRateLimiter(perSecond: number, burst: number, now: () => number = Date.now) {
  let tokens = burst;
  let last = now();
  return {
    take(): boolean {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * perSecond);
      last = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

/** One token bucket per key (e.g. client address); idle buckets are forgotten. */
export function createKeyedRateLimiter(
  perSecond: number,
  burst: number,
  now: () => number = Date.now,
) {
  const buckets = new Map<string, { tokens: number; last: number }>();
  const idleMs = (burst / perSecond) * 1000;
  return {
    take(key: string): boolean {
      const t = now();
      if (buckets.size > 10_000) {
        for (const [k, b] of buckets) if (t - b.last > idleMs) buckets.delete(k);
      }
      const bucket = buckets.get(key) ?? { tokens: burst, last: t };
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.last) / 1000) * perSecond);
      bucket.last = t;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}
