// Authenticates an SRTP packet with the session keys DTLS-SRTP derived for
// the remote side (RFC 3711 for AES_CM_128_HMAC_SHA1_80, RFC 7714 for
// AEAD_AES_128_GCM): a bot checks that what it counts is the SFU's genuine,
// protected media. (The WebRTC stack the bots use decrypts without checking
// the tag; this check is ours.)
import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { payloadOffset } from './rtpCounter.js';

/** The remote context's keys as werift derives them (its cipher object). */
export interface SrtpKeys {
  srtpSessionKey: Buffer;
  srtpSessionSalt: Buffer;
  /** The HMAC key (AES-CM profiles only). */
  srtpSessionAuthTag?: Buffer;
}

export type SrtpProfileKind = 'aes-cm-hmac-sha1-80' | 'aead-aes-128-gcm';

export const TAG_LENGTH: Record<SrtpProfileKind, number> = {
  'aes-cm-hmac-sha1-80': 10,
  'aead-aes-128-gcm': 16,
};

/** The GCM initialization vector (RFC 7714 8.1): 0x0000 | SSRC | ROC | SEQ, XOR the salt. */
function gcmIv(salt: Buffer, ssrc: number, roc: number, seq: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(ssrc, 2);
  iv.writeUInt32BE(roc >>> 0, 6);
  iv.writeUInt16BE(seq, 10);
  for (let i = 0; i < 12; i += 1) iv[i]! ^= salt[i]!;
  return iv;
}

/** Whether `packet` (with rollover counter `roc`) carries a valid authentication tag. */
export function authentic(
  kind: SrtpProfileKind,
  keys: SrtpKeys,
  packet: Buffer,
  roc: number,
): boolean {
  const tagLength = TAG_LENGTH[kind];
  if (packet.length < 12 + tagLength) return false;
  const body = packet.subarray(0, packet.length - tagLength);
  const tag = packet.subarray(packet.length - tagLength);
  if (kind === 'aes-cm-hmac-sha1-80') {
    if (!keys.srtpSessionAuthTag) return false;
    const rocBytes = Buffer.alloc(4);
    rocBytes.writeUInt32BE(roc >>> 0);
    const mac = createHmac('sha1', keys.srtpSessionAuthTag).update(body).update(rocBytes).digest();
    return timingSafeEqual(mac.subarray(0, tagLength), tag);
  }
  const offset = payloadOffset(packet);
  if (offset > body.length) return false;
  const iv = gcmIv(keys.srtpSessionSalt, packet.readUInt32BE(8), roc, packet.readUInt16BE(2));
  const decipher = createDecipheriv('aes-128-gcm', keys.srtpSessionKey, iv);
  decipher.setAAD(body.subarray(0, offset));
  decipher.setAuthTag(tag);
  decipher.update(body.subarray(offset));
  try {
    decipher.final();
    return true;
  } catch {
    return false;
  }
}
