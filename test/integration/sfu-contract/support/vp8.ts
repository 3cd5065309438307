// Synthetic VP8 over RTP for the contract's test peers: 16x16 frames with a
// full payload descriptor (picture id, TL0PICIDX, TID), as the SFU's VP8
// handling (simulcast switching, keyframe detection) reads them.
import { RtpHeader, RtpPacket } from 'msc-node';
import { VP8_PT } from '../../../harness/mscDevice.js';

export function vp8Packet(p: {
  ssrc: number;
  seq: number;
  picture: number;
  keyframe: boolean;
}): RtpPacket {
  const header = new RtpHeader({
    payloadType: VP8_PT,
    sequenceNumber: p.seq & 0xffff,
    timestamp: (p.picture * 3000) >>> 0,
    ssrc: p.ssrc,
    marker: true,
  });
  // Payload descriptor (start of partition 0, 15-bit picture id, TL0PICIDX,
  // TID 0), then the frame tag: bit 0 clear for a keyframe, which carries
  // the start code and a 16x16 size.
  const pictureId = p.picture & 0x7fff;
  const descriptor = [0x90, 0xe0, 0x80 | (pictureId >> 8), pictureId & 0xff, p.picture & 0xff, 0];
  const frame = p.keyframe
    ? [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x10, 0x00, 0x10, 0x00]
    : [0x11, 0x02, 0x00];
  return new RtpPacket(
    header,
    Buffer.from([...descriptor, ...frame, ...new Array<number>(60).fill(3)]),
  );
}

/** Whether a VP8 RTP payload starts a keyframe (RFC 7741: S=1, PID 0, P bit clear). */
export function isVp8Keyframe(payload: Buffer): boolean {
  const at = (i: number): number => payload[i] ?? 0;
  const first = at(0);
  if ((first & 0x10) === 0 || (first & 0x0f) !== 0) return false;
  let offset = 1;
  if (first & 0x80) {
    const x = at(offset++);
    if (x & 0x80) offset += at(offset) & 0x80 ? 2 : 1;
    if (x & 0x40) offset += 1;
    if (x & 0x30) offset += 1;
  }
  return offset < payload.length && (at(offset) & 0x01) === 0;
}
