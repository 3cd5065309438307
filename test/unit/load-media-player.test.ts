// A load bot's media on its own timer: the packet rates of a real camera and
// microphone, RTP numbering that never goes backwards, speech-like audio
// levels, Opus in 20 ms frames, and clips generated once however many ask.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClipFiles, loadClip, type Clip } from '../load/media/clips.js';
import { createFfmpeg, FFMPEG_MISSING, type Ffmpeg } from '../load/media/ffmpeg.js';
import { opusPacketDurationMs } from '../load/media/ogg.js';
import { createClipPlayer, MAX_LATE_MS, playFor, type PacketOut } from '../load/media/player.js';
import { createRandom } from '../harness/random.js';

const GENERATION_MS = 180_000;
const STREAMS = ['audio', 0, 1, 2] as const;

let clip: Clip;

beforeAll(async () => {
  clip = await loadClip();
}, GENERATION_MS);

/** b comes after a in 32-bit (timestamp) or 16-bit (sequence) serial arithmetic. */
const after = (a: number, b: number, bits: number) => {
  const diff = (b - a + 2 ** bits) % 2 ** bits;
  return diff > 0 && diff < 2 ** (bits - 1);
};

describe('load media: the player', () => {
  it('sends 30 frames per second per layer and 50 audio packets per second, numbered in order', () => {
    const player = createClipPlayer(clip, { random: createRandom(7).next });
    // 2 s of 10 ms ticks, the first at the start: frames due at 0, 1/30 … 2 s.
    const packets = playFor(player, 5_000, 2_000 - 1);
    for (const stream of STREAMS) {
      const own = packets.filter((p) => p.stream === stream);
      const timestamps = [...new Set(own.map((p) => p.timestamp))];
      expect(timestamps).toHaveLength(stream === 'audio' ? 100 : 60);
      timestamps.slice(1).forEach((t, i) => expect(after(timestamps[i]!, t, 32)).toBe(true));
      own
        .slice(1)
        .forEach((p, i) => expect(p.sequenceNumber).toBe((own[i]!.sequenceNumber + 1) & 0xffff));
      expect(Math.min(...own.map((p) => p.dueMs))).toBe(5_000);
    }
    const counted = player.sent().find((s) => s.stream === 'audio')!;
    expect(counted.packets).toBe(100);
  });

  it('starts every stream at its own random sequence number and timestamp', () => {
    const firsts = (seed: number) =>
      createClipPlayer(clip, { random: createRandom(seed).next })
        .due(0)
        .filter((p, i, all) => all.findIndex((q) => q.stream === p.stream) === i);
    const [a, b] = [firsts(1), firsts(2)];
    expect(a).toHaveLength(4);
    expect(new Set(a.map((p) => p.sequenceNumber)).size).toBe(4);
    expect(a.map((p) => p.timestamp)).not.toEqual(b.map((p) => p.timestamp));
  });

  it('tells a Sender Report the RTP time of any instant, as the packets carry it', () => {
    const player = createClipPlayer(clip);
    const packets = playFor(player, 1_000, 1_000);
    for (const stream of STREAMS) {
      const own = packets.filter((p) => p.stream === stream);
      const last = own.at(-1)!;
      const info = player.senderInfo(stream, last.dueMs);
      expect(info.rtpTimestamp).toBe(last.timestamp);
      expect(info.packetCount).toBe(own.length);
      expect(info.octetCount).toBe(own.reduce((sum, p) => sum + p.payload.length, 0));
    }
  });

  it('skips what a stalled timer missed instead of bursting it out', () => {
    const player = createClipPlayer(clip);
    player.due(0);
    const burst = player.due(3_000);
    const audio = burst.filter((p) => p.stream === 'audio');
    expect(audio.length).toBeLessThanOrEqual(MAX_LATE_MS / 20 + 1);
    // The RTP clock still says how much time passed.
    const first = player.due(3_020).find((p) => p.stream === 'audio')!;
    expect((first.timestamp - audio.at(-1)!.timestamp + 2 ** 32) % 2 ** 32).toBe(960);
  });

  it('sends Opus in 20 ms frames, mono like the client microphone, looping seamlessly', () => {
    expect(clip.audio.channels).toBe(1);
    expect(clip.audio.packets.every((p) => opusPacketDurationMs(p) === 20)).toBe(true);
    // TOC byte: s (stereo) bit clear on every packet.
    expect(clip.audio.packets.every((p) => (p[0]! & 0x04) === 0)).toBe(true);
    const loop = clip.audio.packets.length;
    const audio = playFor(createClipPlayer(clip), 0, (loop + 10) * 20 - 1).filter(
      (p: PacketOut) => p.stream === 'audio',
    );
    expect(audio).toHaveLength(loop + 10);
    expect(audio[loop]!.payload.equals(clip.audio.packets[0]!)).toBe(true);
    expect(audio[loop]!.timestamp).toBe((audio[0]!.timestamp + loop * 960) % 2 ** 32);
  });

  it('carries speech-like audio levels: loud phrases and quiet pauses', () => {
    const levels = clip.audio.levels;
    const loud = levels.filter((l) => l <= 30).length / levels.length;
    const quiet = levels.filter((l) => l >= 50).length / levels.length;
    expect(loud).toBeGreaterThan(0.4);
    expect(quiet).toBeGreaterThan(0.15);
    // A pause lasts long enough for an active-speaker observer to notice (≥ 0.5 s).
    let run = 0;
    let longest = 0;
    for (const level of levels) {
      run = level >= 50 ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    expect(longest * 20).toBeGreaterThanOrEqual(500);
    const sent = createClipPlayer(clip).due(0);
    expect(sent.find((p) => p.stream === 'audio')!.audioLevel).toBe(levels[0]);
  });
});

describe('load media: generating the clips', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'veche-load-media-cache-'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  /** An ffmpeg stand-in that writes its output files after a while, counting runs. */
  function fakeFfmpeg(): Ffmpeg & { runs: number } {
    const fake = {
      command: 'fake-ffmpeg',
      runs: 0,
      version: async () => 'fake-ffmpeg 1.0',
      async run(args: readonly string[]) {
        fake.runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 300));
        const outputs = args.filter((a) => /\.(ivf|ogg|s16le)$/.test(a));
        await Promise.all(outputs.map((file) => writeFile(file, 'media')));
      },
    };
    return fake;
  }

  it('generates once when several bots ask at the same time, leaving no partial folders', async () => {
    const ffmpeg = fakeFfmpeg();
    const cacheDir = join(scratch, 'concurrent');
    const dirs = await Promise.all([1, 2, 3].map(() => generateClipFiles({ cacheDir, ffmpeg })));
    expect(new Set(dirs).size).toBe(1);
    expect(ffmpeg.runs).toBe(2); // the video run and the audio run, once
    expect((await readdir(cacheDir)).filter((name) => !name.endsWith('.lock'))).toHaveLength(1);
    expect((await readdir(dirs[0]!)).sort()).toEqual([
      'audio.ogg',
      'audio.s16le',
      'manifest.json',
      'video-0.ivf',
      'video-1.ivf',
      'video-2.ivf',
    ]);
    await generateClipFiles({ cacheDir, ffmpeg });
    expect(ffmpeg.runs).toBe(2);
  });

  it('names ffmpeg when it is missing', async () => {
    const ffmpeg = createFfmpeg('veche-no-such-ffmpeg');
    await expect(loadClip({ cacheDir: join(scratch, 'missing'), ffmpeg })).rejects.toThrow(
      FFMPEG_MISSING,
    );
  });
});
