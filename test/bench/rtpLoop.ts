// Both ends of a benchmark's media path over plain UDP on loopback: a paced
// sender of pre-built Opus-like and VP8-like RTP (no encoder, no DTLS, so
// this process stays cheap next to the SFU it measures) and receivers that
// time each packet against the send time it carries (one clock: same process).
import { createSocket, type Socket } from 'node:dgram';
import {
  allocatePacket,
  OPUS_PAYLOAD_TYPE,
  readStamped,
  stampOpus,
  stampVp8,
  VP8_PAYLOAD_TYPE,
} from './rtpPackets.js';

export const AUDIO_PPS = 50;
export const VIDEO_FPS = 30;
export const PACKETS_PER_FRAME = 10;
export const VIDEO_PPS = VIDEO_FPS * PACKETS_PER_FRAME;
const AUDIO_BYTES = 120;
const VIDEO_BYTES = 1100;
/** Every half second, so a consumer created meanwhile starts soon (this sender reads no PLI). */
const KEY_FRAME_EVERY = VIDEO_FPS / 2;
const TICK_MS = 5;
/** After a stall longer than this the sender skips ahead instead of bursting to catch up. */
const MAX_CATCH_UP_MS = 100;
/** Packets are reused round-robin; dgram sends without copying, so a ring this deep is never in flight. */
const RING = 64;

export interface RtpSender {
  /** Packets sent so far, both streams. */
  sent(): number;
  close(): void;
}

export async function startRtpSender(
  port: number,
  ssrcs: { audio: number; video: number },
): Promise<RtpSender> {
  const socket = createSocket('udp4');
  // Replies (RTCP from the SFU) are read and dropped by having no listener.
  await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));
  const audioRing = Array.from({ length: RING }, () => allocatePacket(AUDIO_BYTES));
  const videoRing = Array.from({ length: RING }, () => allocatePacket(VIDEO_BYTES));
  let sent = 0;
  let audioSeq = 0;
  let videoSeq = 0;
  let frame = 0;
  let nextAudio = performance.now();
  let nextFrame = nextAudio;

  function sendAudio(): void {
    const packet = audioRing[audioSeq % RING]!;
    stampOpus(
      packet,
      {
        payloadType: OPUS_PAYLOAD_TYPE,
        ssrc: ssrcs.audio,
        sequence: audioSeq,
        timestamp: audioSeq * 960,
        marker: false,
      },
      performance.now(),
    );
    audioSeq++;
    sent++;
    socket.send(packet);
  }

  function sendFrame(): void {
    const keyFrame = frame % KEY_FRAME_EVERY === 0;
    for (let i = 0; i < PACKETS_PER_FRAME; i++) {
      const packet = videoRing[videoSeq % RING]!;
      stampVp8(
        packet,
        {
          payloadType: VP8_PAYLOAD_TYPE,
          ssrc: ssrcs.video,
          sequence: videoSeq,
          timestamp: frame * (90_000 / VIDEO_FPS),
          marker: i === PACKETS_PER_FRAME - 1,
        },
        { pictureId: frame & 0x7fff, tl0PicIdx: frame & 0xff, start: i === 0, keyFrame },
        performance.now(),
      );
      videoSeq++;
      sent++;
      socket.send(packet);
    }
    frame++;
  }

  const timer = setInterval(() => {
    const now = performance.now();
    if (now - nextAudio > MAX_CATCH_UP_MS) nextAudio = now;
    if (now - nextFrame > MAX_CATCH_UP_MS) nextFrame = now;
    for (; nextAudio <= now; nextAudio += 1000 / AUDIO_PPS) sendAudio();
    for (; nextFrame <= now; nextFrame += 1000 / VIDEO_FPS) sendFrame();
  }, TICK_MS);

  return {
    sent: () => sent,
    close() {
      clearInterval(timer);
      socket.close();
    },
  };
}

/**
 * What the receivers count while a measurement runs: packets sent at or after
 * `from` and before `to`, so a packet in flight at either edge is counted by
 * its send time, as the sender counts it.
 */
export class DeliveryWindow {
  from = Number.POSITIVE_INFINITY;
  to = Number.POSITIVE_INFINITY;
  delivered = 0;
  readonly latencyMs: number[] = [];

  record(sentAtMs: number, receivedAtMs: number): void {
    if (sentAtMs < this.from || sentAtMs >= this.to) return;
    this.delivered++;
    this.latencyMs.push(receivedAtMs - sentAtMs);
  }
}

export interface RtpReceiver {
  readonly port: number;
  /** SSRCs this receiver has had our packets from. */
  readonly streams: ReadonlySet<number>;
  close(): void;
}

export async function startRtpReceiver(window: DeliveryWindow): Promise<RtpReceiver> {
  const socket: Socket = createSocket('udp4');
  const streams = new Set<number>();
  socket.on('message', (packet) => {
    const receivedAt = performance.now();
    const stamped = readStamped(packet);
    if (!stamped) return;
    streams.add(stamped.ssrc);
    window.record(stamped.sentAtMs, receivedAt);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  // Bursts of a frame times N receivers: room for them (the kernel caps it at rmem_max).
  socket.setRecvBufferSize(1 << 22);
  return {
    port: socket.address().port,
    streams,
    close: () => socket.close(),
  };
}
