// Reading VP8 RTP payloads back (RFC 7741): the descriptor's fields and the
// frames reassembled from S=1 to the marker bit. For checking what a sender
// (ours, or the SFU forwarding it) put on the wire.

export interface ParsedVp8Descriptor {
  readonly start: boolean;
  readonly partitionId: number;
  readonly nonReference: boolean;
  readonly pictureId?: number;
  /** True when the picture id uses the 15-bit form (M=1). */
  readonly longPictureId: boolean;
  readonly tl0PicIdx?: number;
  readonly temporalId?: number;
  readonly layerSync?: boolean;
  readonly keyIdx?: number;
  /** Bytes of descriptor before the VP8 data. */
  readonly size: number;
}

function need(payload: Buffer, size: number): void {
  if (payload.length < size) throw new Error('VP8 payload descriptor is truncated');
}

export function parseVp8Descriptor(payload: Buffer): ParsedVp8Descriptor {
  need(payload, 1);
  const first = payload[0]!;
  const base = {
    start: (first & 0x10) !== 0,
    partitionId: first & 0x07,
    nonReference: (first & 0x20) !== 0,
    longPictureId: false,
  };
  if ((first & 0x80) === 0) return { ...base, size: 1 };
  need(payload, 2);
  const flags = payload[1]!;
  let offset = 2;
  let pictureId: number | undefined;
  let longPictureId = false;
  if (flags & 0x80) {
    need(payload, offset + 1);
    longPictureId = (payload[offset]! & 0x80) !== 0;
    need(payload, offset + (longPictureId ? 2 : 1));
    pictureId = longPictureId ? payload.readUInt16BE(offset) & 0x7fff : payload[offset]! & 0x7f;
    offset += longPictureId ? 2 : 1;
  }
  let tl0PicIdx: number | undefined;
  if (flags & 0x40) {
    need(payload, offset + 1);
    tl0PicIdx = payload[offset]!;
    offset += 1;
  }
  const temporal = (flags & 0x20) !== 0;
  const key = (flags & 0x10) !== 0;
  let tidByte: number | undefined;
  if (temporal || key) {
    need(payload, offset + 1);
    tidByte = payload[offset]!;
    offset += 1;
  }
  return {
    ...base,
    longPictureId,
    pictureId,
    tl0PicIdx,
    temporalId: temporal && tidByte !== undefined ? tidByte >> 6 : undefined,
    layerSync: temporal && tidByte !== undefined ? (tidByte & 0x20) !== 0 : undefined,
    keyIdx: key && tidByte !== undefined ? tidByte & 0x1f : undefined,
    size: offset,
  };
}

export interface Vp8RtpPacket {
  readonly payload: Buffer;
  readonly marker: boolean;
}

/**
 * Frames from packets in sending order: a frame starts at S=1 with partition 0
 * and ends at the marker bit; an incomplete frame is dropped.
 */
export function depacketizeVp8(packets: Iterable<Vp8RtpPacket>): Buffer[] {
  const frames: Buffer[] = [];
  let parts: Buffer[] | undefined;
  for (const packet of packets) {
    const descriptor = parseVp8Descriptor(packet.payload);
    if (descriptor.start && descriptor.partitionId === 0) parts = [];
    parts?.push(packet.payload.subarray(descriptor.size));
    if (packet.marker && parts) {
      frames.push(Buffer.concat(parts));
      parts = undefined;
    }
  }
  return frames;
}
