// The receiving end of `bench:scaling`: one UDP socket per receiver, as the
// far end of an SRTP PlainTransport. The payload is encrypted and never
// decrypted here; a packet is counted by its clear RTP header when its SSRC
// is one of the receiver's consumers (so RTCP, RTX and probes are not),
// toward the worker that sent it.
import { createSocket } from 'node:dgram';
import { clearRtpSsrc } from './rtpPackets.js';

/** Packets delivered per worker while `counting` is on. */
export class WorkerTally {
  counting = false;
  readonly delivered: number[];

  constructor(workers: number) {
    this.delivered = new Array<number>(workers).fill(0);
  }
}

export interface SrtpReceiver {
  readonly port: number;
  /** The worker whose consumers send to it. */
  readonly worker: number;
  /** The consumers' SSRCs it counts; set once they exist. */
  accept(ssrcs: readonly number[]): void;
  /** SSRCs of accepted streams it has had packets from. */
  readonly streams: ReadonlySet<number>;
  close(): void;
}

export async function startSrtpReceiver(tally: WorkerTally, worker: number): Promise<SrtpReceiver> {
  const socket = createSocket('udp4');
  const accepted = new Set<number>();
  const streams = new Set<number>();
  socket.on('message', (packet) => {
    const ssrc = clearRtpSsrc(packet);
    if (ssrc === undefined || !accepted.has(ssrc)) return;
    streams.add(ssrc);
    if (tally.counting) tally.delivered[worker]!++;
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  // A video frame to every receiver at once: room for the burst (capped at rmem_max).
  socket.setRecvBufferSize(1 << 22);
  return {
    port: socket.address().port,
    worker,
    accept: (ssrcs) => ssrcs.forEach((s) => accepted.add(s)),
    streams,
    close: () => socket.close(),
  };
}
