// The media of one `bench:scaling` configuration, built from mediasoup
// objects as the SFU builds them (its router codecs, its worker settings):
// publishers as plain-RTP PlainTransports on the first worker, each producing
// Opus and VP8; receivers as PlainTransports with SRTP toward a UDP socket of
// the bench (the worker encrypts every packet, as toward a browser), RTCP on,
// each consuming one publisher's two producers on its own worker's router.
//   one:   everything on worker 0.
//   node:  receivers spread over k workers; the others reach the producers
//          through router.pipeToRouter, as one SFU node spreads a room.
//   nodes: the same through a PipeTransport pair per worker over UDP loopback
//          with SRTP and RTX, as between SFU nodes.
import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import { mediaCodecs } from '../../sfu/core/mediaCodecs.js';
import { opusParameters, vp8Parameters } from '../harness/rtp.js';
import { LOOPBACK, pipeBetweenNodes, receiverCapabilities } from './pipeHop.js';
import type { ScalingConfig } from './scalingMath.js';
import type { SrtpReceiver } from './scalingReceivers.js';

export type SrtpSuite = types.SrtpCryptoSuite;

/** Master key + salt lengths (RFC 3711, RFC 7714). */
const KEY_BYTES: Record<SrtpSuite, number> = {
  AEAD_AES_256_GCM: 32 + 12,
  AEAD_AES_128_GCM: 16 + 12,
  AES_CM_128_HMAC_SHA1_80: 16 + 14,
  AES_CM_128_HMAC_SHA1_32: 16 + 14,
};

export const isSrtpSuite = (name: string): name is SrtpSuite => name in KEY_BYTES;

/** SSRCs of publisher i's streams, as its sender stamps them. */
export const publisherSsrcs = (i: number) => ({ audio: 1000 + 2 * i, video: 1001 + 2 * i });

export interface ScalingMedia {
  /** Where each publisher's sender sends (comedia PlainTransports). */
  readonly sourcePorts: readonly number[];
  /** Per publisher, how many workers other than the first its packets are piped to. */
  readonly pipesPerPublisher: readonly number[];
  /** What every consumer has sent so far, by worker, as the worker counts it. */
  forwarded(): Promise<PacketCount[][]>;
  /** What the publishers' producers have received so far, as the first worker counts it. */
  takenIn(): Promise<PacketCount[][]>;
  close(): void;
}

/** A stream's RTP packets so far, at the worker's clock (ms). */
export interface PacketCount {
  packets: number;
  atMs: number;
}

async function counted(
  stream: types.Consumer | types.Producer,
  type: 'outbound-rtp' | 'inbound-rtp',
): Promise<PacketCount> {
  const stats: { type: string; packetCount: number; timestamp: number }[] = await stream.getStats();
  const mine = stats.find((s) => s.type === type);
  return { packets: mine?.packetCount ?? 0, atMs: mine?.timestamp ?? 0 };
}

/** Packets/s per group between two snapshots, each stream at its own clock. */
export function packetRates(
  before: readonly PacketCount[][],
  after: readonly PacketCount[][],
): number[] {
  return before.map((counts, w) =>
    counts.reduce((sum, b, i) => {
      const a = after[w]![i]!;
      return a.atMs > b.atMs ? sum + ((a.packets - b.packets) * 1000) / (a.atMs - b.atMs) : sum;
    }, 0),
  );
}

export interface ReceiverPlan {
  receiver: SrtpReceiver;
  publisher: number;
}

async function pipe(
  config: ScalingConfig,
  from: types.Router,
  to: types.Router,
  producers: readonly types.Producer[],
): Promise<void> {
  if (config === 'nodes') return pipeBetweenNodes(from, to, producers);
  // As the SFU pipes within a node (sfu/core/roomRouters.ts): loopback, no SCTP.
  for (const producer of producers) {
    await from.pipeToRouter({
      producerId: producer.id,
      router: to,
      listenInfo: LOOPBACK,
      enableSctp: false,
    });
  }
}

export async function buildScalingMedia(
  config: ScalingConfig,
  workers: readonly types.Worker[],
  publishers: number,
  plans: readonly ReceiverPlan[],
  suite: SrtpSuite,
): Promise<ScalingMedia> {
  const used = config === 'one' ? workers.slice(0, 1) : workers;
  const routers: types.Router[] = [];
  try {
    for (const worker of used) routers.push(await worker.createRouter({ mediaCodecs }));
    const origin = routers[0]!;
    const sourcePorts: number[] = [];
    const producers: types.Producer[][] = [];
    for (let p = 0; p < publishers; p++) {
      const source = await origin.createPlainTransport({
        listenInfo: LOOPBACK,
        rtcpMux: true,
        comedia: true,
      });
      const ssrcs = publisherSsrcs(p);
      producers.push([
        await source.produce({ kind: 'audio', rtpParameters: opusParameters(ssrcs.audio) }),
        await source.produce({ kind: 'video', rtpParameters: vp8Parameters(ssrcs.video) }),
      ]);
      sourcePorts.push(source.tuple.localPort);
    }
    const routerIndex = (plan: ReceiverPlan) => (config === 'one' ? 0 : plan.receiver.worker);
    const watched = (w: number, p: number) =>
      plans.some((plan) => routerIndex(plan) === w && plan.publisher === p);
    for (let w = 1; w < routers.length; w++) {
      const wanted = producers.filter((_, p) => watched(w, p)).flat();
      await pipe(config, origin, routers[w]!, wanted);
    }
    const capabilities = receiverCapabilities(origin);
    const consumers: types.Consumer[][] = routers.map(() => []);
    for (const plan of plans) {
      const router = routers[routerIndex(plan)]!;
      const sink = await router.createPlainTransport({
        listenInfo: LOOPBACK,
        rtcpMux: true,
        enableSrtp: true,
        srtpCryptoSuite: suite,
      });
      await sink.connect({
        ip: '127.0.0.1',
        port: plan.receiver.port,
        // The keys the far end would encrypt with; it sends nothing.
        srtpParameters: {
          cryptoSuite: suite,
          keyBase64: randomBytes(KEY_BYTES[suite]).toString('base64'),
        },
      });
      const ssrcs: number[] = [];
      for (const producer of producers[plan.publisher]!) {
        const consumer = await sink.consume({
          producerId: producer.id,
          rtpCapabilities: capabilities,
        });
        consumers[routerIndex(plan)]!.push(consumer);
        const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
        if (ssrc !== undefined) ssrcs.push(ssrc);
      }
      plan.receiver.accept(ssrcs);
    }
    return {
      sourcePorts,
      pipesPerPublisher: producers.map(
        (_, p) => routers.slice(1).filter((_, i) => watched(i + 1, p)).length,
      ),
      forwarded: () =>
        Promise.all(
          consumers.map((list) => Promise.all(list.map((c) => counted(c, 'outbound-rtp')))),
        ),
      takenIn: async () => [
        await Promise.all(producers.flat().map((p) => counted(p, 'inbound-rtp'))),
      ],
      close: () => routers.forEach((r) => r.close()),
    };
  } catch (error) {
    routers.forEach((r) => r.close());
    throw error;
  }
}
