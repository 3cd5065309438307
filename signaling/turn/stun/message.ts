// STUN messages (RFC 5389/8489) as raw bytes and back: the 20-byte header
// (type, length, magic cookie, transaction id) and a list of TLV attributes,
// each padded to 4 bytes. Attribute values stay raw here; attributes.ts gives
// them meaning and integrity.ts signs and checks them.
import { randomBytes } from 'node:crypto';

export const MAGIC_COOKIE = 0x2112a442;
export const HEADER_LENGTH = 20;

/** Methods used here (RFC 5389 Binding, RFC 5766 TURN). */
export const Method = {
  Binding: 0x001,
  Allocate: 0x003,
  Refresh: 0x004,
  Send: 0x006,
  Data: 0x007,
  CreatePermission: 0x008,
  ChannelBind: 0x009,
} as const;

export const MessageClass = {
  Request: 0b00,
  Indication: 0b01,
  Success: 0b10,
  Error: 0b11,
} as const;
export type MessageClass = (typeof MessageClass)[keyof typeof MessageClass];

/** Attribute types used here. */
export const Attr = {
  MappedAddress: 0x0001,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  ChannelNumber: 0x000c,
  Lifetime: 0x000d,
  XorPeerAddress: 0x0012,
  Data: 0x0013,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorRelayedAddress: 0x0016,
  RequestedTransport: 0x0019,
  XorMappedAddress: 0x0020,
  Priority: 0x0024,
  UseCandidate: 0x0025,
  Software: 0x8022,
  Fingerprint: 0x8028,
  IceControlled: 0x8029,
  IceControlling: 0x802a,
} as const;

export interface StunAttribute {
  type: number;
  value: Buffer;
}

export interface StunMessage {
  method: number;
  cls: MessageClass;
  /** 12 bytes. */
  transactionId: Buffer;
  attributes: StunAttribute[];
}

/** The 14-bit method and 2-bit class interleaved as RFC 5389 section 6 draws them. */
export function messageType(method: number, cls: MessageClass): number {
  return (
    (method & 0x000f) |
    ((method & 0x0070) << 1) |
    ((method & 0x0f80) << 2) |
    ((cls & 0b01) << 4) |
    ((cls & 0b10) << 7)
  );
}

function splitType(type: number): { method: number; cls: MessageClass } {
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const cls = (((type & 0x0010) >> 4) | ((type & 0x0100) >> 7)) as MessageClass;
  return { method, cls };
}

export const newTransactionId = (): Buffer => randomBytes(12);

const padding = (length: number) => (4 - (length % 4)) % 4;

/** One attribute's TLV bytes, padded. */
export function encodeAttribute({ type, value }: StunAttribute): Buffer {
  const out = Buffer.alloc(4 + value.length + padding(value.length));
  out.writeUInt16BE(type, 0);
  out.writeUInt16BE(value.length, 2);
  value.copy(out, 4);
  return out;
}

/** Header plus attributes; the length field counts the attributes' bytes. */
export function encodeMessage(message: StunMessage): Buffer {
  const body = Buffer.concat(message.attributes.map(encodeAttribute));
  return Buffer.concat([header(message, body.length), body]);
}

/** The 20-byte header with the given length field. */
export function header(message: Omit<StunMessage, 'attributes'>, length: number): Buffer {
  if (message.transactionId.length !== 12) throw new Error('a transaction id has 12 bytes');
  const out = Buffer.alloc(HEADER_LENGTH);
  out.writeUInt16BE(messageType(message.method, message.cls), 0);
  out.writeUInt16BE(length, 2);
  out.writeUInt32BE(MAGIC_COOKIE, 4);
  message.transactionId.copy(out, 8);
  return out;
}

/** True when `data` starts like a STUN message (top bits 00, magic cookie). */
export function looksLikeStun(data: Buffer): boolean {
  return (
    data.length >= HEADER_LENGTH &&
    (data.readUInt8(0) & 0xc0) === 0 &&
    data.readUInt32BE(4) === MAGIC_COOKIE
  );
}

/** Parses one whole message; throws on anything malformed. */
export function decodeMessage(data: Buffer): StunMessage {
  if (!looksLikeStun(data)) throw new Error('not a STUN message');
  const length = data.readUInt16BE(2);
  if (length % 4 !== 0 || HEADER_LENGTH + length > data.length) {
    throw new Error('STUN message length does not fit');
  }
  const attributes: StunAttribute[] = [];
  let offset = HEADER_LENGTH;
  const end = HEADER_LENGTH + length;
  while (offset < end) {
    if (offset + 4 > end) throw new Error('truncated STUN attribute');
    const type = data.readUInt16BE(offset);
    const valueLength = data.readUInt16BE(offset + 2);
    const start = offset + 4;
    if (start + valueLength > end) throw new Error('truncated STUN attribute');
    attributes.push({ type, value: Buffer.from(data.subarray(start, start + valueLength)) });
    offset = start + valueLength + padding(valueLength);
  }
  return {
    ...splitType(data.readUInt16BE(0)),
    transactionId: Buffer.from(data.subarray(8, 20)),
    attributes,
  };
}

/** The first attribute of `type`, if any. */
export const findAttribute = (message: StunMessage, type: number): Buffer | undefined =>
  message.attributes.find((a) => a.type === type)?.value;

/** The message, or undefined when malformed (RFC 5389: such messages are dropped). */
export function decodeOrUndefined(data: Buffer): StunMessage | undefined {
  try {
    return looksLikeStun(data) ? decodeMessage(data) : undefined;
  } catch {
    return undefined;
  }
}
