// A load's figures over a window between two readings (each reading: every
// bot's summary from its process, the bot processes' CPU, every server
// process's /metrics): what the bots received and lost, their join times, the
// CPU each side spent.
import { percentile } from '../bench/target.js';
import type { Fleet, FleetSnapshot } from './fleet.js';
import { readServers, serverWindow, type ServerReading, type ServerWindow } from './serverStats.js';
import {
  addTotals,
  emptyTotals,
  windowLoss,
  type BotSummary,
  type MediaTotals,
} from './summary.js';
import type { LoadTarget } from './target.js';
import { udpDrops } from './udpDrops.js';

export interface Reading {
  at: number;
  fleet: FleetSnapshot;
  servers: ServerReading[];
  /** Datagrams dropped so far at the server processes' full sockets (this machine only). */
  serverUdpDrops: number | undefined;
}

export async function takeReading(fleet: Fleet, target: LoadTarget): Promise<Reading> {
  const [snapshot, servers, serverUdpDrops] = await Promise.all([
    fleet.snapshot(),
    readServers(target.metrics),
    target.serverPids().then((pids) => (pids.length > 0 ? udpDrops(pids) : undefined)),
  ]);
  return { at: performance.now(), fleet: snapshot, servers, serverUdpDrops };
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

export interface LoadWindow {
  seconds: number;
  bots: number;
  publishers: number;
  failed: number;
  /** Bots handed over and not started yet. */
  waiting: number;
  /** Open consumers as the bots count them (shown or paused). */
  consumers: number;
  /** Consumers resumed (shown) with packets flowing. */
  flowing: number;
  /** Shown camera consumers per layer. */
  layers: number[];
  /** What all bots received, Mbit/s. */
  receivedMbps: number;
  /** Packets all bots received per second. */
  receivedPps: number;
  /** What all publishers sent (payload), Mbit/s. */
  sentMbps: number;
  audioLoss: number;
  videoLoss: number;
  /** Mean interarrival jitter over the streams received, ms. */
  jitterMs: number;
  join: Percentiles;
  firstMedia: Percentiles;
  /** Bot processes' CPU over the window, in cores. */
  botsCpu: number;
  keyframeRequests: number;
  /** Media rebuilds after mediaReset, and bots whose signaling connection dropped. */
  rebuilds: number;
  disconnected: number;
  /** SRTP tags checked over the window, and those that failed (must be 0). */
  verified: number;
  forged: number;
  refused: number;
  servers: ServerWindow[];
  /** Datagrams the kernel dropped over the window at full sockets: the bots' and the server's. */
  udpDrops: { bots: number | undefined; server: number | undefined };
}

export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    count: sorted.length,
  };
}

const difference = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : Math.max(0, b - a);

const sum = (bots: BotSummary[], pick: (b: BotSummary) => number) =>
  bots.reduce((total, b) => total + pick(b), 0);

function totals(bots: BotSummary[], kind: 'audio' | 'video'): MediaTotals {
  return bots.reduce((t, b) => addTotals(t, b[kind]), emptyTotals());
}

/** The window from reading `a` to reading `b` (bots new in `b` count from zero). */
export function loadWindow(a: Reading, b: Reading): LoadWindow {
  const seconds = (b.at - a.at) / 1000;
  const now = b.fleet.bots.filter((bot) => bot.failed === undefined);
  const before = new Map(a.fleet.bots.map((bot) => [bot.index, bot]));
  const earlier = now.flatMap((bot) => before.get(bot.index) ?? []);
  const delta = (pick: (b: BotSummary) => number) => sum(now, pick) - sum(earlier, pick);
  const received = delta((bot) => bot.audio.bytes + bot.video.bytes);
  const sent = delta((bot) => bot.sent?.bytes ?? 0);
  const jitterStreams = sum(now, (bot) => bot.audio.streams + bot.video.streams);
  return {
    seconds,
    bots: now.length,
    publishers: now.filter((bot) => bot.publish).length,
    failed: b.fleet.bots.length - now.length,
    waiting: b.fleet.waiting,
    consumers: sum(now, (bot) => bot.consumers),
    flowing: jitterStreams,
    layers: [0, 1, 2].map((layer) => sum(now, (bot) => bot.layers[layer] ?? 0)),
    receivedMbps: seconds > 0 ? (received * 8) / seconds / 1e6 : 0,
    receivedPps: seconds > 0 ? delta((bot) => bot.audio.packets + bot.video.packets) / seconds : 0,
    sentMbps: seconds > 0 ? (sent * 8) / seconds / 1e6 : 0,
    audioLoss: windowLoss(totals(earlier, 'audio'), totals(now, 'audio')),
    videoLoss: windowLoss(totals(earlier, 'video'), totals(now, 'video')),
    jitterMs:
      jitterStreams > 0
        ? sum(now, (bot) => bot.audio.jitterMsSum + bot.video.jitterMsSum) / jitterStreams
        : 0,
    join: percentiles(now.flatMap((bot) => (bot.joinMs !== undefined ? [bot.joinMs] : []))),
    firstMedia: percentiles(
      now.flatMap((bot) => (bot.firstMediaMs !== undefined ? [bot.firstMediaMs] : [])),
    ),
    botsCpu: seconds > 0 ? (b.fleet.cpuMs - a.fleet.cpuMs) / 1000 / seconds : 0,
    keyframeRequests: delta((bot) => bot.sent?.keyframeRequests ?? 0),
    verified: delta((bot) => bot.audio.verified + bot.video.verified),
    forged: sum(now, (bot) => bot.audio.forged + bot.video.forged),
    refused: sum(now, (bot) => bot.refused),
    rebuilds: delta((bot) => bot.rebuilds),
    disconnected: now.filter((bot) => bot.disconnected).length,
    servers: serverWindow(a.servers, b.servers),
    udpDrops: {
      bots: difference(a.fleet.udpDrops, b.fleet.udpDrops),
      server: difference(a.serverUdpDrops, b.serverUdpDrops),
    },
  };
}
