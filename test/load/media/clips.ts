// The load bots' media: small VP8 simulcast and Opus files that ffmpeg makes
// once into a cache folder keyed by the recipe and the ffmpeg version, parsed
// into frames and packets once per process. Pre-encoded, so a bot spends its
// CPU on sending packets, not on encoding video.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packetLevels } from './audioLevels.js';
import { cachedFolder } from './cache.js';
import { createFfmpeg, type Ffmpeg } from './ffmpeg.js';
import { parseIvf, type IvfFrame } from './ivf.js';
import { opusPacketDurationMs, parseOggOpus } from './ogg.js';
import {
  AUDIO_FILE,
  audioArgs,
  DEFAULT_RECIPE,
  PCM_FILE,
  RECIPE_VERSION,
  videoArgs,
  videoFileName,
  type ClipRecipe,
  type VideoLayerSpec,
} from './recipe.js';

export interface ClipOptions {
  /** Where generated files are kept (default: veche-load-media in the OS temp folder). */
  cacheDir?: string;
  ffmpeg?: Ffmpeg;
  recipe?: ClipRecipe;
}

export interface VideoLayerClip {
  readonly spec: VideoLayerSpec;
  /** Encoded frames in order; frame 0 is a keyframe. */
  readonly frames: readonly IvfFrame[];
}

export interface AudioClip {
  readonly sampleRate: number;
  readonly channels: number;
  readonly frameMs: number;
  readonly packets: readonly Buffer[];
  /** Per packet, the ssrc-audio-level value: -dBov, 0 (loud) to 127 (silence). */
  readonly levels: readonly number[];
}

export interface Clip {
  /** Names the recipe and ffmpeg version the files were made from. */
  readonly key: string;
  /** The folder holding the generated files (video-<layer>.ivf, audio.ogg). */
  readonly dir: string;
  readonly fps: number;
  readonly video: readonly VideoLayerClip[];
  readonly audio: AudioClip;
}

const GENERATION_TIMEOUT_MS = 180_000;

export const defaultCacheDir = (): string => join(tmpdir(), 'veche-load-media');

/** Names what the files are made from: the recipe, the exact ffmpeg arguments and ffmpeg itself. */
function clipKey(recipe: ClipRecipe, ffmpegVersion: string): string {
  const args = [videoArgs(recipe, '.'), audioArgs(recipe, '.')];
  const hash = createHash('sha256')
    .update(JSON.stringify({ version: RECIPE_VERSION, recipe, args, ffmpegVersion }))
    .digest('hex');
  return `clips-${hash.slice(0, 16)}`;
}

/** Makes the clip's files if they are not cached yet; the folder holding them. */
export async function generateClipFiles(options: ClipOptions = {}): Promise<string> {
  const ffmpeg = options.ffmpeg ?? createFfmpeg();
  const recipe = options.recipe ?? DEFAULT_RECIPE;
  const ffmpegVersion = await ffmpeg.version();
  const key = clipKey(recipe, ffmpegVersion);
  return cachedFolder(
    {
      root: options.cacheDir ?? defaultCacheDir(),
      key,
      describe: { recipeVersion: RECIPE_VERSION, recipe, ffmpeg: ffmpegVersion },
      timeoutMs: GENERATION_TIMEOUT_MS,
    },
    async (dir) => {
      await Promise.all([
        ffmpeg.run(videoArgs(recipe, dir), GENERATION_TIMEOUT_MS),
        ffmpeg.run(audioArgs(recipe, dir), GENERATION_TIMEOUT_MS),
      ]);
    },
  );
}

async function readVideoLayer(dir: string, layer: number, spec: VideoLayerSpec) {
  const ivf = parseIvf(await readFile(join(dir, videoFileName(layer))));
  if (ivf.width !== spec.width || ivf.height !== spec.height) {
    throw new Error(
      `layer ${layer} is ${ivf.width}x${ivf.height}, expected ${spec.width}x${spec.height}`,
    );
  }
  if (!ivf.frames[0]?.keyframe) throw new Error(`layer ${layer} does not start with a keyframe`);
  return { spec, frames: ivf.frames };
}

async function readAudio(dir: string, recipe: ClipRecipe): Promise<AudioClip> {
  const ogg = parseOggOpus(await readFile(join(dir, AUDIO_FILE)));
  const pcm = await readFile(join(dir, PCM_FILE));
  const wrong = ogg.packets.find((packet) => opusPacketDurationMs(packet) !== recipe.frameMs);
  if (wrong) throw new Error(`an Opus packet lasts ${opusPacketDurationMs(wrong)} ms`);
  const samplesPerPacket = (recipe.audio.sampleRate * recipe.frameMs) / 1000;
  return {
    sampleRate: recipe.audio.sampleRate,
    channels: ogg.head.channels,
    frameMs: recipe.frameMs,
    packets: ogg.packets,
    levels: packetLevels(pcm, ogg.packets.length, samplesPerPacket, ogg.head.preSkip),
  };
}

async function readClip(options: ClipOptions): Promise<Clip> {
  const recipe = options.recipe ?? DEFAULT_RECIPE;
  const dir = await generateClipFiles(options);
  const video = await Promise.all(
    recipe.layers.map((spec, layer) => readVideoLayer(dir, layer, spec)),
  );
  const key = dir.split(/[\\/]/).at(-1) ?? dir;
  return { key, dir, fps: recipe.fps, video, audio: await readAudio(dir, recipe) };
}

const loaded = new Map<string, Promise<Clip>>();

/**
 * The clip, generated if needed and read once per process: every player in the
 * process shares its frames and packets.
 */
export function loadClip(options: ClipOptions = {}): Promise<Clip> {
  const id = JSON.stringify([
    options.cacheDir ?? defaultCacheDir(),
    options.ffmpeg?.command ?? 'ffmpeg',
    options.recipe ?? DEFAULT_RECIPE,
  ]);
  let clip = loaded.get(id);
  if (!clip) {
    clip = readClip(options);
    loaded.set(id, clip);
    // A failed load (no ffmpeg yet) may be retried.
    clip.catch(() => loaded.delete(id));
  }
  return clip;
}
