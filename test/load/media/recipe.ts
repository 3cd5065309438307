// What the load bots send, as ffmpeg arguments: the camera as the web client
// sends it (web/src/media/simulcast.ts: three VP8 layers at 1/4, 1/2 and 1/1 of
// 1280x720, 150 kbps, 500 kbps and 1.2 Mbps, 30 fps) and a mono Opus
// microphone at ~32 kbps in 20 ms frames, as Chromium sends by default.

export interface VideoLayerSpec {
  readonly width: number;
  readonly height: number;
  /** Target bitrate in bits per second. */
  readonly bitrate: number;
}

/** A simulcast layer: 0 (quarter size), 1 (half), 2 (full). */
export type VideoLayer = 0 | 1 | 2;
export const VIDEO_LAYERS: readonly VideoLayer[] = [0, 1, 2];

export interface ClipRecipe {
  readonly seconds: number;
  readonly fps: number;
  /** The simulcast layers, lowest first. */
  readonly layers: readonly [VideoLayerSpec, VideoLayerSpec, VideoLayerSpec];
  readonly audio: {
    readonly sampleRate: number;
    readonly channels: number;
    readonly bitrate: number;
  };
  readonly frameMs: number;
}

/** Bump when the cached files change in a way their ffmpeg arguments do not show. */
export const RECIPE_VERSION = 1;

export const DEFAULT_RECIPE: ClipRecipe = {
  seconds: 10,
  fps: 30,
  layers: [
    { width: 320, height: 180, bitrate: 150_000 },
    { width: 640, height: 360, bitrate: 500_000 },
    { width: 1280, height: 720, bitrate: 1_200_000 },
  ],
  audio: { sampleRate: 48_000, channels: 1, bitrate: 32_000 },
  frameMs: 20,
};

export const videoFileName = (layer: number): string => `video-${layer}.ivf`;
export const AUDIO_FILE = 'audio.ogg';
/** The same signal as raw 16-bit PCM: the audio levels are measured from it. */
export const PCM_FILE = 'audio.s16le';

/**
 * Realtime-like VP8 as a browser encodes it: CBR at the target, no lookahead,
 * error resilient, one keyframe at the start (a looping player restarts there),
 * keyframes capped at 9x a frame's budget (libwebrtc's intra target at 30 fps).
 */
function vp8Output(spec: VideoLayerSpec, file: string): string[] {
  const rate = String(spec.bitrate);
  return [
    // One thread: libvpx's threads cost several times the CPU on a busy machine.
    ...['-c:v', 'libvpx', '-threads', '1', '-deadline', 'realtime', '-cpu-used', '16'],
    ...['-b:v', rate, '-minrate', rate, '-maxrate', rate, '-bufsize', rate],
    ...['-qmin', '4', '-qmax', '63', '-max-intra-rate', '900'],
    ...['-g', '100000', '-keyint_min', '100000', '-lag-in-frames', '0', '-error-resilient', '1'],
    ...['-f', 'ivf', file],
  ];
}

/** One ffmpeg run: a moving test pattern scaled to each layer. */
export function videoArgs(recipe: ClipRecipe, dir: string): string[] {
  const top = recipe.layers[2];
  const source = `testsrc2=size=${top.width}x${top.height}:rate=${recipe.fps}:duration=${recipe.seconds}`;
  const labels = recipe.layers.map((_, i) => `[v${i}]`);
  const scaled = recipe.layers.map(
    (spec, i) => `[s${i}]scale=${spec.width}:${spec.height}:flags=bilinear${labels[i]}`,
  );
  const filter = `[0:v]split=${recipe.layers.length}${recipe.layers.map((_, i) => `[s${i}]`).join('')};${scaled.join(';')}`;
  return [
    ...['-f', 'lavfi', '-i', source, '-filter_complex', filter],
    ...recipe.layers.flatMap((spec, i) => [
      '-map',
      labels[i]!,
      ...vp8Output(spec, `${dir}/${videoFileName(i)}`),
    ]),
  ];
}

/**
 * Speech-like sound: a voiced tone with gliding pitch and harmonics, syllables
 * at 4 Hz, phrases of 2.2 s with 0.9 s pauses, and faint room noise throughout.
 */
const SPEECH =
  '(0.45*sin(2*PI*(140+30*sin(2*PI*0.5*t))*t)+0.25*sin(2*PI*420*t)+0.12*sin(2*PI*1100*t)' +
  '+0.08*(random(0)-0.5))*(0.55+0.45*sin(2*PI*4*t))*lt(mod(t,3.1),2.2)' +
  '+0.002*(random(1)-0.5)';

export function audioArgs(recipe: ClipRecipe, dir: string): string[] {
  const { sampleRate, channels, bitrate } = recipe.audio;
  const layout = channels === 1 ? 'mono' : 'stereo';
  const expression = SPEECH.replaceAll(',', '\\,');
  const source = `aevalsrc=exprs=${expression}:sample_rate=${sampleRate}:channel_layout=${layout}:duration=${recipe.seconds}`;
  return [
    ...['-f', 'lavfi', '-i', source],
    ...['-c:a', 'libopus', '-b:a', String(bitrate), '-vbr', 'on', '-application', 'voip'],
    ...['-frame_duration', String(recipe.frameMs), '-f', 'ogg', `${dir}/${AUDIO_FILE}`],
    ...['-f', 's16le', '-ac', '1', `${dir}/${PCM_FILE}`],
  ];
}
