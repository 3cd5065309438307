// The load bots' receive path: RTP statistics from the clear header as RFC
// 3550 counts them, and SRTP authentication with the DTLS-SRTP session keys,
// checked against the WebRTC stack's own SRTP sender for both profiles the
// SFU may pick.
import { randomBytes } from 'node:crypto';
import { RtpHeader, SrtpSession } from 'msc-node';
import { describe, expect, it } from 'vitest';
import { RtpCounter } from '../load/rtpCounter.js';
import { authentic, type SrtpKeys, type SrtpProfileKind } from '../load/srtpCheck.js';

function rtp(seq: number, timestamp: number, payload = Buffer.alloc(100, 7), ssrc = 1234): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = 96;
  header.writeUInt16BE(seq & 0xffff, 2);
  header.writeUInt32BE(timestamp >>> 0, 4);
  header.writeUInt32BE(ssrc, 8);
  return Buffer.concat([header, payload, Buffer.alloc(10)]);
}

describe('the bots’ RTP statistics', () => {
  it('counts packets, payload bytes and loss across a sequence-number wrap', () => {
    const counter = new RtpCounter(90_000, 10);
    let seq = 65_530;
    const skipped: number[][] = [];
    for (let i = 0; i < 20; i += 1) {
      if (i === 10) seq += 2; // two lost
      const { missing } = counter.add(rtp(seq, i * 3000), i * 33);
      if (missing.length > 0) skipped.push(missing);
      seq += 1;
    }
    expect(counter.packets).toBe(20);
    expect(counter.bytes).toBe(20 * 100);
    expect(counter.expected).toBe(22);
    expect(counter.rollover).toBe(1);
    expect(skipped).toEqual([[4, 5]]);
    expect(counter.report()).toEqual({ fractionLost: Math.floor((2 * 256) / 22), packetsLost: 2 });
    // Nothing new since: the next report's interval lost nothing.
    expect(counter.report().fractionLost).toBe(0);
  });

  it('takes a late or repeated packet as received, not as a new highest one', () => {
    const counter = new RtpCounter(48_000, 10);
    counter.add(rtp(10, 0), 0);
    counter.add(rtp(12, 1920), 40);
    expect(counter.add(rtp(11, 960), 41).inOrder).toBe(false);
    expect(counter.expected).toBe(3);
    expect(counter.packets).toBe(3);
  });

  it('measures interarrival jitter: none on a steady clock, some when arrivals wobble', () => {
    const steady = new RtpCounter(90_000, 10);
    const wobbly = new RtpCounter(90_000, 10);
    for (let i = 0; i < 100; i += 1) {
      steady.add(rtp(i, i * 3000), i * (1000 / 30));
      wobbly.add(rtp(i, i * 3000), i * (1000 / 30) + (i % 2 === 0 ? 0 : 10));
    }
    expect(steady.jitter).toBeLessThan(1);
    // 10 ms each way is 900 timestamp units; the running estimate nears it.
    expect(wobbly.jitter).toBeGreaterThan(600);
    expect(wobbly.jitter).toBeLessThan(950);
  });
});

describe('SRTP authentication of what a bot receives', () => {
  const profiles: [SrtpProfileKind, number][] = [
    ['aes-cm-hmac-sha1-80', 0x0001],
    ['aead-aes-128-gcm', 0x0007],
  ];

  it.each(profiles)(
    'accepts genuine %s packets and rejects tampered or foreign ones',
    (kind, profile) => {
      const key = randomBytes(16);
      const salt = randomBytes(kind === 'aead-aes-128-gcm' ? 12 : 14);
      const other = { key: randomBytes(16), salt: randomBytes(salt.length) };
      const session = (
        local: { key: Buffer; salt: Buffer },
        remote: { key: Buffer; salt: Buffer },
      ) =>
        new SrtpSession({
          keys: {
            localMasterKey: local.key,
            localMasterSalt: local.salt,
            remoteMasterKey: remote.key,
            remoteMasterSalt: remote.salt,
          },
          profile: profile as never,
        });
      const sender = session({ key, salt }, other);
      const receiver = session(other, { key, salt });
      const foreign = session(other, other);
      const keys = (s: SrtpSession) =>
        (s as unknown as { remoteContext: { cipher: SrtpKeys } }).remoteContext.cipher;
      for (let seq = 65_534; seq < 65_540; seq += 1) {
        const header = new RtpHeader({
          payloadType: 96,
          sequenceNumber: seq & 0xffff,
          timestamp: seq * 3000,
          ssrc: 4321,
          marker: true,
        });
        const packet = sender.encrypt(randomBytes(200), header);
        const roc = seq >= 65_536 ? 1 : 0;
        expect(authentic(kind, keys(receiver), packet, roc)).toBe(true);
        expect(authentic(kind, keys(receiver), packet, roc + 1)).toBe(false);
        expect(authentic(kind, keys(foreign), packet, roc)).toBe(false);
        const tampered = Buffer.from(packet);
        tampered[20]! ^= 0x01;
        expect(authentic(kind, keys(receiver), tampered, roc)).toBe(false);
      }
    },
  );
});
