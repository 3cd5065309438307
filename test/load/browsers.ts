// A few real Chromium receivers in a load's room, so decoding is proven and
// not assumed: one headless Chromium, a context (one page) per receiver that
// joins the room as a participant whose camera and microphone are refused —
// the client's supported receive-only way, so it publishes nothing — and
// shows the room as the client does (its own paging, `veche.pageSize`).
// What each page receives is read from getStats() of its connections.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, refuseDevices } from '../harness/browser.js';
import { recordPeerConnections } from '../harness/iceWatch.js';
import { chromiumChildren, treeCpuSeconds } from './browserCpu.js';
import { readPageMedia, type PageMediaStats } from './browserStats.js';

export type { InboundAudio, InboundVideo } from './browserStats.js';

export interface BrowserReceiverOptions {
  /** A signaling node's URL (it serves the web client). */
  url: string;
  room: string;
  count: number;
  /** The client's remote tiles per page (localStorage `veche.pageSize`); default the client's. */
  pageSize?: number;
  /** Display names are `<namePrefix>-<n>`, n from 1; default `browser`. */
  namePrefix?: string;
  /** How long one receiver may take to be in the meeting, ms; default 60 000. */
  joinTimeoutMs?: number;
}

export interface BrowserReceiverStats extends PageMediaStats {
  name: string;
}

export interface VideoRate {
  peer?: string;
  trackId: string;
  /** Frames decoded during the window. */
  framesDecoded: number;
  framesDecodedPerSecond: number;
  /** The size of the last decoded frame, at the end of the window. */
  frameWidth?: number;
  frameHeight?: number;
}

export interface BrowserReceiverSample {
  name: string;
  windowMs: number;
  /** Each video stream seen at the window's end (one that began within it counts from its start). */
  video: VideoRate[];
  /** Audio packets received per second, all streams together. */
  audioPacketsPerSecond: number;
  tilesWithVideo: number;
}

export interface BrowserReceivers {
  readonly names: readonly string[];
  stats(): Promise<BrowserReceiverStats[]>;
  /** Frames decoded per video stream over a window of `windowMs`. */
  sample(windowMs: number): Promise<BrowserReceiverSample[]>;
  /** Chromium's own CPU time so far (all its processes), seconds. */
  cpuSeconds(): Promise<number>;
  close(): Promise<void>;
}

interface Receiver {
  name: string;
  context: BrowserContext;
  page: Page;
}

const DEFAULT_JOIN_TIMEOUT_MS = 60_000;
const KEEP_NAMES_HELPER = 'globalThis.__name ??= (target) => target;';

async function joinReceiver(
  browser: Browser,
  options: BrowserReceiverOptions,
  name: string,
): Promise<Receiver> {
  const context = await browser.newContext();
  // Run from tsx (as the load is), functions handed to the page carry calls to
  // esbuild's name-keeping helper, which the page lacks; a plain script gives it
  // one first (the recorder of connections declares a class, and would fail).
  await context.addInitScript({ content: KEEP_NAMES_HELPER });
  await refuseDevices(context, 'denied');
  await recordPeerConnections(context);
  if (options.pageSize !== undefined) {
    await context.addInitScript((size: string) => {
      localStorage.setItem('veche.pageSize', size);
    }, String(options.pageSize));
  }
  const page = await context.newPage();
  const timeout = options.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS;
  page.setDefaultTimeout(timeout);
  await page.goto(`${options.url.replace(/\/$/, '')}/r/${encodeURIComponent(options.room)}`);
  await page.getByTestId('display-name').fill(name);
  // Wait for the devices' answer (refused), so the join goes receive-only from the start.
  await page.getByTestId('prejoin-problem').waitFor();
  await page.getByTestId('join').click();
  await page.getByTestId('participant-count').waitFor();
  return { name, context, page };
}

export async function startBrowserReceivers(
  options: BrowserReceiverOptions,
): Promise<BrowserReceivers> {
  const size = options.pageSize;
  if (size !== undefined && !(Number.isInteger(size) && size >= 1 && size <= 49)) {
    throw new Error(`pageSize ${size}: the client takes 1 to 49 tiles per page`);
  }
  const before = chromiumChildren();
  const browser = await launchChromium();
  const root = [...chromiumChildren()].find((pid) => !before.has(pid));
  const receivers: Receiver[] = [];
  const close = async () => {
    await Promise.allSettled(receivers.map((r) => r.context.close()));
    await browser.close();
  };
  try {
    // One after another: a join costs the most CPU, and the machine is shared.
    for (let n = 1; n <= options.count; n += 1) {
      receivers.push(
        await joinReceiver(browser, options, `${options.namePrefix ?? 'browser'}-${n}`),
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  let lastCpu = 0;
  const stats = () =>
    Promise.all(
      receivers.map(async (r): Promise<BrowserReceiverStats> => ({
        name: r.name,
        ...(await readPageMedia(r.page)),
      })),
    );
  return {
    names: receivers.map((r) => r.name),
    stats,
    async sample(windowMs) {
      const first = await stats();
      const start = performance.now();
      await new Promise((resolve) => setTimeout(resolve, windowMs));
      const last = await stats();
      const seconds = (performance.now() - start) / 1000;
      return last.map((end, i) => rates(first[i]!, end, seconds));
    },
    async cpuSeconds() {
      // The tree is gone once closed: keep the last figure.
      if (root !== undefined) lastCpu = Math.max(lastCpu, treeCpuSeconds(root));
      return lastCpu;
    },
    close,
  };
}

function rates(
  start: BrowserReceiverStats,
  end: BrowserReceiverStats,
  seconds: number,
): BrowserReceiverSample {
  const before = new Map(start.inboundVideo.map((v) => [v.trackId, v]));
  const video: VideoRate[] = end.inboundVideo.flatMap((v) => {
    // A stream that began within the window counts from nothing.
    const framesDecoded = v.framesDecoded - (before.get(v.trackId)?.framesDecoded ?? 0);
    return [
      {
        ...(v.peer !== undefined ? { peer: v.peer } : {}),
        trackId: v.trackId,
        framesDecoded,
        framesDecodedPerSecond: Math.round((framesDecoded / seconds) * 10) / 10,
        ...(v.frameWidth !== undefined ? { frameWidth: v.frameWidth } : {}),
        ...(v.frameHeight !== undefined ? { frameHeight: v.frameHeight } : {}),
      },
    ];
  });
  const audioPackets = (s: BrowserReceiverStats) =>
    s.inboundAudio.reduce((sum, a) => sum + a.packetsReceived, 0);
  return {
    name: end.name,
    windowMs: Math.round(seconds * 1000),
    video,
    audioPacketsPerSecond: Math.round((audioPackets(end) - audioPackets(start)) / seconds),
    tilesWithVideo: end.tilesWithVideo,
  };
}
