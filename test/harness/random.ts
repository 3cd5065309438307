// Seeded randomness for the proof tools (fuzzing, soak): the same seed replays
// the same choices. `fork` gives a stream of its own to each part of a run, so
// one part's choices do not depend on how many another one made.

/** A 32-bit seed from the clock, for runs not given one. */
export const freshSeed = (): number => (Date.now() ^ (process.pid << 16)) >>> 0;

/** FNV-1a of a label: names a derived stream. */
function hash(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i += 1) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface Random {
  readonly seed: number;
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A key of `weights` drawn by weight (undefined when every weight is 0). */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K | undefined;
  /** An independent stream for `label` (same seed and label, same stream). */
  fork(label: string): Random;
}

/** mulberry32: fast, 32-bit state, good enough to choose test inputs. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed: seed >>> 0,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    weighted(weights) {
      const entries = Object.entries(weights) as Array<[keyof typeof weights, number]>;
      const total = entries.reduce((sum, [, w]) => sum + Math.max(0, w), 0);
      if (total <= 0) return undefined;
      let r = next() * total;
      for (const [key, w] of entries) {
        r -= Math.max(0, w);
        if (r < 0) return key;
      }
      return entries.at(-1)![0];
    },
    fork: (label) => createRandom((seed ^ hash(label)) >>> 0),
  };
}
