// STUN attribute values with meaning: XOR-…-ADDRESS (address XORed with the
// magic cookie and, for IPv6, the transaction id), ERROR-CODE, and the plain
// numbers and strings TURN and ICE use.
import { isIP } from 'node:net';
import { MAGIC_COOKIE } from './message.js';

export interface TransportAddress {
  /** Dotted IPv4 or IPv6 text. */
  address: string;
  port: number;
}

function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  if (isIP(address) !== 6) throw new Error(`"${address}" is not an IP address`);
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = groups(tail);
  const all = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function ipText(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** `bytes` XOR `mask`, byte by byte. */
function xor(bytes: Buffer, mask: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length);
  for (let i = 0; i < bytes.length; i++) out.writeUInt8(bytes.readUInt8(i) ^ mask.readUInt8(i), i);
  return out;
}

function xorMask(transactionId: Buffer, length: number): Buffer {
  const mask = Buffer.alloc(16);
  mask.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.copy(mask, 4);
  return mask.subarray(0, length);
}

/** An XOR-MAPPED/PEER/RELAYED-ADDRESS value. */
export function encodeXorAddress(value: TransportAddress, transactionId: Buffer): Buffer {
  const ip = ipBytes(value.address);
  const head = Buffer.alloc(4);
  head.writeUInt8(ip.length === 4 ? 0x01 : 0x02, 1);
  head.writeUInt16BE(value.port ^ (MAGIC_COOKIE >>> 16), 2);
  return Buffer.concat([head, xor(ip, xorMask(transactionId, ip.length))]);
}

export function decodeXorAddress(value: Buffer, transactionId: Buffer): TransportAddress {
  const family = value.readUInt8(1);
  const length = family === 0x01 ? 4 : family === 0x02 ? 16 : 0;
  if (length === 0 || value.length < 4 + length) throw new Error('bad XOR address');
  const ip = xor(value.subarray(4, 4 + length), xorMask(transactionId, length));
  return { address: ipText(ip), port: value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16) };
}

export interface StunError {
  code: number;
  reason: string;
}

export function encodeErrorCode({ code, reason }: StunError): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt8(Math.floor(code / 100), 2);
  out.writeUInt8(code % 100, 3);
  return Buffer.concat([out, Buffer.from(reason, 'utf8')]);
}

export function decodeErrorCode(value: Buffer): StunError {
  if (value.length < 4) throw new Error('bad ERROR-CODE');
  return {
    code: (value.readUInt8(2) & 0x07) * 100 + value.readUInt8(3),
    reason: value.subarray(4).toString('utf8'),
  };
}

export const uint32 = (n: number): Buffer => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n >>> 0, 0);
  return out;
};

export const readUint32 = (value: Buffer): number => value.readUInt32BE(0);

/** REQUESTED-TRANSPORT: the protocol number (17: UDP) and three reserved bytes. */
export const requestedTransport = (protocol: number): Buffer => Buffer.from([protocol, 0, 0, 0]);

/** CHANNEL-NUMBER: 0x4000–0x7FFF and two reserved bytes. */
export const channelNumber = (channel: number): Buffer => {
  const out = Buffer.alloc(4);
  out.writeUInt16BE(channel, 0);
  return out;
};

/** ICE-CONTROLLING / ICE-CONTROLLED: a 64-bit tie-breaker. */
export const tieBreaker = (value: bigint): Buffer => {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(value, 0);
  return out;
};

export const text = (value: string): Buffer => Buffer.from(value, 'utf8');
