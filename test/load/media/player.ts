// One bot's camera and microphone: the shared pre-packetized clip replayed on
// the bot's own clock. The player owns what a browser's RTP sender owns per
// stream (sequence numbers and RTP timestamps from random starts, VP8 picture
// id, TL0PICIDX and KEYIDX) and loops the clip forever, each layer restarting
// at its keyframe, so the SFU sees one continuous stream. The bot adds the RTP
// header (SSRC, payload type, extensions), encrypts and sends.
import type { Clip } from './clips.js';
import { packetizeClip, type PacketizedLayer, type StreamId } from './packetizedClip.js';
import { VIDEO_LAYERS, type VideoLayer } from './recipe.js';
import { vp8Payload } from './vp8Packetizer.js';

export interface PacketOut {
  readonly stream: StreamId;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  /** Video: the frame's last packet. Audio: the first packet after (re)starting. */
  readonly marker: boolean;
  /** A fresh buffer the caller owns (VP8 descriptor included for video). */
  readonly payload: Buffer;
  /** Audio only: the ssrc-audio-level value (RFC 6464), -dBov: 0 loud … 127 silent. */
  readonly audioLevel?: number;
  /** Video only: the packet belongs to a keyframe. */
  readonly keyframe?: boolean;
  /** When the packet's frame was due on the caller's clock (ms). */
  readonly dueMs: number;
}

export interface ClipPlayerOptions {
  /** Largest RTP payload (default 1,100 bytes: under the MTU with SRTP and extensions). */
  maxPayloadSize?: number;
  /** Random starts for sequence numbers, timestamps and picture ids (default Math.random). */
  random?: () => number;
  /** The clock time of the first frames (default: the first due() call's time). */
  startMs?: number;
  /** Video layers sending at the start (default all three). */
  layers?: readonly VideoLayer[];
  /** Whether the microphone sends at the start (default true). */
  audio?: boolean;
}

export interface StreamCounter {
  readonly stream: StreamId;
  readonly packets: number;
  /** RTP payload bytes. */
  readonly bytes: number;
}

export interface ClipPlayer {
  /** Every packet due up to `nowMs`, oldest first per stream; call it from the bot's timer. */
  due(nowMs: number): PacketOut[];
  /** The layer's next frame is a keyframe (what a browser's encoder does on a PLI or FIR). */
  requestKeyframe(layer: VideoLayer): void;
  /** Which video layers send; a layer turned back on starts with a keyframe. */
  setActive(layers: readonly VideoLayer[]): void;
  /** Microphone on or off (off sends nothing, like a muted producer that is paused). */
  setAudioActive(active: boolean): void;
  /** Packets and payload bytes sent so far, per stream. */
  sent(): StreamCounter[];
  /**
   * What an RTCP Sender Report for `stream` says at `nowMs` (the bot pairs it
   * with the NTP time of the same instant). mediasoup switches a consumer
   * between simulcast layers only once every layer has had a Sender Report.
   */
  senderInfo(stream: StreamId, nowMs: number): SenderInfo;
}

export interface SenderInfo {
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  /** Payload octets sent (RFC 3550's sender's octet count). */
  readonly octetCount: number;
}

/** Frames further behind than this are skipped, not burst out (a stalled encoder drops them). */
export const MAX_LATE_MS = 500;
const VIDEO_CLOCK = 90_000;
const AUDIO_CLOCK = 48_000;

interface Stream {
  readonly id: StreamId;
  /** Frames (or audio packets) per second. */
  readonly rate: number;
  /** RTP timestamp ticks per frame. */
  readonly step: number;
  readonly timestamp0: number;
  active: boolean;
  nextSlot: number;
  position: number;
  sequence: number;
  packets: number;
  bytes: number;
}

interface VideoStream extends Stream {
  readonly id: VideoLayer;
  readonly layer: PacketizedLayer;
  pictureId: number;
  tl0PicIdx: number;
  keyIdx: number;
  restart: boolean;
}

