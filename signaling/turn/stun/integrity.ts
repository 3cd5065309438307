// MESSAGE-INTEGRITY (HMAC-SHA1 over the message up to the attribute, with the
// length field counting it) and FINGERPRINT (CRC-32 XOR 0x5354554e), RFC 5389
// sections 15.4 and 15.5. Keys: TURN's long-term key md5(user:realm:pass),
// ICE's short-term key (the ICE password itself).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  Attr,
  encodeAttribute,
  header,
  HEADER_LENGTH,
  type StunAttribute,
  type StunMessage,
} from './message.js';

const INTEGRITY_LENGTH = 24;
const FINGERPRINT_LENGTH = 8;
const FINGERPRINT_XOR = 0x5354554e;

/** The long-term credential key (RFC 5389 section 15.4). */
export const longTermKey = (username: string, realm: string, password: string): Buffer =>
  createHash('md5').update(`${username}:${realm}:${password}`, 'utf8').digest();

/** The short-term credential key: the password's bytes (ICE: the remote ICE password). */
export const shortTermKey = (password: string): Buffer => Buffer.from(password, 'utf8');

const fingerprintOf = (bytes: Buffer): number => (crc32(bytes) ^ FINGERPRINT_XOR) >>> 0;

/**
 * The message's bytes with MESSAGE-INTEGRITY (when `key` is given) and
 * FINGERPRINT (when asked) appended after `message.attributes`.
 */
export function encodeSigned(
  message: StunMessage,
  options: { key?: Buffer; fingerprint?: boolean },
): Buffer {
  let body = Buffer.concat(message.attributes.map(encodeAttribute));
  if (options.key) {
    const signed = Buffer.concat([header(message, body.length + INTEGRITY_LENGTH), body]);
    const hmac = createHmac('sha1', options.key).update(signed).digest();
    body = Buffer.concat([body, encodeAttribute({ type: Attr.MessageIntegrity, value: hmac })]);
  }
  if (options.fingerprint) {
    const covered = Buffer.concat([header(message, body.length + FINGERPRINT_LENGTH), body]);
    const value = Buffer.alloc(4);
    value.writeUInt32BE(fingerprintOf(covered), 0);
    body = Buffer.concat([body, encodeAttribute({ type: Attr.Fingerprint, value })]);
  }
  return Buffer.concat([header(message, body.length), body]);
}

/** Offset of the first attribute of `type` in the raw bytes, or -1. */
function attributeOffset(bytes: Buffer, type: number): number {
  let offset = HEADER_LENGTH;
  const end = HEADER_LENGTH + bytes.readUInt16BE(2);
  while (offset + 4 <= end) {
    if (bytes.readUInt16BE(offset) === type) return offset;
    const length = bytes.readUInt16BE(offset + 2);
    offset += 4 + length + ((4 - (length % 4)) % 4);
  }
  return -1;
}

/** True when the raw message carries a MESSAGE-INTEGRITY that `key` produced. */
export function checkIntegrity(bytes: Buffer, key: Buffer): boolean {
  const at = attributeOffset(bytes, Attr.MessageIntegrity);
  if (at < 0) return false;
  const covered = Buffer.from(bytes.subarray(0, at));
  covered.writeUInt16BE(at + INTEGRITY_LENGTH - HEADER_LENGTH, 2);
  const expected = createHmac('sha1', key).update(covered).digest();
  const given = bytes.subarray(at + 4, at + INTEGRITY_LENGTH);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** True when the raw message ends with a correct FINGERPRINT. */
export function checkFingerprint(bytes: Buffer): boolean {
  const at = attributeOffset(bytes, Attr.Fingerprint);
  if (at < 0 || at + FINGERPRINT_LENGTH !== HEADER_LENGTH + bytes.readUInt16BE(2)) return false;
  const covered = Buffer.from(bytes.subarray(0, at));
  covered.writeUInt16BE(at + FINGERPRINT_LENGTH - HEADER_LENGTH, 2);
  return fingerprintOf(covered) === bytes.readUInt32BE(at + 4);
}

/** Attributes before MESSAGE-INTEGRITY/FINGERPRINT, for re-encoding a parsed message. */
export const unsignedAttributes = (message: StunMessage): StunAttribute[] =>
  message.attributes.filter((a) => a.type !== Attr.MessageIntegrity && a.type !== Attr.Fingerprint);
