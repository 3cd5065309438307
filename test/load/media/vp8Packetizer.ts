// VP8 over RTP (RFC 7741) as Chromium sends a simulcast layer: every packet
// starts with a 6-byte payload descriptor carrying a 15-bit picture id,
// TL0PICIDX and the temporal layer index. mediasoup's SimulcastConsumer needs
// them: it spots keyframes by S=1, PID=0 and the frame tag's P bit, and
// rewrites picture id and TL0PICIDX (both must be present) to keep them
// continuous when it switches a consumer between layers.
//
// A frame is split once into bodies of balanced size (like libwebrtc), which
// every sender shares; only the descriptor is written per packet.

export const DEFAULT_MAX_PAYLOAD_SIZE = 1100;
export const VP8_DESCRIPTOR_SIZE = 6;

export interface Vp8Descriptor {
  /** S: the first packet of a frame (partition 0 is always the one here). */
  start: boolean;
  /** 15-bit picture id, one per frame. */
  pictureId: number;
  /** TL0PICIDX: counts temporal-layer-0 frames (every frame here). */
  tl0PicIdx: number;
  /** KEYIDX: counts keyframes (5 bits). */
  keyIdx: number;
}

/** Writes X=1, S, PID=0; I, L, T, K; M=1 + picture id; TL0PICIDX; TID=0, Y=1, KEYIDX. */
export function writeVp8Descriptor(target: Buffer, fields: Vp8Descriptor): void {
  target[0] = 0x80 | (fields.start ? 0x10 : 0);
  target[1] = 0xf0;
  target.writeUInt16BE(0x8000 | (fields.pictureId & 0x7fff), 2);
  target[4] = fields.tl0PicIdx & 0xff;
  target[5] = 0x20 | (fields.keyIdx & 0x1f);
}

export interface PacketizedFrame {
  readonly keyframe: boolean;
  /** The frame cut into RTP payload bodies (views of the frame, no copies). */
  readonly bodies: readonly Buffer[];
}

/** Splits a frame into as few bodies as fit `maxPayloadSize` with the descriptor, sizes balanced. */
export function splitVp8Frame(
  frame: Buffer,
  keyframe: boolean,
  maxPayloadSize = DEFAULT_MAX_PAYLOAD_SIZE,
): PacketizedFrame {
  const room = maxPayloadSize - VP8_DESCRIPTOR_SIZE;
  if (room < 1) throw new Error(`max payload size ${maxPayloadSize} leaves no room for VP8 data`);
  if (frame.length === 0) throw new Error('an empty VP8 frame cannot be sent');
  const count = Math.ceil(frame.length / room);
  const base = Math.floor(frame.length / count);
  const longer = frame.length % count; // the first `longer` bodies get one byte more
  const bodies: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < count; i += 1) {
    const size = base + (i < longer ? 1 : 0);
    bodies.push(frame.subarray(offset, offset + size));
    offset += size;
  }
  return { keyframe, bodies };
}

/** A fresh payload: the descriptor, then a copy of the body (the caller owns it). */
export function vp8Payload(body: Buffer, fields: Vp8Descriptor): Buffer {
  const payload = Buffer.allocUnsafe(VP8_DESCRIPTOR_SIZE + body.length);
  writeVp8Descriptor(payload, fields);
  body.copy(payload, VP8_DESCRIPTOR_SIZE);
  return payload;
}
