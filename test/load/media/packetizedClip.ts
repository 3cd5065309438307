// The whole clip cut into RTP payload bodies once per process and payload
// size, shared by every player, plus what each stream costs on the wire.
import type { Clip } from './clips.js';
import type { VideoLayer, VideoLayerSpec } from './recipe.js';
import {
  DEFAULT_MAX_PAYLOAD_SIZE,
  splitVp8Frame,
  VP8_DESCRIPTOR_SIZE,
  type PacketizedFrame,
} from './vp8Packetizer.js';

export interface PacketizedLayer {
  readonly spec: VideoLayerSpec;
  readonly frames: readonly PacketizedFrame[];
}

export interface PacketizedClip {
  readonly clip: Clip;
  readonly maxPayloadSize: number;
  readonly layers: readonly PacketizedLayer[];
}

const cache = new WeakMap<Clip, Map<number, PacketizedClip>>();

export function packetizeClip(
  clip: Clip,
  maxPayloadSize = DEFAULT_MAX_PAYLOAD_SIZE,
): PacketizedClip {
  let bySize = cache.get(clip);
  if (!bySize) {
    bySize = new Map();
    cache.set(clip, bySize);
  }
  let packetized = bySize.get(maxPayloadSize);
  if (!packetized) {
    packetized = {
      clip,
      maxPayloadSize,
      layers: clip.video.map((layer) => ({
        spec: layer.spec,
        frames: layer.frames.map((frame) =>
          splitVp8Frame(frame.data, frame.keyframe, maxPayloadSize),
        ),
      })),
    };
    bySize.set(maxPayloadSize, packetized);
  }
  return packetized;
}

/** What a packet belongs to: the audio stream or a video layer's stream. */
export type StreamId = 'audio' | VideoLayer;

export interface StreamSummary {
  readonly stream: StreamId;
  /** Video only: the layer's size and target bitrate. */
  readonly width?: number;
  readonly height?: number;
  readonly targetBitrate?: number;
  /** Frames (video) or packets (audio) in one loop of the clip. */
  readonly frames: number;
  readonly packetsPerSecond: number;
  /** RTP payload bits per second (VP8 descriptors included, RTP headers not). */
  readonly bitrate: number;
  /** Video only: the size of the loop's first (key) frame in bytes. */
  readonly keyframeBytes?: number;
}

/** What each stream sends per second while the clip loops. */
export function summarizeClip(
  clip: Clip,
  maxPayloadSize = DEFAULT_MAX_PAYLOAD_SIZE,
): StreamSummary[] {
  const video = packetizeClip(clip, maxPayloadSize).layers.map((layer, i): StreamSummary => {
    const seconds = layer.frames.length / clip.fps;
    const packets = layer.frames.reduce((sum, frame) => sum + frame.bodies.length, 0);
    const bytes = layer.frames.reduce(
      (sum, frame) =>
        sum + frame.bodies.reduce((n, body) => n + body.length + VP8_DESCRIPTOR_SIZE, 0),
      0,
    );
    return {
      stream: i as VideoLayer,
      width: layer.spec.width,
      height: layer.spec.height,
      targetBitrate: layer.spec.bitrate,
      frames: layer.frames.length,
      packetsPerSecond: packets / seconds,
      bitrate: (bytes * 8) / seconds,
      keyframeBytes: clip.video[i]!.frames[0]!.data.length,
    };
  });
  const { packets, frameMs } = clip.audio;
  const seconds = (packets.length * frameMs) / 1000;
  const audioBytes = packets.reduce((sum, packet) => sum + packet.length, 0);
  return [
    ...video,
    {
      stream: 'audio',
      frames: packets.length,
      packetsPerSecond: packets.length / seconds,
      bitrate: (audioBytes * 8) / seconds,
    },
  ];
}
