// ICE probes (openIceProbe … closeIceProbe): each on a router of its own, a
// WebRTC transport through the worker's WebRtcServer (the very ports
// participants use) with SCTP, and a data consumer fed by a direct
// transport's data producer. Once the client's DTLS and SCTP are up the probe
// sends a numbered, timestamped message every ICE_PROBE_INTERVAL_MS, so the
// client can count what a path carries. A probe belongs to no room: loads,
// listings and drains never see it. It closes itself after its time to live,
// with its worker, and when the node stops.
import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import { SfuError } from '../api/errors.js';
import {
  ICE_PROBE_INTERVAL_MS,
  ICE_PROBE_LABEL,
  ICE_PROBE_MESSAGE_BYTES,
  ICE_PROBE_PROTOCOL,
  type IceProbeMessage,
} from '../api/iceProbe.js';
import type { SfuRequest, SfuResponse } from '../api/methods.js';
import type { SfuLogger } from './logger.js';
import { connectDtls } from './mediasoupErrors.js';
import { mediaCodecs } from './mediaCodecs.js';
import type { WorkerPool } from './workerPool.js';

/** Probes one node holds at once: a check for each of a few TURN paths, not a load tool. */
export const MAX_ICE_PROBES = 4;

type ProbeMethod = 'openIceProbe' | 'connectIceProbe' | 'closeIceProbe';
export type IceProbeHandlers = {
  [M in ProbeMethod]: (req: SfuRequest<M>) => Promise<SfuResponse<M>>;
};

export interface IceProbes {
  readonly handlers: IceProbeHandlers;
  /** Probes open now (or being opened). */
  count(): number;
  /** Closes every probe (the node stops or drops what it carries). */
  closeAll(): void;
}

interface Probe {
  readonly router: types.Router;
  readonly transport: types.WebRtcTransport;
  readonly opened: SfuResponse<'openIceProbe'>;
  closed: boolean;
  close(why: string): void;
}

// The objects come from mediasoup and go out unchanged; the schemas check them.
const fromMediasoup = <T>(value: unknown): T => value as T;

/** One message: JSON with its number and send time, padded to the probe's message size. */
export function probeMessage(seq: number, sentAt: number): string {
  const message: IceProbeMessage = { seq, sentAt };
  return JSON.stringify(message).padEnd(ICE_PROBE_MESSAGE_BYTES, ' ');
}

export function createIceProbes(deps: {
  pool: Pick<WorkerPool, 'pickWorker'>;
  logger: SfuLogger;
  max?: number;
}): IceProbes {
  const { pool, logger, max = MAX_ICE_PROBES } = deps;
  const probes = new Map<string, Probe>();
  /** Ids being opened (counted against the limit; a second open of one waits for it). */
  const opening = new Map<string, Promise<Probe>>();
  /** Counts closeAll calls: a probe whose opening spanned one is closed once made. */
  let generation = 0;

  /** Sends a message every interval while the transport's SCTP association is up. */
  function startSending(probeId: string, transport: types.WebRtcTransport, dp: types.DataProducer) {
    let seq = 0;
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      clearInterval(timer);
      timer = undefined;
    };
    transport.on('sctpstatechange', (state) => {
      if (state !== 'connected') return stop();
      if (timer) return;
      logger.info({ probe: probeId }, 'ICE probe connected: sending');
      timer = setInterval(() => {
        if (dp.closed) return stop();
        dp.send(probeMessage(seq++, Date.now()));
      }, ICE_PROBE_INTERVAL_MS);
    });
    transport.observer.once('close', stop);
  }

  async function create(probeId: string, ttlMs: number): Promise<Probe> {
    const pooled = await pool.pickWorker();
    const router = await pooled.worker.createRouter({ mediaCodecs, appData: { probe: probeId } });
    try {
      const transport = await router.createWebRtcTransport({
        webRtcServer: pooled.webRtcServer,
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        enableSctp: true,
        appData: { probe: probeId },
      });
      const direct = await router.createDirectTransport();
      const dataProducer = await direct.produceData({
        label: ICE_PROBE_LABEL,
        protocol: ICE_PROBE_PROTOCOL,
      });
      const dataConsumer = await transport.consumeData({ dataProducerId: dataProducer.id });
      const sctpParameters = transport.sctpParameters;
      const sctpStreamParameters = dataConsumer.sctpStreamParameters;
      if (!sctpParameters || !sctpStreamParameters) throw new Error('probe transport has no SCTP');
      startSending(probeId, transport, dataProducer);
      const probe: Probe = {
        router,
        transport,
        closed: false,
        opened: {
          probeId,
          ttlMs,
          routerRtpCapabilities: fromMediasoup(router.rtpCapabilities),
          transport: {
            id: transport.id,
            iceParameters: fromMediasoup(transport.iceParameters),
            iceCandidates: fromMediasoup(transport.iceCandidates),
            dtlsParameters: fromMediasoup(transport.dtlsParameters),
            sctpParameters: fromMediasoup(sctpParameters),
          },
          dataConsumer: {
            id: dataConsumer.id,
            dataProducerId: dataProducer.id,
            sctpStreamParameters: fromMediasoup(sctpStreamParameters),
            label: dataConsumer.label,
            protocol: dataConsumer.protocol,
          },
        },
        close(why) {
          if (probe.closed) return;
          probe.closed = true;
          clearTimeout(expiry);
          if (probes.get(probeId) === probe) probes.delete(probeId);
          router.close();
          logger.info({ probe: probeId, why }, 'ICE probe closed');
        },
      };
      const expiry = setTimeout(() => probe.close('expired'), ttlMs);
      expiry.unref();
      // Its worker died, or the pool closed: the router went with it.
      router.observer.once('close', () => probe.close('router closed'));
      return probe;
    } catch (error) {
      router.close();
      throw error;
    }
  }

  function find(probeId: string): Probe {
    const probe = probes.get(probeId);
    if (!probe) throw new SfuError('PROBE_NOT_FOUND', `no ICE probe ${probeId} is open here`);
    return probe;
  }

  const handlers: IceProbeHandlers = {
    async openIceProbe({ probeId = randomUUID(), ttlMs }) {
      const open = probes.get(probeId);
      if (open) return open.opened;
      const pending = opening.get(probeId);
      if (pending) return (await pending).opened;
      if (probes.size + opening.size >= max) {
        throw new SfuError(
          'PROBE_LIMIT',
          `this node already holds ${max} ICE probes: close one or wait until one expires`,
        );
      }
      const made = create(probeId, ttlMs);
      const started = generation;
      opening.set(probeId, made);
      try {
        const probe = await made;
        if (generation !== started) {
          probe.close('node stopped');
          throw new SfuError('SFU_UNAVAILABLE', 'the node dropped its ICE probes meanwhile');
        }
        probes.set(probeId, probe);
        logger.info({ probe: probeId, ttlMs }, 'ICE probe opened');
        return probe.opened;
      } finally {
        if (opening.get(probeId) === made) opening.delete(probeId);
      }
    },
    async connectIceProbe({ probeId, dtlsParameters }) {
      await connectDtls(
        find(probeId).transport,
        fromMediasoup<types.DtlsParameters>(dtlsParameters),
      );
      return {};
    },
    async closeIceProbe({ probeId }) {
      probes.get(probeId)?.close('closed by request');
      return {};
    },
  };

  return {
    handlers,
    count: () => probes.size + opening.size,
    closeAll() {
      generation++;
      // Those still being made close as soon as they are (their openers are told).
      opening.clear();
      for (const probe of [...probes.values()]) probe.close('node stopped');
    },
  };
}
