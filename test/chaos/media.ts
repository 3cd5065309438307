// What every bot receives, watched through a fault: every 50 ms, for each
// stream a bot should receive (a sender of its meeting, audio and video),
// the packets so far and the newest one's time, and every silence longer
// than GAP_MS as a gap (its last packet before → its first packet after).
// A fault's recovery time is when the last gap that the fault caused ended
// (0 when media never stopped); recovered means every expected stream has
// then flowed without such a gap for STABLE_MS.
import { expectedStreams, type Expected, type Meeting } from './bots.js';

/** A silence longer than this is a gap (audio packets come every 20 ms, video every 40 ms). */
export const GAP_MS = 500;
/** Flowing again: no gap on any expected stream for this long. */
export const STABLE_MS = 2000;
const POLL_MS = 50;

interface Track {
  readonly expected: Expected;
  packets: number;
  /** Newest packet's time (performance.now()). */
  latest: number;
  polledAt: number;
  gaps: Array<{ start: number; end: number }>;
}

export interface Recovery {
  recovered: boolean;
  /** From the fault to the end of the last gap it caused, ms (0: media never stopped). */
  recoveryMs: number;
  /** Streams not flowing at the deadline: `to ← from kind`. */
  stuck: string[];
  /** The longest gap any stream had after the fault, ms. */
  longestGapMs: number;
}

export interface MediaWatch {
  /** The expected streams now silent for longer than GAP_MS. */
  silent(): string[];
  /**
   * Waits until `notBefore` (performance.now()) has passed and every
   * expected stream has flowed for STABLE_MS since its last gap, or until
   * `deadline`; measures from `at`.
   */
  recovery(at: number, notBefore: () => number, deadline: number): Promise<Recovery>;
  /** The longest gap on any stream between `from` and `to` (running gaps included). */
  longestGap(from: number, to: number): number;
  stop(): void;
}

const describe = (e: Expected) => `${e.to.name} ← ${e.from.name} ${e.kind}`;

function sample(track: Track, now: number): void {
  const { to, from, kind } = track.expected;
  const streams = to
    .streams()
    .filter((s) => s.kind === kind && from.peerIds.has(s.peerId) && s.firstAt > 0);
  const packets = streams.reduce((sum, s) => sum + s.packets, 0);
  const latest = Math.max(0, ...streams.map((s) => s.lastAt));
  if (packets > track.packets && track.latest > 0) {
    // The first new packet: a stream opened since the newest one we knew, or
    // (an old stream going on) somewhere after the previous poll.
    const opened = streams.filter((s) => s.firstAt > track.latest).map((s) => s.firstAt);
    const first = Math.min(Math.max(track.polledAt, track.latest), ...opened);
    if (first - track.latest > GAP_MS) track.gaps.push({ start: track.latest, end: first });
  }
  // A count that fell means the stream was replaced by one with fewer packets so far.
  track.packets = packets;
  if (latest > 0) track.latest = Math.max(track.latest, latest);
  track.polledAt = now;
}

export function watchMedia(meetings: readonly Meeting[]): MediaWatch {
  const tracks: Track[] = expectedStreams(meetings).map((expected) => ({
    expected,
    packets: 0,
    latest: 0,
    polledAt: 0,
    gaps: [],
  }));
  const poll = () => {
    const now = performance.now();
    for (const track of tracks) sample(track, now);
  };
  poll();
  const timer = setInterval(poll, POLL_MS);
  const silentFor = (track: Track, now: number) =>
    track.latest === 0 ? Number.POSITIVE_INFINITY : now - track.latest;
  const watch: MediaWatch = {
    silent() {
      const now = performance.now();
      return tracks.filter((t) => silentFor(t, now) > GAP_MS).map((t) => describe(t.expected));
    },
    async recovery(at, notBefore, deadline) {
      for (;;) {
        const now = performance.now();
        const steady = tracks.every((t) => {
          const lastGapEnd = t.gaps.at(-1)?.end ?? 0;
          return silentFor(t, now) <= GAP_MS && t.latest > at && now - lastGapEnd >= STABLE_MS;
        });
        if ((steady && now >= notBefore()) || now > deadline) {
          const ends = tracks.flatMap((t) => t.gaps.filter((g) => g.end > at).map((g) => g.end));
          return {
            recovered: steady,
            recoveryMs: Math.max(0, ...ends.map((end) => end - at)),
            stuck: steady
              ? []
              : tracks
                  .filter((t) => silentFor(t, now) > GAP_MS || t.latest <= at)
                  .map((t) => describe(t.expected)),
            longestGapMs: watch.longestGap(at, now),
          };
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    },
    longestGap(from, to) {
      let longest = 0;
      for (const t of tracks) {
        for (const g of t.gaps) {
          if (g.end > from && g.start < to) longest = Math.max(longest, g.end - g.start);
        }
        if (t.latest > 0 && to - t.latest > GAP_MS) longest = Math.max(longest, to - t.latest);
      }
      return longest;
    },
    stop: () => clearInterval(timer),
  };
  return watch;
}
