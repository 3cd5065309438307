// The two media paths `bench:sfu -- --pipe` compares, built from mediasoup
// objects as the SFU builds them. Two workers stand for two SFU nodes (each
// worker is its own process, as each node's is). "direct": the producer and
// its consumers on one router of worker A. "pipe hop": the producer on worker
// A, the consumers on worker B, joined by a PipeTransport pair as between two
// nodes (SRTP and RTX on, UDP on loopback, each end connected to the other's
// tuple; A's pipe consumes the producer, B's pipe produces it under the same
// id) — not router.pipeToRouter, which is the path within one node.
// The sender and receivers use PlainTransports so the bench pays no ICE,
// DTLS or SRTP of its own.
import type { types } from 'mediasoup';
import { mediaCodecs } from '../../sfu/core/mediaCodecs.js';
import { opusParameters, vp8Parameters } from '../harness/rtp.js';

export type PathKind = 'direct' | 'pipe';

export const pathLabel: Record<PathKind, string> = { direct: 'direct', pipe: 'pipe hop' };

export const SOURCE_SSRCS = { audio: 1111, video: 2222 } as const;

export const LOOPBACK: types.TransportListenInfo = { protocol: 'udp', ip: '127.0.0.1' };

const TRANSPORT_CC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

/**
 * What the receivers can take: the router's codecs without transport-wide
 * congestion control, since they send no feedback (the SFU would otherwise
 * probe them with padding). Both paths consume alike.
 */
export function receiverCapabilities(router: types.Router): types.RtpCapabilities {
  const caps = router.rtpCapabilities;
  return {
    codecs: (caps.codecs ?? []).map((codec) => ({
      ...codec,
      rtcpFeedback: (codec.rtcpFeedback ?? []).filter((fb) => fb.type !== 'transport-cc'),
    })),
    headerExtensions: (caps.headerExtensions ?? []).filter((ext) => ext.uri !== TRANSPORT_CC),
  };
}

export interface MediaPath {
  /** Where the sender sends its RTP (the source PlainTransport, comedia). */
  readonly sourcePort: number;
  close(): void;
}

async function pipePair(
  routerA: types.Router,
  routerB: types.Router,
): Promise<[types.PipeTransport, types.PipeTransport]> {
  const settings = { listenInfo: LOOPBACK, enableSrtp: true, enableRtx: true };
  const a = await routerA.createPipeTransport(settings);
  const b = await routerB.createPipeTransport(settings);
  await a.connect({
    ip: b.tuple.localAddress,
    port: b.tuple.localPort,
    srtpParameters: b.srtpParameters!,
  });
  await b.connect({
    ip: a.tuple.localAddress,
    port: a.tuple.localPort,
    srtpParameters: a.srtpParameters!,
  });
  return [a, b];
}

/**
 * Makes `producers` (on `routerA`) consumable on `routerB` under the same ids,
 * through one PipeTransport pair as between two SFU nodes.
 */
export async function pipeBetweenNodes(
  routerA: types.Router,
  routerB: types.Router,
  producers: readonly types.Producer[],
): Promise<void> {
  const [pipeA, pipeB] = await pipePair(routerA, routerB);
  for (const producer of producers) {
    const pipeConsumer = await pipeA.consume({ producerId: producer.id });
    await pipeB.produce({
      id: producer.id,
      kind: pipeConsumer.kind,
      rtpParameters: pipeConsumer.rtpParameters,
      paused: pipeConsumer.producerPaused,
    });
  }
}

/** Builds one path from the sender to every receiver port (one PlainTransport each). */
export async function buildPath(
  kind: PathKind,
  workers: { a: types.Worker; b: types.Worker },
  receiverPorts: readonly number[],
): Promise<MediaPath> {
  const routerA = await workers.a.createRouter({ mediaCodecs });
  const routers = [routerA];
  try {
    const source = await routerA.createPlainTransport({
      listenInfo: LOOPBACK,
      rtcpMux: true,
      comedia: true,
    });
    const producers = [
      await source.produce({ kind: 'audio', rtpParameters: opusParameters(SOURCE_SSRCS.audio) }),
      await source.produce({ kind: 'video', rtpParameters: vp8Parameters(SOURCE_SSRCS.video) }),
    ];
    let edge = routerA;
    if (kind === 'pipe') {
      const routerB = await workers.b.createRouter({ mediaCodecs });
      routers.push(routerB);
      await pipeBetweenNodes(routerA, routerB, producers);
      edge = routerB;
    }
    const rtpCapabilities = receiverCapabilities(edge);
    for (const port of receiverPorts) {
      const sink = await edge.createPlainTransport({ listenInfo: LOOPBACK, rtcpMux: true });
      await sink.connect({ ip: '127.0.0.1', port });
      for (const producer of producers) {
        await sink.consume({ producerId: producer.id, rtpCapabilities });
      }
    }
    return {
      sourcePort: source.tuple.localPort,
      close: () => routers.forEach((r) => r.close()),
    };
  } catch (error) {
    routers.forEach((r) => r.close());
    throw error;
  }
}