/** Slot numbers due by `elapsedMs`, dropping any more than MAX_LATE_MS late. */
function takeSlots(stream: Stream, elapsedMs: number): number[] {
  const last = Math.floor((elapsedMs * stream.rate) / 1000);
  if (last < stream.nextSlot) return [];
  const first = Math.max(stream.nextSlot, last - Math.floor((MAX_LATE_MS * stream.rate) / 1000));
  stream.nextSlot = last + 1;
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

export function createClipPlayer(clip: Clip, options: ClipPlayerOptions = {}): ClipPlayer {
  const packetized = packetizeClip(clip, options.maxPayloadSize);
  const random = options.random ?? Math.random;
  const draw = (range: number) => Math.floor(random() * range);
  const initial = new Set(options.layers ?? VIDEO_LAYERS);
  const stream = (id: StreamId, rate: number, clock: number, active: boolean): Stream => ({
    id,
    rate,
    step: clock / rate,
    timestamp0: draw(2 ** 32),
    active,
    nextSlot: 0,
    position: 0,
    sequence: draw(2 ** 16),
    packets: 0,
    bytes: 0,
  });
  const audioRate = 1000 / clip.audio.frameMs;
  const audio = { ...stream('audio', audioRate, AUDIO_CLOCK, options.audio ?? true), talk: true };
  const video = packetized.layers.map((layer, i): VideoStream => ({
    ...stream(i as VideoLayer, clip.fps, VIDEO_CLOCK, initial.has(i as VideoLayer)),
    id: i as VideoLayer,
    layer,
    pictureId: draw(0x8000),
    tl0PicIdx: draw(0x100),
    keyIdx: draw(0x20),
    restart: false,
  }));
  let startMs = options.startMs;

  const timestampOf = (s: Stream, slot: number) => (s.timestamp0 + slot * s.step) % 2 ** 32;
  const nextSequence = (s: Stream) => {
    const sequence = s.sequence;
    s.sequence = (sequence + 1) & 0xffff;
    return sequence;
  };

  function sendAudio(slot: number, out: PacketOut[]): void {
    const packet = clip.audio.packets[audio.position]!;
    out.push({
      stream: 'audio',
      sequenceNumber: nextSequence(audio),
      timestamp: timestampOf(audio, slot),
      marker: audio.talk,
      payload: Buffer.from(packet),
      audioLevel: clip.audio.levels[audio.position],
      dueMs: startMs! + (slot * 1000) / audio.rate,
    });
    audio.talk = false;
    audio.packets += 1;
    audio.bytes += packet.length;
    audio.position = (audio.position + 1) % clip.audio.packets.length;
  }

  function sendFrame(s: VideoStream, slot: number, out: PacketOut[]): void {
    if (s.restart) s.position = 0;
    s.restart = false;
    const frame = s.layer.frames[s.position]!;
    if (frame.keyframe) s.keyIdx = (s.keyIdx + 1) & 0x1f;
    const timestamp = timestampOf(s, slot);
    const dueMs = startMs! + (slot * 1000) / s.rate;
    frame.bodies.forEach((body, i) => {
      const fields = {
        start: i === 0,
        pictureId: s.pictureId,
        tl0PicIdx: s.tl0PicIdx,
        keyIdx: s.keyIdx,
      };
      const payload = vp8Payload(body, fields);
      const marker = i === frame.bodies.length - 1;
      const sequenceNumber = nextSequence(s);
      out.push({
        stream: s.id,
        sequenceNumber,
        timestamp,
        marker,
        payload,
        keyframe: frame.keyframe,
        dueMs,
      });
      s.packets += 1;
      s.bytes += payload.length;
    });
    s.pictureId = (s.pictureId + 1) & 0x7fff;
    s.tl0PicIdx = (s.tl0PicIdx + 1) & 0xff;
    s.position = (s.position + 1) % s.layer.frames.length;
  }

  return {
    due(nowMs) {
      startMs ??= nowMs;
      const elapsed = nowMs - startMs;
      const out: PacketOut[] = [];
      for (const slot of takeSlots(audio, elapsed)) if (audio.active) sendAudio(slot, out);
      for (const s of video) {
        for (const slot of takeSlots(s, elapsed)) if (s.active) sendFrame(s, slot, out);
      }
      return out;
    },
    requestKeyframe(layer) {
      const s = video[layer];
      if (s) s.restart = true;
    },
    setActive(layers) {
      const on = new Set(layers);
      for (const s of video) {
        const active = on.has(s.id);
        if (active && !s.active) s.restart = true;
        s.active = active;
      }
    },
    setAudioActive(active) {
      if (active && !audio.active) audio.talk = true;
      audio.active = active;
    },
    sent: () =>
      [audio, ...video].map((s) => ({ stream: s.id, packets: s.packets, bytes: s.bytes })),
    senderInfo(id, nowMs) {
      const s = id === 'audio' ? audio : video[id];
      if (!s) throw new Error(`no stream ${String(id)}`);
      const elapsed = nowMs - (startMs ?? nowMs);
      const ticks = Math.round((elapsed * s.rate * s.step) / 1000);
      return {
        rtpTimestamp: (((s.timestamp0 + ticks) % 2 ** 32) + 2 ** 32) % 2 ** 32,
        packetCount: s.packets,
        octetCount: s.bytes,
      };
    },
  };
}

/** Drives a player over simulated time, `stepMs` a tick: what a bot's timer would send. */
export function playFor(
  player: ClipPlayer,
  fromMs: number,
  durationMs: number,
  stepMs = 10,
): PacketOut[] {
  const out: PacketOut[] = [];
  for (let t = 0; t <= durationMs; t += stepMs) out.push(...player.due(fromMs + t));
  return out;
}
