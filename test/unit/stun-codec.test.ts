// The STUN codec against RFC 5769's test vectors: what it reads from real
// STUN messages, the MESSAGE-INTEGRITY and FINGERPRINT it checks and writes.
import { describe, expect, it } from 'vitest';
import {
  decodeErrorCode,
  decodeXorAddress,
  encodeErrorCode,
  encodeXorAddress,
} from '../../signaling/turn/stun/attributes.js';
import {
  checkFingerprint,
  checkIntegrity,
  encodeSigned,
  longTermKey,
  shortTermKey,
  unsignedAttributes,
} from '../../signaling/turn/stun/integrity.js';
import {
  Attr,
  decodeMessage,
  encodeMessage,
  findAttribute,
  Method,
  MessageClass,
  newTransactionId,
} from '../../signaling/turn/stun/message.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// RFC 5769 section 2.1: a Binding request with ICE attributes, short-term credentials.
const sampleRequest = hex(`
  000100582112a442b7e7a701bc34d686fa87dfae
  80220010 5354554e 20746573 7420636c 69656e74
  00240004 6e0001ff
  80290008 932ff9b1 51263b36
  00060009 6576746a 3a683676 59202020
  00080014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2
  80280004 e57a3bcf`);
const shortTermPassword = 'VOkJxbRl1RmTxUk/WvJxBt';

// Section 2.2 and 2.3: Binding success responses with an IPv4 and an IPv6 XOR-MAPPED-ADDRESS.
const ipv4Response = hex(`
  0101003c2112a442b7e7a701bc34d686fa87dfae
  8022000b 74657374 20766563 746f7220
  00200008 0001a147 e112a643
  00080014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7
  80280004 c07d4c96`);
const ipv6Response = hex(`
  010100482112a442b7e7a701bc34d686fa87dfae
  8022000b 74657374 20766563 746f7220
  00200014 0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9
  00080014 a382954e 4be67bf1 1784c97c 8292c275 bfe3ed41
  80280004 c8fb0b4c`);

// Section 2.4: a request with long-term credentials (username and password after SASLprep).
const longTermRequest = hex(`
  000100602112a44278ad3433c6ad72c029da412e
  00060012 e3839ee3 8388e383 aae38383 e382afe3 82b90000
  0015001c 662f2f34 39396b39 35346436 4f4c3334 6f4c3946 53547679 36347341
  0014000b 6578616d 706c652e 6f726700
  00080014 f6702465 6dd64a3e 02b8e071 2e85c9a2 8ca89666`);

describe('STUN codec (RFC 5769 test vectors)', () => {
  it('reads the sample request and accepts its integrity and fingerprint', () => {
    const message = decodeMessage(sampleRequest);
    expect(message.method).toBe(Method.Binding);
    expect(message.cls).toBe(MessageClass.Request);
    expect(findAttribute(message, Attr.Username)?.toString()).toBe('evtj:h6vY');
    expect(findAttribute(message, Attr.Priority)?.readUInt32BE(0)).toBe(0x6e0001ff);
    expect(checkIntegrity(sampleRequest, shortTermKey(shortTermPassword))).toBe(true);
    expect(checkIntegrity(sampleRequest, shortTermKey('another password'))).toBe(false);
    expect(checkFingerprint(sampleRequest)).toBe(true);
  });

  it('rejects a message altered after signing', () => {
    const altered = Buffer.from(sampleRequest);
    altered[30] = 0x41; // a letter of SOFTWARE
    expect(checkIntegrity(altered, shortTermKey(shortTermPassword))).toBe(false);
    expect(checkFingerprint(altered)).toBe(false);
  });

  it('reads XOR-MAPPED-ADDRESS for IPv4 and IPv6', () => {
    for (const [bytes, address] of [
      [ipv4Response, '192.0.2.1'],
      [ipv6Response, '2001:db8:1234:5678:11:2233:4455:6677'],
    ] as const) {
      const message = decodeMessage(bytes);
      expect(message.cls).toBe(MessageClass.Success);
      const mapped = findAttribute(message, Attr.XorMappedAddress)!;
      expect(decodeXorAddress(mapped, message.transactionId)).toEqual({ address, port: 32853 });
      expect(encodeXorAddress({ address, port: 32853 }, message.transactionId)).toEqual(mapped);
      expect(checkIntegrity(bytes, shortTermKey(shortTermPassword))).toBe(true);
      expect(checkFingerprint(bytes)).toBe(true);
    }
  });

  it('writes the long-term credential request byte for byte', () => {
    const expected = decodeMessage(longTermRequest);
    // The password "The\u00adM\u00aatr\u2168" after SASLprep is "TheMatrIX".
    const key = longTermKey('\u30de\u30c8\u30ea\u30c3\u30af\u30b9', 'example.org', 'TheMatrIX');
    expect(checkIntegrity(longTermRequest, key)).toBe(true);
    const written = encodeSigned(
      { ...expected, attributes: unsignedAttributes(expected) },
      { key },
    );
    expect(written).toEqual(longTermRequest);
  });

  it('round-trips a signed TURN request with integrity and fingerprint', () => {
    const transactionId = newTransactionId();
    const key = longTermKey('1700000000:abc', 'veche.test', 'secret-password');
    const bytes = encodeSigned(
      {
        method: Method.CreatePermission,
        cls: MessageClass.Request,
        transactionId,
        attributes: [
          {
            type: Attr.XorPeerAddress,
            value: encodeXorAddress({ address: '203.0.113.7', port: 40000 }, transactionId),
          },
          { type: Attr.Username, value: Buffer.from('1700000000:abc') },
        ],
      },
      { key, fingerprint: true },
    );
    const message = decodeMessage(bytes);
    expect(message.method).toBe(Method.CreatePermission);
    expect(message.transactionId).toEqual(transactionId);
    expect(decodeXorAddress(findAttribute(message, Attr.XorPeerAddress)!, transactionId)).toEqual({
      address: '203.0.113.7',
      port: 40000,
    });
    expect(checkIntegrity(bytes, key)).toBe(true);
    expect(checkFingerprint(bytes)).toBe(true);
  });

  it('round-trips ERROR-CODE and keeps methods and classes apart', () => {
    const value = encodeErrorCode({ code: 438, reason: 'Stale Nonce' });
    expect(decodeErrorCode(value)).toEqual({ code: 438, reason: 'Stale Nonce' });
    const bytes = encodeMessage({
      method: Method.Allocate,
      cls: MessageClass.Error,
      transactionId: newTransactionId(),
      attributes: [{ type: Attr.ErrorCode, value }],
    });
    expect(bytes.readUInt16BE(0)).toBe(0x0113); // Allocate error response
    expect(decodeMessage(bytes)).toMatchObject({
      method: Method.Allocate,
      cls: MessageClass.Error,
    });
  });
});
