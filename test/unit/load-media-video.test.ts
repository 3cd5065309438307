// The load bots' camera: three VP8 simulcast layers generated with ffmpeg,
// sent as RFC 7741 packets that a decoder (and mediasoup's layer switching)
// accepts, at the client's bitrates.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClip, type Clip } from '../load/media/clips.js';
import { writeIvf } from '../load/media/ivf.js';
import { summarizeClip } from '../load/media/packetizedClip.js';
import { createClipPlayer, playFor, type PacketOut } from '../load/media/player.js';
import { VIDEO_LAYERS, type VideoLayer } from '../load/media/recipe.js';
import { depacketizeVp8, parseVp8Descriptor } from '../load/media/vp8Depacketizer.js';

const run = promisify(execFile);
const GENERATION_MS = 180_000;
const FRAME_MS = 1000 / 30;

let clip: Clip;
let scratch: string;

beforeAll(async () => {
  clip = await loadClip();
  scratch = await mkdtemp(join(tmpdir(), 'veche-load-media-test-'));
}, GENERATION_MS);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const ofLayer = (packets: PacketOut[], layer: VideoLayer) =>
  packets.filter((p) => p.stream === layer);

/** mediasoup's keyframe test: S=1, partition 0, and the VP8 frame tag's P bit clear. */
function seenAsKeyframe(packet: PacketOut): boolean {
  const d = parseVp8Descriptor(packet.payload);
  const tag = packet.payload[d.size];
  return d.start && d.partitionId === 0 && tag !== undefined && (tag & 1) === 0;
}

/** The first packet of each frame, in order. */
const frameStarts = (packets: PacketOut[]) =>
  packets.filter((p) => parseVp8Descriptor(p.payload).start);

describe('load media: VP8 simulcast', () => {
  it('each layer, packetized and reassembled, decodes with ffmpeg without errors', async () => {
    const player = createClipPlayer(clip);
    const seconds = clip.video[0]!.frames.length / clip.fps;
    // One whole loop: frames due at 0 … (n-1)/fps seconds.
    const packets = playFor(player, 0, seconds * 1000 - FRAME_MS / 2);
    for (const layer of VIDEO_LAYERS) {
      const source = clip.video[layer]!;
      const frames = depacketizeVp8(ofLayer(packets, layer));
      expect(frames).toHaveLength(source.frames.length);
      expect(frames.every((frame, i) => frame.equals(source.frames[i]!.data))).toBe(true);
      const file = join(scratch, `layer-${layer}.ivf`);
      await writeFile(file, writeIvf(frames, { ...source.spec, fps: clip.fps }));
      const decoded = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'framecrc', '-']);
      expect(decoded.stderr).toBe('');
      const lines = decoded.stdout.split('\n').filter((l) => l && !l.startsWith('#'));
      expect(lines).toHaveLength(source.frames.length);
    }
  }, 60_000);

  it('sends each layer near the client simulcast bitrates, in payloads that fit the MTU', () => {
    const summaries = summarizeClip(clip);
    for (const layer of VIDEO_LAYERS) {
      const summary = summaries.find((s) => s.stream === layer)!;
      expect(summary.bitrate).toBeGreaterThan(summary.targetBitrate! * 0.5);
      expect(summary.bitrate).toBeLessThan(summary.targetBitrate! * 2);
    }
    const packets = playFor(createClipPlayer(clip), 0, 2000);
    expect(Math.max(...packets.map((p) => p.payload.length))).toBeLessThanOrEqual(1100);
  });

  it('numbers frames as Chromium does, continuing across loops of the clip', () => {
    const frames = clip.video[0]!.frames.length;
    // A loop and a third: the clip restarts at its keyframe once.
    const packets = ofLayer(playFor(createClipPlayer(clip), 0, (frames * 4 * FRAME_MS) / 3), 0);
    const starts = frameStarts(packets);
    expect(starts.length).toBeGreaterThan(frames);
    const first = parseVp8Descriptor(starts[0]!.payload);
    starts.forEach((packet, i) => {
      const d = parseVp8Descriptor(packet.payload);
      expect(d.longPictureId).toBe(true);
      expect(d.pictureId).toBe((first.pictureId! + i) & 0x7fff);
      expect(d.tl0PicIdx).toBe((first.tl0PicIdx! + i) & 0xff);
      expect([d.temporalId, d.layerSync]).toEqual([0, true]);
      expect(packet.timestamp).toBe((starts[0]!.timestamp + i * 3000) % 2 ** 32);
      expect(seenAsKeyframe(packet)).toBe(i % frames === 0);
    });
    // S only on a frame's first packet, the marker only on its last.
    packets.forEach((packet, i) => {
      const next = packets[i + 1];
      expect(packet.marker).toBe(!next || parseVp8Descriptor(next.payload).start);
    });
    const keyIdx = starts.map((p) => parseVp8Descriptor(p.payload).keyIdx);
    expect(keyIdx[frames]).toBe((keyIdx[0]! + 1) & 0x1f);
  });

  it('answers a keyframe request on the next frame of that layer only', () => {
    const player = createClipPlayer(clip);
    playFor(player, 0, 1000);
    player.requestKeyframe(1);
    const next = playFor(player, 1001, 2 * FRAME_MS);
    const firstFrame = (layer: VideoLayer) => frameStarts(ofLayer(next, layer))[0]!;
    expect(seenAsKeyframe(firstFrame(1))).toBe(true);
    expect(seenAsKeyframe(firstFrame(0))).toBe(false);
    expect(seenAsKeyframe(firstFrame(2))).toBe(false);
  });

  it('stops a layer that is turned off and restarts it at a keyframe', () => {
    const player = createClipPlayer(clip, { layers: [0, 1] });
    expect(ofLayer(playFor(player, 0, 1000), 2)).toHaveLength(0);
    player.setActive([0, 1, 2]);
    const back = frameStarts(ofLayer(playFor(player, 1001, 500), 2));
    expect(back.length).toBeGreaterThan(10);
    expect(back.map(seenAsKeyframe)).toEqual(back.map((_, i) => i === 0));
  });
});
