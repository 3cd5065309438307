// Synthetic RTP for benchmarks that feed a mediasoup PlainTransport directly:
// Opus-like and VP8-like packets whose payload ends in a trailer (a marker and
// the send time), so a receiver on the same machine reads each packet's
// one-way latency. The SFU forwards payloads untouched (it rewrites only
// headers and, for VP8, picture ids in place), so the trailer arrives intact.

const RTP_HEADER = 12;
/** Marks our trailer, so RTCP and any packet the SFU makes itself are not counted. */
const TRAILER_MARK = 0x76656368;
const TRAILER = 12;

export const OPUS_PAYLOAD_TYPE = 111;
export const VP8_PAYLOAD_TYPE = 96;

export interface RtpFields {
  payloadType: number;
  ssrc: number;
  sequence: number;
  timestamp: number;
  marker: boolean;
}

function writeHeader(packet: Buffer, fields: RtpFields): void {
  packet[0] = 0x80; // version 2, no padding, no extension, no CSRC
  packet[1] = (fields.marker ? 0x80 : 0) | fields.payloadType;
  packet.writeUInt16BE(fields.sequence & 0xffff, 2);
  packet.writeUInt32BE(fields.timestamp >>> 0, 4);
  packet.writeUInt32BE(fields.ssrc >>> 0, 8);
}

/** A packet of `size` bytes (header included) with the trailer's marker set. */
export function allocatePacket(size: number): Buffer {
  const packet = Buffer.alloc(size, 0x55);
  packet.writeUInt32BE(TRAILER_MARK, size - TRAILER);
  return packet;
}

/** Stamps an Opus-like packet (an opaque payload is all Opus needs). */
export function stampOpus(packet: Buffer, fields: RtpFields, sentAtMs: number): void {
  writeHeader(packet, fields);
  packet.writeDoubleBE(sentAtMs, packet.length - TRAILER + 4);
}

export interface Vp8Picture {
  /** 15-bit picture id (the two-byte form, which the SFU keeps as is). */
  pictureId: number;
  tl0PicIdx: number;
  /** First packet of a frame (VP8 "S" bit, partition 0). */
  start: boolean;
  keyFrame: boolean;
}

/**
 * Stamps a VP8-like packet. The SFU forwards synthetic VP8 only with a full
 * payload descriptor (picture id and TL0PICIDX), and a consumer starts only
 * on a key frame: the VP8 payload header's P bit clear in a frame's first
 * packet.
 */
export function stampVp8(
  packet: Buffer,
  fields: RtpFields,
  picture: Vp8Picture,
  sentAtMs: number,
): void {
  writeHeader(packet, fields);
  let at = RTP_HEADER;
  packet[at++] = 0x80 | (picture.start ? 0x10 : 0); // X, S, partition 0
  packet[at++] = 0xc0; // I (picture id) and L (TL0PICIDX) present
  packet[at++] = 0x80 | ((picture.pictureId >> 8) & 0x7f); // M: two-byte picture id
  packet[at++] = picture.pictureId & 0xff;
  packet[at++] = picture.tl0PicIdx & 0xff;
  packet[at] = picture.keyFrame ? 0x10 : 0x11; // show_frame; P clear on a key frame
  packet.writeDoubleBE(sentAtMs, packet.length - TRAILER + 4);
}

export interface ReceivedRtp {
  ssrc: number;
  sentAtMs: number;
}

/** The SSRC and send time of one of our packets; undefined for anything else (RTCP, probes). */
export function readStamped(packet: Buffer): ReceivedRtp | undefined {
  if (packet.length < RTP_HEADER + TRAILER || packet[0]! >> 6 !== 2) return undefined;
  // RTCP shares the port (rtcp-mux): its packet types 192–223 sit where RTP has M+PT.
  const type = packet[1]!;
  if (type >= 192 && type <= 223) return undefined;
  if (packet[0]! & 0x20) return undefined; // padding: not one of ours
  if (packet.readUInt32BE(packet.length - TRAILER) !== TRAILER_MARK) return undefined;
  return {
    ssrc: packet.readUInt32BE(8),
    sentAtMs: packet.readDoubleBE(packet.length - TRAILER + 4),
  };
}

/**
 * The SSRC of an RTP packet read from its header alone, which SRTP leaves in
 * the clear; undefined for RTCP and for padding-only packets the SFU makes.
 */
export function clearRtpSsrc(packet: Buffer): number | undefined {
  if (packet.length < RTP_HEADER || packet[0]! >> 6 !== 2) return undefined;
  const type = packet[1]!;
  if (type >= 192 && type <= 223) return undefined; // RTCP (rtcp-mux)
  if (packet[0]! & 0x20) return undefined; // padding: a probe, not media
  return packet.readUInt32BE(8);
}
