// The bots' receive path, made cheap enough that one core of bots can keep up
// with what a worker sends: a consumer's SRTP packets are counted from their
// clear RTP header (RFC 3550 statistics) instead of being decrypted and
// parsed into objects, and one packet in `verifyEvery` of each stream has its
// authentication tag checked with the DTLS-SRTP keys (every one with
// --verify-every 1). As a browser does, each receiver sends receiver reports
// about once a second (loss, jitter, last SR: the SFU's view of the path) and
// a NACK for the sequence numbers a gap skipped. RTCP and packets of streams
// not registered here take the WebRTC stack's own path. Every transport also
// keeps the SFU's consent to send (test/harness/iceConsent.ts).
import {
  GenericNack,
  isMedia,
  isRtcp,
  RTCDtlsTransport,
  RtcpPacketConverter,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtcpSrPacket,
  RtcpTransportLayerFeedback,
  RtpPacket,
  type RtcpPacket,
} from 'msc-node';
import { keepConsent } from '../harness/iceConsent.js';
import { RtpCounter } from './rtpCounter.js';
import { authentic, TAG_LENGTH, type SrtpKeys, type SrtpProfileKind } from './srtpCheck.js';

const REPORT_MS = 1000;
/** The DTLS-SRTP protection profile id of AEAD_AES_128_GCM (RFC 7714). */
const AEAD_AES_128_GCM = 0x0007;

export interface StreamSink {
  readonly counter: RtpCounter;
  readonly kind: 'audio' | 'video';
  verified: number;
  /** Packets whose authentication tag did not check out. */
  forged: number;
  /** Compact NTP of the last sender report, and when it came (performance.now()). */
  lastSr?: { compact: number; at: number };
}

interface Receiving {
  streams: Map<number, StreamSink>;
  rtcpSsrc: number;
}

const receiving = new Map<RTCDtlsTransport, Receiving>();
let verifyEvery = 16;
let installed = false;
let reporter: NodeJS.Timeout | undefined;

function profileKind(dtls: RTCDtlsTransport): SrtpProfileKind {
  const profile = (dtls.srtp as unknown as { remoteContext: { profile: number } }).remoteContext
    .profile;
  return profile === AEAD_AES_128_GCM ? 'aead-aes-128-gcm' : 'aes-cm-hmac-sha1-80';
}

function remoteKeys(dtls: RTCDtlsTransport): SrtpKeys {
  return (dtls.srtp as unknown as { remoteContext: { cipher: SrtpKeys } }).remoteContext.cipher;
}

function onRtp(dtls: RTCDtlsTransport, on: Receiving, sink: StreamSink, packet: Buffer): void {
  const { inOrder, missing } = sink.counter.add(packet, performance.now());
  if (inOrder && sink.counter.packets % verifyEvery === 1 % verifyEvery) {
    if (authentic(profileKind(dtls), remoteKeys(dtls), packet, sink.counter.rollover))
      sink.verified += 1;
    else sink.forged += 1;
  }
  if (missing.length > 0 && sink.kind === 'video') {
    const nack = new GenericNack({
      senderSsrc: on.rtcpSsrc,
      mediaSourceSsrc: packet.readUInt32BE(8),
      lost: missing,
    });
    void dtls.sendRtcp([new RtcpTransportLayerFeedback({ feedback: nack })]).catch(() => undefined);
  }
}

function onRtcp(on: Receiving | undefined, packets: RtcpPacket[]): void {
  if (!on) return;
  for (const packet of packets) {
    if (!(packet instanceof RtcpSrPacket)) continue;
    const sink = on.streams.get(packet.ssrc);
    // The middle 32 bits of the NTP timestamp (RFC 3550 6.4.1).
    const ntp = packet.senderInfo.ntpTimestamp;
    if (sink) sink.lastSr = { compact: Number((ntp >> 16n) & 0xffffffffn), at: performance.now() };
  }
}

function report(): void {
  const now = performance.now();
  for (const [dtls, on] of receiving) {
    const reports = [...on.streams].flatMap(([ssrc, sink]) => {
      if (sink.counter.packets === 0) return [];
      const { fractionLost, packetsLost } = sink.counter.report();
      return [
        new RtcpReceiverInfo({
          ssrc,
          fractionLost,
          packetsLost,
          highestSequence: sink.counter.extendedMax >>> 0,
          jitter: Math.round(sink.counter.jitter) >>> 0,
          lsr: sink.lastSr?.compact ?? 0,
          dlsr: sink.lastSr ? Math.round(((now - sink.lastSr.at) / 1000) * 65536) >>> 0 : 0,
        }),
      ];
    });
    const packets: RtcpRrPacket[] = [];
    for (let i = 0; i < reports.length; i += 31) {
      packets.push(new RtcpRrPacket({ ssrc: on.rtcpSsrc, reports: reports.slice(i, i + 31) }));
    }
    if (packets.length > 0) void dtls.sendRtcp(packets).catch(() => undefined);
  }
}

/** Replaces the WebRTC stack's SRTP receive loop in this process (once). */
export function installFastReceive(options: { verifyEvery: number }): void {
  verifyEvery = Math.max(1, Math.floor(options.verifyEvery));
  if (installed) return;
  installed = true;
  const proto = RTCDtlsTransport.prototype as unknown as {
    startSrtp(this: RTCDtlsTransport & { srtpStarted: boolean; updateSrtpSession(): void }): void;
  };
  proto.startSrtp = function startSrtp() {
    if (this.srtpStarted) return;
    this.srtpStarted = true;
    this.updateSrtpSession();
    keepConsent(this.iceTransport.connection);
    this.iceTransport.connection.onData.subscribe((data: Buffer) => {
      if (!isMedia(data)) return;
      if (isRtcp(data)) {
        const rtcps = RtcpPacketConverter.deSerialize(this.srtcp.decrypt(data));
        onRtcp(receiving.get(this), rtcps);
        for (const rtcp of rtcps) this.router.routeRtcp(rtcp);
        return;
      }
      const on = receiving.get(this);
      const sink = on?.streams.get(data.readUInt32BE(8));
      if (on && sink) {
        onRtp(this, on, sink, data);
        return;
      }
      try {
        this.router.routeRtp(RtpPacket.deSerialize(this.srtp.decrypt(data)));
      } catch {
        // As the stack does: a packet it cannot route is dropped.
      }
    });
  };
  reporter = setInterval(report, REPORT_MS);
  reporter.unref();
}

/** Counts the stream `ssrc` arriving on `dtls` from now on. */
export function receiveStream(
  dtls: RTCDtlsTransport,
  ssrc: number,
  kind: 'audio' | 'video',
  clockRate: number,
): StreamSink {
  let on = receiving.get(dtls);
  if (!on) {
    on = { streams: new Map(), rtcpSsrc: 1 + Math.floor(Math.random() * 0xfffffffe) };
    receiving.set(dtls, on);
  }
  const tag = dtls.srtp ? TAG_LENGTH[profileKind(dtls)] : 10;
  const sink: StreamSink = {
    counter: new RtpCounter(clockRate, tag),
    kind,
    verified: 0,
    forged: 0,
  };
  on.streams.set(ssrc, sink);
  return sink;
}

/** Stops counting a stream (its consumer closed); forgets the transport with its last stream. */
export function stopStream(dtls: RTCDtlsTransport, ssrc: number): void {
  const on = receiving.get(dtls);
  on?.streams.delete(ssrc);
  if (on && on.streams.size === 0) receiving.delete(dtls);
}
