// What a publishing bot puts on the wire: the pre-encoded clip's Opus and
// three VP8 simulcast layers, each layer on an SSRC of its own (the producer's
// encodings name them, as a browser's simulcast does), SRTP-protected by the
// send transport's DTLS-SRTP session. It answers the SFU as a browser's
// sender does: a PLI or FIR restarts that layer at a key frame, a NACK
// resends the packets still held, and each stream sends a sender report about
// every second (the SFU needs them to switch a consumer between layers).
import {
  GenericNack,
  PictureLossIndication,
  RtcpPayloadSpecificFeedback,
  RtcpSenderInfo,
  RtcpSrPacket,
  RtcpTransportLayerFeedback,
  RtpHeader,
  type RTCDtlsTransport,
  type RtcpPacket,
  type types as mscTypes,
} from 'msc-node';
import type { ClipPlayer, PacketOut, StreamId } from './media/index.js';

export const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
/** Packets kept per stream for retransmission (about 2 s of the top layer). */
const HISTORY = 1024;
const SR_INTERVAL_MS = 1000;
/** The feedback message type of a full intra request (RFC 5104). */
const FIR_COUNT = 4;

export interface SendCounters {
  packets: number;
  bytes: number;
  keyframeRequests: number;
  retransmitted: number;
}

interface OutStream {
  readonly ssrc: number;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly midId: number | undefined;
  readonly mid: Buffer;
  readonly levelId: number | undefined;
  readonly history: (RtpHeader | undefined)[];
  readonly payloads: (Buffer | undefined)[];
  lastTimestamp: number;
  lastSentAt: number;
  packets: number;
  octets: number;
}

/** A fresh random SSRC (nonzero). */
export const newSsrc = (): number => 1 + Math.floor(Math.random() * 0xfffffffe);

/** The producer's encodings for three simulcast layers, one SSRC each, as the client asks for. */
export function simulcastEncodings(ssrcs: readonly number[]): mscTypes.RtpEncodingParameters[] {
  const bitrates = [150_000, 500_000, 1_200_000];
  return ssrcs.map((ssrc, i) => ({ ssrc, maxBitrate: bitrates[i], scalabilityMode: 'L1T1' }));
}

function outStream(producer: mscTypes.Producer, ssrc: number): OutStream {
  const params = producer.rtpParameters;
  const codec = params.codecs[0]!;
  const ext = (uri: string) => params.headerExtensions?.find((e) => e.uri === uri)?.id;
  return {
    ssrc,
    payloadType: codec.payloadType,
    clockRate: codec.clockRate,
    midId: ext(MID_URI),
    mid: Buffer.from(params.mid ?? ''),
    levelId: producer.kind === 'audio' ? ext(AUDIO_LEVEL_URI) : undefined,
    history: new Array<RtpHeader | undefined>(HISTORY),
    payloads: new Array<Buffer | undefined>(HISTORY),
    lastTimestamp: 0,
    lastSentAt: 0,
    packets: 0,
    octets: 0,
  };
}

/** NTP time now (64-bit fixed point, seconds since 1900). */
function ntpNow(): bigint {
  const ms = Date.now() + 2_208_988_800_000;
  const seconds = BigInt(Math.floor(ms / 1000));
  const fraction = BigInt(Math.floor(((ms % 1000) / 1000) * 2 ** 32));
  return (seconds << 32n) | fraction;
}

export interface Publisher {
  /** Sends the packets due by `nowMs` (performance.now()); the bot's fleet calls it on its timer. */
  pump(nowMs: number): void;
  readonly counters: SendCounters;
}

/**
 * Sends `player`'s streams through the transport of `mic` and `camera`
 * (produced with `ssrcs.audio` and the simulcast `ssrcs.video`).
 */
