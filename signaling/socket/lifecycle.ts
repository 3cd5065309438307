// What connections leave behind when they go: the clean-up after a
// disconnect (still writing shared state and notifying the room) and the
// timers that end a dropped peer's grace period. Closing the server waits for
// the first and cancels the second, so nothing runs on a store or Redis
// connection that is already closed; on a node that stops, the places of
// dropped peers are left to the other nodes' sweep.
export interface ConnectionLifecycle {
  /** Keeps track of a clean-up until it settles. */
  track(work: Promise<unknown>): void;
  /** Runs `fn` after `ms`, unless the server closes first. */
  after(ms: number, fn: () => void): void;
  /** Waits for clean-ups in flight and cancels the timers. */
  close(): Promise<void>;
}

export function createConnectionLifecycle(): ConnectionLifecycle {
  const pending = new Set<Promise<unknown>>();
  const timers = new Set<NodeJS.Timeout>();
  return {
    track(work) {
      const settled = work.then(
        () => undefined,
        () => undefined,
      );
      pending.add(settled);
      void settled.then(() => pending.delete(settled));
    },
    after(ms, fn) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timer.unref();
      timers.add(timer);
    },
    async close() {
      while (pending.size > 0) await Promise.all([...pending]);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
