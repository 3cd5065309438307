// The load bots' media, for the bot code: load the clip once, make a player
// per bot, drive it from the bot's timer.
export { defaultCacheDir, generateClipFiles, loadClip } from './clips.js';
export type { AudioClip, Clip, ClipOptions, VideoLayerClip } from './clips.js';
export { FFMPEG_MISSING, createFfmpeg } from './ffmpeg.js';
export type { Ffmpeg } from './ffmpeg.js';
export { packetizeClip, summarizeClip } from './packetizedClip.js';
export type { PacketizedClip, StreamId, StreamSummary } from './packetizedClip.js';
export { MAX_LATE_MS, createClipPlayer, playFor } from './player.js';
export type {
  ClipPlayer,
  ClipPlayerOptions,
  PacketOut,
  SenderInfo,
  StreamCounter,
} from './player.js';
export { DEFAULT_RECIPE, VIDEO_LAYERS } from './recipe.js';
export type { ClipRecipe, VideoLayer, VideoLayerSpec } from './recipe.js';
export { opusPacketDurationMs } from './ogg.js';
export { DEFAULT_MAX_PAYLOAD_SIZE } from './vp8Packetizer.js';
export { depacketizeVp8, parseVp8Descriptor } from './vp8Depacketizer.js';
export type { ParsedVp8Descriptor } from './vp8Depacketizer.js';
