// When the node last renewed its registry record, on a monotonic clock, and
// whether it has been away too long since. The record lives three beats after
// Redis stores it; past that, readers count the node gone and signaling moves
// its rooms elsewhere, whatever kept the node from renewing (a paused process,
// a stalled event loop, a partition from Redis). Such a node must not carry on
// as if nothing happened: the watch says so, and the node fences itself.
//
// Measured from when a renewal was *sent*: Redis stores it later, so the
// record lives at least until then plus its lifetime. A monotonic clock, not
// wall time: a clock step must neither hide a pause nor invent one.

export interface RenewalWatch {
  /** A write of the record sent at `sentAt` (this watch's clock) was stored. */
  renewed(sentAt: number): void;
  /** The record is not this incarnation's yet (before its first write, after a fence). */
  forget(): void;
  /** Whether a renewal of this incarnation was stored since it began. */
  registered(): boolean;
  /** How long since the last stored renewal was sent; undefined when not registered. */
  since(): number | undefined;
  /**
   * How long since the last stored renewal was sent, when that is past the
   * bound (the record may have expired and the node been counted gone);
   * undefined while within it or not registered.
   */
  overdue(): number | undefined;
  /** The watch's clock, ms (for stamping a renewal about to be sent). */
  now(): number;
}

/** `performance.now()`: monotonic, unaffected by changes of the system time. */
const monotonic = (): number => performance.now();

export function createRenewalWatch(boundMs: number, now: () => number = monotonic): RenewalWatch {
  let lastSent: number | undefined;
  return {
    renewed(sentAt) {
      // Writes are sent one at a time; a late acknowledgement never moves it back.
      lastSent = lastSent === undefined ? sentAt : Math.max(lastSent, sentAt);
    },
    forget() {
      lastSent = undefined;
    },
    registered: () => lastSent !== undefined,
    since: () => (lastSent === undefined ? undefined : now() - lastSent),
    overdue() {
      if (lastSent === undefined) return undefined;
      const away = now() - lastSent;
      return away > boundMs ? away : undefined;
    },
    now,
  };
}
