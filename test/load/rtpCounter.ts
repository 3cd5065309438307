// A receiver's statistics of one RTP stream as RFC 3550 (A.1, A.3, A.8)
// defines them, from the packet's clear header: extended highest sequence
// number, packets expected and received, interarrival jitter; what a
// receiver report carries; and the sequence numbers a gap skipped (for NACK).
export interface RtpCounts {
  packets: number;
  /** Payload bytes (header and authentication tag excluded). */
  bytes: number;
  /** performance.now() of the first packet; 0 before it. */
  firstAt: number;
  expected: number;
  /** Interarrival jitter, in RTP timestamp units. */
  jitter: number;
  /** Extended highest sequence number received. */
  extendedMax: number;
  /** The rollover counter (wraps of the sequence number) of the latest in-order packet. */
  rollover: number;
}

/** Where the payload starts: the fixed header, CSRCs and the header extension. */
export function payloadOffset(packet: Buffer): number {
  const csrcs = packet[0]! & 0x0f;
  let offset = 12 + 4 * csrcs;
  if (packet[0]! & 0x10 && packet.length >= offset + 4) {
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }
  return offset;
}

export class RtpCounter implements RtpCounts {
  packets = 0;
  bytes = 0;
  firstAt = 0;
  jitter = 0;
  rollover = 0;
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private lastTransit: number | undefined;
  private expectedPrior = 0;
  private receivedPrior = 0;

  constructor(
    private readonly clockRate: number,
    private readonly tagLength: number,
  ) {}

  get expected(): number {
    return this.packets === 0 ? 0 : this.cycles + this.maxSeq - this.baseSeq + 1;
  }

  /** The interarrival jitter in ms. */
  get jitterMs(): number {
    return (this.jitter / this.clockRate) * 1000;
  }

  get extendedMax(): number {
    return this.cycles + this.maxSeq;
  }

  /**
   * Counts one packet arrived at `nowMs`. Returns whether it was in order
   * (newer than any before) and, when it skipped sequence numbers, which.
   */
  add(packet: Buffer, nowMs: number): { inOrder: boolean; missing: number[] } {
    const seq = packet.readUInt16BE(2);
    const timestamp = packet.readUInt32BE(4);
    this.bytes += Math.max(0, packet.length - payloadOffset(packet) - this.tagLength);
    let inOrder = false;
    let missing: number[] = [];
    if (this.packets === 0) {
      this.firstAt = nowMs;
      this.baseSeq = this.maxSeq = seq;
      inOrder = true;
    } else {
      const delta = (seq - this.maxSeq) & 0xffff;
      if (delta > 0 && delta < 0x8000) {
        inOrder = true;
        if (seq < this.maxSeq) this.cycles += 0x10000;
        if (delta > 1) {
          missing = Array.from(
            { length: Math.min(delta - 1, 64) },
            (_, i) => (this.maxSeq + 1 + i) & 0xffff,
          );
        }
        this.maxSeq = seq;
      }
    }
    this.packets += 1;
    if (inOrder) {
      this.rollover = this.cycles / 0x10000;
      const arrival = (nowMs * this.clockRate) / 1000;
      const transit = arrival - timestamp;
      if (this.lastTransit !== undefined) {
        // Timestamps wrap at 2^32: take the difference modulo that.
        let d = Math.abs(transit - this.lastTransit);
        if (d > 2 ** 31) d = Math.abs(d - 2 ** 32);
        this.jitter += (d - this.jitter) / 16;
      }
      this.lastTransit = transit;
    }
    return { inOrder, missing };
  }

  /** The loss fields of a receiver report since the previous one (RFC 3550 A.3). */
  report(): { fractionLost: number; packetsLost: number } {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.packets - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.packets;
    const lostInterval = expectedInterval - receivedInterval;
    return {
      fractionLost:
        expectedInterval === 0 || lostInterval <= 0
          ? 0
          : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval)),
      packetsLost: Math.max(0, Math.min(0x7fffff, expected - this.packets)),
    };
  }
}
