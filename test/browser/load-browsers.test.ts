// The load's Chromium receivers: with two load bots publishing the clip's
// camera (VP8 simulcast) and microphone, each real browser receiver shows
// both publishers' tiles with video, its getStats shows frames decoded going
// up for each of them at a size of one of the clip's simulcast layers, it
// hears them, and it publishes nothing (the room lists no producer of its).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../harness/client.js';
import { scrape } from '../harness/metrics.js';
import { waitFor } from '../harness/sfu.js';
import {
  startBrowserReceivers,
  type BrowserReceiverSample,
  type BrowserReceivers,
} from '../load/browsers.js';
import { startFleet, type Fleet } from '../load/fleet.js';
import { planBots } from '../load/plan.js';
import { waitForJoins } from '../load/run.js';
import { startOwnTarget, type LoadTarget } from '../load/target.js';

const PUBLISHERS = 2;
const RECEIVERS = 2;
/** The clip's simulcast layers (docs/load-media.md). */
const LAYER_SIZES = ['320x180', '640x360', '1280x720'];
/** Frames a decoding camera gives in a 3 s window, at the least, on a loaded machine. */
const MIN_FRAMES = 10;

describe('Chromium receivers of a load', () => {
  let target: LoadTarget;
  let fleet: Fleet;
  let receivers: BrowserReceivers;
  let publisherNames: string[];
  const roomPrefix = `browsers-${Date.now().toString(36)}`;
  const room = `${roomPrefix}-1`;

  beforeAll(async () => {
    target = await startOwnTarget({ mode: 'embedded', workers: 1 });
    fleet = await startFleet({ processes: 1 });
    const specs = planBots(
      {
        rooms: 1,
        publishers: PUBLISHERS,
        subscribers: 0,
        roomPrefix,
        tiles: { pageSize: 9, windowWidth: 1280 },
      },
      target,
    );
    publisherNames = specs.map((s) => s.displayName);
    fleet.start(specs, 500, 16);
    await waitForJoins(fleet, specs.length, 60_000, () => undefined);
    receivers = await startBrowserReceivers({ url: target.urls[0]!, room, count: RECEIVERS });
  }, 240_000);

  afterAll(async () => {
    await receivers?.close();
    await fleet?.stop();
    await target?.stop();
  }, 60_000);

  it("each receiver shows every publisher's camera and decodes it at a layer's size", async () => {
    await waitFor(
      async () => (await receivers.stats()).every((s) => s.tilesWithVideo === PUBLISHERS),
      "every receiver shows both publishers' video",
      60_000,
    );
    // Frames decoded over a 3 s window; right after the join a layer switch may
    // still hold a picture back until its keyframe, so windows are read until
    // every publisher's camera decodes (at 30 fps a window holds about 90).
    let samples: BrowserReceiverSample[] = [];
    const decodes = (sample: BrowserReceiverSample, name: string) =>
      (sample.video.find((v) => v.peer === name)?.framesDecoded ?? 0) > MIN_FRAMES;
    await waitFor(
      async () => {
        samples = await receivers.sample(3000);
        for (const { name, video, audioPacketsPerSecond } of samples) {
          const streams = video.map(
            (v) => `${v.peer}: ${v.framesDecodedPerSecond} fps ${v.frameWidth}x${v.frameHeight}`,
          );
          console.log(`${name}: ${streams.join(', ')}; audio ${audioPacketsPerSecond} packets/s`);
        }
        return samples.every((sample) => publisherNames.every((name) => decodes(sample, name)));
      },
      "every receiver decodes both publishers' cameras",
      60_000,
    );
    for (const sample of samples) {
      for (const name of publisherNames) {
        const stream = sample.video.find((v) => v.peer === name);
        expect(LAYER_SIZES).toContain(`${stream?.frameWidth}x${stream?.frameHeight}`);
      }
      expect(sample.audioPacketsPerSecond, `${sample.name} hears the publishers`).toBeGreaterThan(
        0,
      );
    }
    const cpu = await receivers.cpuSeconds();
    console.log(`Chromium CPU so far: ${cpu.toFixed(1)} s`);
    expect(cpu).toBeGreaterThan(0);
  });

  it('the receivers publish nothing', async () => {
    for (const stats of await receivers.stats()) expect(stats.packetsSent).toBe(0);
    // The SFU holds the publishers' microphones and cameras only.
    const metrics = target.metrics[0]!;
    const { scrape: s } = await scrape(metrics.url, metrics.token);
    expect(s?.value('veche_sfu_producers')).toBe(PUBLISHERS * 2);
    // And the room, as a newcomer sees it, lists no producer of theirs.
    const observer = await connectClient(target.urls[0]!);
    try {
      const joined = await observer.join(room, 'observer');
      const inRoom = joined.peers.filter((p) => receivers.names.includes(p.displayName));
      expect(inRoom.map((p) => p.displayName).sort()).toEqual([...receivers.names].sort());
      for (const peer of inRoom) expect(peer.producers).toEqual([]);
      const publishers = joined.peers.filter((p) => publisherNames.includes(p.displayName));
      for (const peer of publishers) expect(peer.producers).toHaveLength(2);
    } finally {
      observer.close();
    }
  });
});