export function startPublisher(
  mic: mscTypes.Producer,
  camera: mscTypes.Producer,
  ssrcs: { audio: number; video: readonly number[] },
  player: ClipPlayer,
  /** Where to count what is sent (a bot keeps counting over rebuilds). */
  counters: SendCounters = { packets: 0, bytes: 0, keyframeRequests: 0, retransmitted: 0 },
): Publisher {
  const dtls = mic.rtpSender?.dtlsTransport as RTCDtlsTransport | undefined;
  if (!dtls) throw new Error('the producer has no DTLS transport');
  const streams = new Map<StreamId, OutStream>([['audio', outStream(mic, ssrcs.audio)]]);
  ssrcs.video.forEach((ssrc, layer) => streams.set(layer as StreamId, outStream(camera, ssrc)));
  const bySsrc = new Map([...streams].map(([name, s]) => [s.ssrc, { name, stream: s }]));

  function transmit(stream: OutStream, header: RtpHeader, payload: Buffer): void {
    counters.packets += 1;
    counters.bytes += payload.length;
    void dtls!.sendRtp(payload, header);
  }

  function send(packet: PacketOut, now: number): void {
    const stream = streams.get(packet.stream);
    if (!stream) return;
    const extensions: { id: number; payload: Buffer }[] = [];
    if (stream.midId !== undefined) extensions.push({ id: stream.midId, payload: stream.mid });
    if (stream.levelId !== undefined && packet.audioLevel !== undefined) {
      extensions.push({ id: stream.levelId, payload: Buffer.from([0x80 | packet.audioLevel]) });
    }
    const header = new RtpHeader({
      payloadType: stream.payloadType,
      sequenceNumber: packet.sequenceNumber,
      timestamp: packet.timestamp,
      ssrc: stream.ssrc,
      marker: packet.marker,
      extension: extensions.length > 0,
      extensions,
    });
    const slot = packet.sequenceNumber % HISTORY;
    stream.history[slot] = header;
    stream.payloads[slot] = packet.payload;
    stream.lastTimestamp = packet.timestamp;
    stream.lastSentAt = now;
    stream.packets += 1;
    stream.octets += packet.payload.length;
    transmit(stream, header, packet.payload);
  }

  function onFeedback(packet: RtcpPacket): void {
    if (packet instanceof RtcpPayloadSpecificFeedback) {
      const fb = packet.feedback;
      const ssrcs =
        fb instanceof PictureLossIndication
          ? [fb.mediaSsrc]
          : fb.count === FIR_COUNT
            ? ((fb as { fir?: { ssrc: number }[] }).fir ?? []).map((entry) => entry.ssrc)
            : [];
      for (const ssrc of ssrcs) {
        const target = bySsrc.get(ssrc);
        if (target && target.name !== 'audio') {
          counters.keyframeRequests += 1;
          player.requestKeyframe(target.name);
        }
      }
    } else if (packet instanceof RtcpTransportLayerFeedback) {
      const fb = packet.feedback;
      if (!(fb instanceof GenericNack)) return;
      const stream = bySsrc.get(fb.mediaSourceSsrc)?.stream;
      if (!stream) return;
      for (const seq of fb.lost) {
        const header = stream.history[seq % HISTORY];
        const payload = stream.payloads[seq % HISTORY];
        if (header && payload && header.sequenceNumber === seq) {
          counters.retransmitted += 1;
          transmit(stream, header, payload);
        }
      }
    }
  }

  // RTCP from the SFU reaches the transport's router; we read it on the way.
  const router = dtls.router;
  const route = router.routeRtcp;
  router.routeRtcp = (packet: RtcpPacket) => {
    onFeedback(packet);
    route(packet);
  };

  let lastReport = 0;
  function report(now: number): void {
    if (now - lastReport < SR_INTERVAL_MS) return;
    lastReport = now;
    const ntp = ntpNow();
    const packets = [...streams.values()]
      .filter((s) => s.packets > 0)
      .map(
        (s) =>
          new RtcpSrPacket({
            ssrc: s.ssrc,
            senderInfo: new RtcpSenderInfo({
              ntpTimestamp: ntp,
              rtpTimestamp:
                (s.lastTimestamp + Math.round(((now - s.lastSentAt) * s.clockRate) / 1000)) >>> 0,
              packetCount: s.packets >>> 0,
              octetCount: s.octets >>> 0,
            }),
          }),
      );
    if (packets.length > 0) void dtls!.sendRtcp(packets).catch(() => undefined);
  }

  return {
    counters,
    pump(nowMs) {
      for (const packet of player.due(nowMs)) send(packet, nowMs);
      report(nowMs);
    },
  };
}
