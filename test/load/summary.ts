// A bot's figures as its process reports them to the load's driver, and how
// the driver adds them up: per kind of media, packets and bytes received,
// packets expected from the sequence numbers (so loss), mean jitter; per
// publisher, what it sent and the key frames it was asked for.
import type { Bot } from './bot.js';
import type { SendCounters } from './publish.js';

export interface MediaTotals {
  /** Consumers shown (resumed) with at least one packet now. */
  streams: number;
  packets: number;
  bytes: number;
  expected: number;
  /** Packets whose SRTP authentication tag was checked and held / failed. */
  verified: number;
  forged: number;
  /** Sum over `streams` of each one's jitter, ms. */
  jitterMsSum: number;
}

export interface BotSummary {
  index: number;
  room: string;
  publish: boolean;
  joinMs?: number;
  firstMediaMs?: number;
  failed?: string;
  refused: number;
  /** Media rebuilt after the server's mediaReset. */
  rebuilds: number;
  /** Its signaling connection dropped. */
  disconnected: boolean;
  /** Open consumers, shown or not. */
  consumers: number;
  audio: MediaTotals;
  video: MediaTotals;
  /** Shown camera consumers per asked-for layer (index = layer). */
  layers: number[];
  sent?: SendCounters;
}

export const emptyTotals = (): MediaTotals => ({
  streams: 0,
  packets: 0,
  bytes: 0,
  expected: 0,
  verified: 0,
  forged: 0,
  jitterMsSum: 0,
});

export function summarize(bot: Bot): BotSummary {
  // Closed streams' counts stay in: totals only grow, so windows subtract.
  const totals = { audio: { ...bot.retired.audio }, video: { ...bot.retired.video } };
  const layers = [0, 0, 0];
  let consumers = 0;
  for (const stream of bot.inbound.values()) {
    consumers += 1;
    const t = totals[stream.kind];
    const { counter, verified, forged } = stream.sink;
    t.packets += counter.packets;
    t.bytes += counter.bytes;
    t.expected += counter.expected;
    t.verified += verified;
    t.forged += forged;
    if (!stream.visible) continue;
    if (stream.kind === 'video' && stream.layer !== undefined) layers[stream.layer]! += 1;
    if (counter.packets > 0) {
      t.streams += 1;
      t.jitterMsSum += counter.jitterMs;
    }
  }
  const first = bot.firstMediaMs();
  return {
    index: bot.spec.index,
    room: bot.spec.room,
    publish: bot.spec.publish,
    joinMs: bot.joinMs,
    ...(first !== undefined ? { firstMediaMs: first } : {}),
    refused: bot.refused,
    rebuilds: bot.rebuilds,
    disconnected: bot.disconnected,
    consumers,
    ...totals,
    layers,
    ...(bot.sent ? { sent: { ...bot.sent } } : {}),
  };
}

/** Adds `b` into `a`. */
export function addTotals(a: MediaTotals, b: MediaTotals): MediaTotals {
  return {
    streams: a.streams + b.streams,
    packets: a.packets + b.packets,
    bytes: a.bytes + b.bytes,
    expected: a.expected + b.expected,
    verified: a.verified + b.verified,
    forged: a.forged + b.forged,
    jitterMsSum: a.jitterMsSum + b.jitterMsSum,
  };
}

/** Loss between two readings of the same streams: lost / expected over the window (0 if none). */
export function windowLoss(before: MediaTotals, after: MediaTotals): number {
  const expected = after.expected - before.expected;
  const received = after.packets - before.packets;
  return expected > 0 ? Math.max(0, expected - received) / expected : 0;
}
